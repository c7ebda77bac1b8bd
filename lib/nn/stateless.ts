// torch.nn.utils.stateless.functional_call and torch.nn.utils.fusion's fuse_conv_bn_eval /
// fuse_conv_bn_weights: running a module with other tensors in place of its parameters and buffers
// (gradients then flow to those tensors: meta-learning, per-sample gradients), and folding an
// inference-mode batch norm into the convolution before it.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { shown } from '../args';
import { noGrad } from '../autograd';
import { add, mul, sub } from '../ops/binary';
import { rsqrt } from '../ops/unary';
import { ones, zeros } from '../ops/creation';
import { reshape } from '../ops/shape';
import { Module } from './module';
import { Parameter } from './parameter';
import { deepCopyModule } from './deep_copy';
import { BatchNormBase } from './batchnorm';

/**
 * module's forward on args with the tensors of `parametersAndBuffers` standing in for the parameters
 * and buffers of those names (torch.nn.utils.stateless.functional_call; torch.func's in torch 2):
 * the module's own are put back afterwards, even when forward throws.
 */
export function functionalCall(module: Module, parametersAndBuffers: Readonly<Record<string, Tensor>>, args: Tensor | readonly Tensor[]): Tensor {
  const what = 'functionalCall';
  if (!(module instanceof Module)) throw new Error(`${what}: module must be a Module, got ${shown(module)}`);
  if (parametersAndBuffers === null || typeof parametersAndBuffers !== 'object' || parametersAndBuffers instanceof Tensor) {
    throw new Error(`${what}: parametersAndBuffers must be an object of name -> Tensor, got ${shown(parametersAndBuffers)}`);
  }
  const inputs = args instanceof Tensor ? [args] : Array.isArray(args) ? [...args] : null;
  if (!inputs) throw new Error(`${what}: args must be a Tensor or an array of them, got ${shown(args)}`);
  const known = new Map<string, Tensor>([...module.namedParameters(), ...module.namedBuffers()]);
  const swaps = Object.entries(parametersAndBuffers).map(([name, t]) => {
    const own = known.get(name);
    if (!own) throw new Error(`${what}: '${name}' is no parameter or buffer of ${module.constructor.name}`);
    if (!(t instanceof Tensor)) throw new Error(`${what}: '${name}' must be a Tensor, got ${shown(t)}`);
    if (t.ndim !== own.ndim || t.shape.some((n, i) => n !== own.shape[i])) throw new Error(`${what}: '${name}' has shape ${fmt(own.shape)}, the tensor given ${fmt(t.shape)}`);
    const at = name.lastIndexOf('.');
    const owner = module.getSubmodule(at < 0 ? '' : name.slice(0, at)) as unknown as Record<string, unknown>;
    return { owner, key: name.slice(at + 1), given: t, own: owner[name.slice(at + 1)] };
  });
  for (const s of swaps) s.owner[s.key] = s.given;
  try {
    return module.forward(...inputs);
  } finally {
    for (const s of swaps.reverse()) s.owner[s.key] = s.own;
  }
}

/** A convolution's parts fuse needs: weight [out, in, ...] ([in, out, ...] transposed) and bias. */
interface ConvLike { weight: Tensor; bias: Tensor | null }

/**
 * The weight and bias of a convolution followed by an inference-mode batch norm, as one convolution
 * (torch.nn.utils.fusion.fuse_conv_bn_weights): w gamma / sqrt(var + eps) per output channel and
 * (b - mean) gamma / sqrt(var + eps) + beta. `transpose` for a transposed convolution's weight.
 */
export function fuseConvBnWeights(convW: Tensor, convB: Tensor | null, bnMean: Tensor, bnVar: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false): [Parameter, Parameter] {
  const what = 'fuseConvBnWeights';
  for (const [name, t] of [['convW', convW], ['bnMean', bnMean], ['bnVar', bnVar]] as const) if (!(t instanceof Tensor)) throw new Error(`${what}: ${name} must be a Tensor, got ${shown(t)}`);
  const channels = convW.shape[transpose ? 1 : 0];
  if (convW.ndim < 2 || bnMean.ndim !== 1 || bnMean.size !== channels || bnVar.size !== channels) {
    throw new Error(`${what}: the batch norm's statistics (${fmt(bnMean.shape)}, ${fmt(bnVar.shape)}) must have one value per output channel of the weight ${fmt(convW.shape)}`);
  }
  if (typeof bnEps !== 'number' || !(bnEps >= 0)) throw new Error(`${what}: bnEps must be a non-negative number, got ${shown(bnEps)}`);
  return noGrad(() => {
    const scale = mul(bnW ?? ones([channels]), rsqrt(add(bnVar, bnEps)));
    const shape = transpose ? [1, -1, ...new Array<number>(convW.ndim - 2).fill(1)] : [-1, ...new Array<number>(convW.ndim - 1).fill(1)];
    const w = mul(convW, reshape(scale, shape));
    const b = add(mul(sub(convB ?? zeros([channels]), bnMean), scale), bnB ?? zeros([channels]));
    return [new Parameter(w), new Parameter(b)];
  });
}

/**
 * A copy of conv with the inference-mode batch norm bn folded in (torch.nn.utils.fusion.fuse_conv_bn_eval):
 * both must be in eval mode; `transpose` for a transposed convolution.
 */
export function fuseConvBnEval<M extends Module>(conv: M, bn: Module, transpose = false): M {
  const what = 'fuseConvBnEval';
  if (!(conv instanceof Module) || !((conv as unknown as ConvLike).weight instanceof Tensor)) throw new Error(`${what}: conv must be a convolution module (with a weight), got ${shown(conv)}`);
  if (!(bn instanceof BatchNormBase)) throw new Error(`${what}: bn must be a BatchNorm1d, 2d or 3d, got ${shown(bn)}`);
  if (conv.training || bn.training) throw new Error(`${what}: Fusion only for eval! (put both modules in eval mode)`);
  const stats = bn as unknown as { running_mean: Tensor | null; running_var: Tensor | null; weight: Tensor | null; bias: Tensor | null };
  if (!(stats.running_mean instanceof Tensor) || !(stats.running_var instanceof Tensor)) throw new Error(`${what}: bn must track running statistics`);
  const fused = deepCopyModule(conv, what);
  const c = fused as unknown as ConvLike;
  [c.weight, c.bias] = fuseConvBnWeights(c.weight, c.bias, stats.running_mean, stats.running_var, bn.eps, stats.weight, stats.bias, transpose);
  return fused;
}

// torch.nn.utils.spectral_norm and remove_spectral_norm: a parameter divided by its largest singular
// value sigma, estimated by power iteration (Miyato et al. 2018), as torch 1.13 does it: the weight
// seen as a matrix (dim first, the rest flattened), vectors u and v kept as buffers and advanced by
// n power iterations before every forward in training mode (none in eval mode), sigma = u . (W v)
// with u and v held constant for the gradient. The module keeps name_orig as the parameter and name_u,
// name_v as buffers, torch's names.
import { Tensor } from '../tensor';
import { div } from '../ops/binary';
import { dot, mv } from '../ops/products_more';
import { permute, reshape, transpose } from '../ops/shape';
import { randn } from '../ops/creation';
import { clone } from '../ops/more';
import { noGrad } from '../autograd';
import { normDim } from '../shape';
import { shown } from '../args';
import type { RemovableHandle } from '../tensor';
import { dropBuffer, Module } from './module';
import { Parameter } from './parameter';
import { normalize } from './functional';
import { ConvTranspose1d, ConvTranspose2d } from './conv_more';
import { ConvTranspose3d } from './conv3d';

/** Options of spectralNorm. */
export interface SpectralNormOptions {
  /** Power iterations before each training forward (default 1). */
  nPowerIterations?: number;
  /** Added to norms in the normalization (default 1e-12). */
  eps?: number;
  /** The dim of the output features (default 0; 1 for the transposed convolutions). */
  dim?: number;
}

interface Applied { handle: RemovableHandle; dim: number; iterations: number; eps: number }
const applied = new WeakMap<Module, Map<string, Applied>>();

const fieldsOf = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** The weight as a matrix: `dim` first, the rest flattened (torch's reshape_weight_to_matrix). */
export function asMatrix(w: Tensor, dim: number): Tensor {
  const moved = dim === 0 ? w : permute(w, [dim, ...w.shape.map((_, k) => k).filter((k) => k !== dim)]);
  return reshape(moved, [moved.shape[0], -1]);
}

/** The dim of a module's weight that holds its output features: 1 for the transposed convolutions, else 0. */
export function outputFeaturesDim(module: Module): number {
  return module instanceof ConvTranspose1d || module instanceof ConvTranspose2d || module instanceof ConvTranspose3d ? 1 : 0;
}

/** The weight over sigma, after the power iterations that `iterate` asks for (u and v advanced in place). */
function spectralWeight(m: Module, name: string, a: Applied, iterate: boolean): Tensor {
  const f = fieldsOf(m);
  const weight = f[`${name}_orig`] as Tensor, u = f[`${name}_u`] as Tensor, v = f[`${name}_v`] as Tensor;
  const mat = asMatrix(weight, a.dim);
  if (iterate) {
    noGrad(() => {
      for (let i = 0; i < a.iterations; i++) {
        v.data.set(normalize(mv(transpose(mat, 0, 1), u), { dim: 0, eps: a.eps }).data);
        u.data.set(normalize(mv(mat, v), { dim: 0, eps: a.eps }).data);
      }
    });
  }
  // Copies, as torch's clones: a later forward advances u and v in place while this graph still waits
  // for its backward, which reads them.
  const sigma = dot(clone(u), mv(mat, clone(v)));
  return div(weight, sigma);
}

/**
 * Divides module[name] (default 'weight') by its spectral norm before every forward
 * (torch.nn.utils.spectral_norm): the parameter becomes name_orig, u and v (random unit vectors at
 * first) become the buffers name_u and name_v. Returns the module.
 */
export function spectralNorm<M extends Module>(module: M, name = 'weight', options?: SpectralNormOptions): M {
  if (!(module instanceof Module)) throw new Error(`spectralNorm: module must be a Module, got ${shown(module)}`);
  const what = `spectralNorm(${module.constructor.name})`;
  const f = fieldsOf(module);
  const w = f[name];
  if (applied.get(module)?.has(name)) throw new Error(`${what}: '${name}' already has spectral norm`);
  if (!(w instanceof Parameter)) throw new Error(`${what}: the module has no parameter '${name}'`);
  const iterations = options?.nPowerIterations ?? 1;
  if (!Number.isSafeInteger(iterations) || iterations < 0) throw new Error(`${what}: nPowerIterations must be a non-negative integer, got ${shown(iterations)}`);
  const eps = options?.eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new Error(`${what}: eps must be a non-negative number, got ${shown(eps)}`);
  const dim = normDim(options?.dim ?? outputFeaturesDim(module), w.ndim, what);
  const a: Applied = { handle: { remove: () => undefined }, dim, iterations, eps };
  const [h, cols] = asMatrix(w, dim).shape;
  const [u, v] = noGrad(() => [normalize(randn([h]), { dim: 0, eps }), normalize(randn([cols]), { dim: 0, eps })]);
  delete f[name];
  f[`${name}_orig`] = w;
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  f[name] = w.detach();
  a.handle = module.registerForwardPreHook((m) => { f[name] = spectralWeight(m, name, a, m.training); });
  let byName = applied.get(module);
  if (!byName) applied.set(module, (byName = new Map()));
  byName.set(name, a);
  return module;
}

/** Undoes spectralNorm: module[name] a parameter again, of the current weight over sigma (no iteration); the buffers gone. */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const a = module instanceof Module ? applied.get(module)?.get(name) : undefined;
  if (!a) throw new Error(`removeSpectralNorm: spectral norm of '${name}' not found in ${module instanceof Module ? module.constructor.name : shown(module)}`);
  const f = fieldsOf(module);
  const weight = noGrad(() => spectralWeight(module, name, a, false));
  a.handle.remove();
  applied.get(module)!.delete(name);
  dropBuffer(module, `${name}_u`);
  dropBuffer(module, `${name}_v`);
  for (const k of [`${name}_orig`, name]) delete f[k];
  f[name] = new Parameter(weight);
  return module;
}

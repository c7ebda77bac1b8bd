// torch.autograd.functional's jacobian, hessian, vjp, jvp, hvp and vhp, over autograd.grad (hessian,
// jvp, hvp and vhp differentiate a gradient: createGraph). The inputs are taken as they are, detached: the results
// are constants unless createGraph asks for their graph.
import { Tensor } from './tensor';
import { grad } from './grad';
import { enableGrad } from './autograd';
import { fmt, sameShape } from './shape';
import { shown } from './args';
import { alloc } from './storage';
import { stack } from './ops/join';
import { reshape } from './ops/shape';
import { add, mul } from './ops/binary';
import { sum } from './ops/reduce';
import { onesLike, zeros, zerosLike } from './ops/creation';

/** A function of one tensor or of several (given as an array), as torch.autograd.functional takes. */
export type TensorFunction = (...inputs: Tensor[]) => Tensor;

/** Options of jacobian and hessian. */
export interface FunctionalOptions {
  /** Keep the results' graph, so that they can be differentiated (torch's create_graph); default false. */
  createGraph?: boolean;
}

/** The inputs as a list, each a fresh leaf needing a gradient (over the input's graph with createGraph, as torch's). */
function leaves(inputs: Tensor | readonly Tensor[], what: string, createGraph: boolean): { xs: Tensor[]; single: boolean } {
  const single = inputs instanceof Tensor;
  const list = single ? [inputs] : Array.isArray(inputs) ? [...inputs] : null;
  if (!list || list.length === 0) throw new Error(`${what}: inputs must be a Tensor or a non-empty array of them, got ${shown(inputs)}`);
  const xs = list.map((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${what}: inputs[${i}] must be a Tensor, got ${shown(t)}`);
    // With createGraph an input that needs a gradient keeps its graph (a view through reshape).
    return createGraph && t.requiresGrad ? reshape(t, t.shape) : t.detach().requiresGrad_();
  });
  return { xs, single };
}

function output(func: TensorFunction, xs: Tensor[], what: string): Tensor {
  if (typeof func !== 'function') throw new Error(`${what}: func must be a function, got ${shown(func)}`);
  const y = enableGrad(() => func(...xs));
  if (!(y instanceof Tensor)) throw new Error(`${what}: func must return a Tensor, got ${shown(y)}`);
  return y;
}

/** d out / d x for each input, zeros where out does not depend on it. */
function gradients(out: Tensor, xs: Tensor[], gradOutput: Tensor | null, createGraph: boolean): Tensor[] {
  if (!out.requiresGrad) return xs.map(zerosLike);
  const gs = grad(out, xs, { gradOutputs: gradOutput ? [gradOutput] : null, retainGraph: true, allowUnused: true, createGraph });
  return gs.map((g, i) => g ?? zerosLike(xs[i]));
}

/** The Jacobian of one output y with respect to each x: [...y.shape, ...x.shape], one backward per element of y. */
function jacobians(y: Tensor, xs: Tensor[], createGraph: boolean): Tensor[] {
  const rows: Tensor[][] = xs.map(() => []);
  for (let e = 0; e < y.size; e++) {
    const seed = alloc(y.size);
    seed[e] = 1;
    gradients(y, xs, new Tensor(seed, [...y.shape]), createGraph).forEach((g, i) => rows[i].push(g));
  }
  return xs.map((x, i) => (y.size === 0 ? zeros([...y.shape, ...x.shape]) : reshape(stack(rows[i]), [...y.shape, ...x.shape])));
}

/**
 * The Jacobian of func at inputs (torch.autograd.functional.jacobian, one output): for one input a
 * tensor of shape [...out.shape, ...input.shape], for an array of inputs one such tensor per input.
 */
export function jacobian(func: TensorFunction, inputs: Tensor | readonly Tensor[], options?: FunctionalOptions): Tensor | Tensor[] {
  const createGraph = options?.createGraph ?? false;
  const { xs, single } = leaves(inputs, 'jacobian', createGraph);
  const js = jacobians(output(func, xs, 'jacobian'), xs, createGraph);
  return single ? js[0] : js;
}

/**
 * The Hessian of a function with one-element output (torch.autograd.functional.hessian): for one
 * input [...input.shape, ...input.shape], for an array of inputs H[i][j] of shape [...inputs[i].shape,
 * ...inputs[j].shape].
 */
export function hessian(func: TensorFunction, inputs: Tensor | readonly Tensor[], options?: FunctionalOptions): Tensor | Tensor[][] {
  const createGraph = options?.createGraph ?? false;
  const { xs, single } = leaves(inputs, 'hessian', createGraph);
  const y = scalarOutput(func, xs, 'hessian');
  const gs = gradients(y, xs, null, true);
  const h = gs.map((g) => jacobians(g, xs, createGraph));
  return single ? h[0][0] : h;
}

function scalarOutput(func: TensorFunction, xs: Tensor[], what: string): Tensor {
  const y = output(func, xs, what);
  if (y.size !== 1) throw new Error(`${what}: func must return a tensor of one element, got shape ${fmt(y.shape)}`);
  return y;
}

/** v (one per input, or the one) checked against the shapes it must have. */
function vectors(v: Tensor | readonly Tensor[] | null | undefined, like: Tensor[], what: string): Tensor[] | null {
  if (v === undefined || v === null) return null;
  const list = v instanceof Tensor ? [v] : Array.isArray(v) ? [...v] : null;
  if (!list || list.length !== like.length) throw new Error(`${what}: v must be ${like.length === 1 ? 'a tensor' : `an array of ${like.length} tensors`}, got ${shown(v)}`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor) || !sameShape(t.shape, like[i].shape)) {
      throw new Error(`${what}: v[${i}] must be a tensor of shape ${fmt(like[i].shape)}, got ${t instanceof Tensor ? `shape ${fmt(t.shape)}` : shown(t)}`);
    }
  });
  return list;
}

/**
 * func's output and the vector-Jacobian product v^T J (torch.autograd.functional.vjp): v has the
 * output's shape (optional for a one-element output); the product one tensor per input.
 */
export function vjp(func: TensorFunction, inputs: Tensor | readonly Tensor[], v?: Tensor | null, options?: FunctionalOptions): [Tensor, Tensor | Tensor[]] {
  const createGraph = options?.createGraph ?? false;
  const { xs, single } = leaves(inputs, 'vjp', createGraph);
  const y = output(func, xs, 'vjp');
  const given = vectors(v, [y], 'vjp');
  if (!given && y.size !== 1) throw new Error(`vjp: v must be given for an output of shape ${fmt(y.shape)}`);
  const gs = gradients(y, xs, given ? given[0] : null, createGraph);
  return [createGraph ? y : y.detach(), single ? gs[0] : gs];
}

/**
 * func's output (one element) and the Hessian-vector product H v (torch.autograd.functional.hvp): v
 * one tensor per input, of its shape; the product likewise.
 */
export function hvp(func: TensorFunction, inputs: Tensor | readonly Tensor[], v: Tensor | readonly Tensor[], options?: FunctionalOptions): [Tensor, Tensor | Tensor[]] {
  return hessianProduct(func, inputs, v, options, 'hvp');
}

/**
 * func's output (one element) and the vector-Hessian product v^T H (torch.autograd.functional.vhp):
 * a Hessian is symmetric, so the same values as hvp's.
 */
export function vhp(func: TensorFunction, inputs: Tensor | readonly Tensor[], v: Tensor | readonly Tensor[], options?: FunctionalOptions): [Tensor, Tensor | Tensor[]] {
  return hessianProduct(func, inputs, v, options, 'vhp');
}

/** hvp and vhp: the gradient of (the gradient . v). */
function hessianProduct(func: TensorFunction, inputs: Tensor | readonly Tensor[], v: Tensor | readonly Tensor[], options: FunctionalOptions | undefined, what: string): [Tensor, Tensor | Tensor[]] {
  const createGraph = options?.createGraph ?? false;
  const { xs, single } = leaves(inputs, what, createGraph);
  const y = scalarOutput(func, xs, what);
  const vs = vectors(v, xs, what);
  if (!vs) throw new Error(`${what}: v is required (one tensor per input, of its shape)`);
  const gs = gradients(y, xs, null, true);
  const hv = gradients(dotOf(gs, vs), xs, null, createGraph);
  return [createGraph ? y : y.detach(), single ? hv[0] : hv];
}

/** sum over i of (a[i] . b[i]), recorded. */
function dotOf(a: Tensor[], b: Tensor[]): Tensor {
  return enableGrad(() => a.map((t, i) => sum(mul(t, b[i]))).reduce((p, q) => add(p, q)));
}

/**
 * func's output and the Jacobian-vector product J v (torch.autograd.functional.jvp): v one tensor per
 * input, of its shape (optional for one input of one element); the product of the output's shape.
 * Made by differentiating a vector-Jacobian product J^T u, linear in u, with respect to u (the
 * double-backward trick, as torch's): func's ops need their createGraph rules.
 */
export function jvp(func: TensorFunction, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[] | null, options?: FunctionalOptions): [Tensor, Tensor] {
  const createGraph = options?.createGraph ?? false;
  const { xs } = leaves(inputs, 'jvp', createGraph);
  const y = output(func, xs, 'jvp');
  const vs = vectors(v, xs, 'jvp') ?? (xs.length === 1 && xs[0].size === 1 ? [onesLike(xs[0])] : null);
  if (!vs) throw new Error('jvp: v must be given (one tensor per input, of its shape) unless the input is one tensor of one element');
  const u = zerosLike(y).requiresGrad_();
  const gs = gradients(y, xs, u, true);
  const jv = gradients(dotOf(gs, vs), [u], null, createGraph)[0];
  return [createGraph ? y : y.detach(), jv];
}

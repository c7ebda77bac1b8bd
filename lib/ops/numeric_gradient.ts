// torch.gradient (NumPy's gradient): a function's derivative estimated from its samples along each dim,
// central differences inside and one-sided ones (first or second order) at the ends; samples evenly
// spaced (a number per dim) or at given coordinates (a 1-D tensor per dim, NumPy's unevenly spaced
// formulas). Composed of recorded ops: differentiable in the samples.
import { Tensor } from '../tensor';
import { fmt, normDim } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf } from './core';
import { add, div, mul, sub } from './binary';
import { narrow, cat } from './join';
import { reshape } from './shape';
import { tensor } from './creation';

/** Options of gradient. */
export interface GradientOptions {
  /** The samples' spacing: one number for every dim, one per dim, or per dim the samples' coordinates (1-D tensors); default 1. */
  spacing?: number | readonly number[] | readonly Tensor[];
  /** The dims to differentiate along (default all). */
  dim?: number | readonly number[];
  /** The order of the one-sided differences at the ends: 1 (default) or 2. */
  edgeOrder?: 1 | 2;
}

/** A weighted sum of slices of x along d: sum of w_j * x[from_j : from_j + len], each weight a number or a constant along d. */
function combination(x: Tensor, d: number, len: number, terms: [number, number | Tensor][], own: (t: Tensor) => Tensor): Tensor {
  return terms.map(([from, w]) => own(mul(own(narrow(x, d, from, len)), w))).reduce((p, q) => own(add(p, q)));
}

/** Values along dim d of an x of ndim dims, as a constant tensor that broadcasts along d. */
function along(values: number[], d: number, ndim: number): Tensor {
  return reshape(tensor(values), Array.from({ length: ndim }, (_, k) => (k === d ? values.length : 1)));
}

/**
 * The derivative of the samples x along each of `dim` (torch.gradient): one tensor of x's shape per dim.
 * Each dim needs at least edgeOrder + 1 samples.
 */
export function gradient(x: Tensor, options?: GradientOptions): Tensor[] {
  const what = 'gradient';
  checkTensor(x, what);
  const o = options ?? {};
  if (o === null || typeof o !== 'object') throw new Error(`${what}: options must be an object, got ${shown(options)}`);
  for (const k of Object.keys(o)) if (!['spacing', 'dim', 'edgeOrder'].includes(k)) throw new Error(`${what}: unknown option '${k}' (the options are spacing, dim, edgeOrder)`);
  const edgeOrder = o.edgeOrder ?? 1;
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new Error(`${what}: edgeOrder must be 1 or 2, got ${shown(o.edgeOrder)}`);
  const dims = o.dim === undefined ? x.shape.map((_, k) => k) : (typeof o.dim === 'number' ? [o.dim] : Array.isArray(o.dim) ? o.dim : null);
  if (!dims) throw new Error(`${what}: dim must be a dim or a list of dims, got ${shown(o.dim)}`);
  const ds = dims.map((d) => normDim(d, x.ndim, what));
  const spacing = o.spacing ?? 1;
  const per = typeof spacing === 'number' ? ds.map(() => spacing) : Array.isArray(spacing) ? spacing : null;
  if (!per || per.length !== ds.length) throw new Error(`${what}: spacing must be a number or one entry per dim differentiated (${ds.length}), got ${shown(spacing)}`);
  return ds.map((d, i) => {
    const n = x.shape[d];
    if (n < edgeOrder + 1) throw new Error(`${what}: expected each dimension size to be at least edgeOrder + 1 (${edgeOrder + 1}), dim ${d} of shape ${fmt(x.shape)} has ${n}`);
    const s = per[i];
    if (s instanceof Tensor) {
      if (s.ndim !== 1 || s.size !== n) throw new Error(`${what}: the coordinates of dim ${d} must be a 1-D tensor of its ${n} samples, got shape ${fmt(s.shape)}`);
      return uneven(x, d, Array.from(s.data), edgeOrder);
    }
    if (typeof s !== 'number' || !Number.isFinite(s) || s === 0) throw new Error(`${what}: a spacing must be a non-zero finite number or a tensor of coordinates, got ${shown(s)}`);
    return even(x, d, s, edgeOrder);
  });
}

/** Evenly spaced samples h apart: (f[i+1] - f[i-1]) / 2h inside, one-sided differences at the ends. */
function even(x: Tensor, d: number, h: number, edgeOrder: 1 | 2): Tensor {
  const n = x.shape[d];
  return composedOf((own) => {
    const parts: Tensor[] = [];
    parts.push(edgeOrder === 1 ? combination(x, d, 1, [[1, 1 / h], [0, -1 / h]], own) : combination(x, d, 1, [[0, -1.5 / h], [1, 2 / h], [2, -0.5 / h]], own));
    if (n > 2) parts.push(own(div(own(sub(own(narrow(x, d, 2, n - 2)), own(narrow(x, d, 0, n - 2)))), 2 * h)));
    parts.push(edgeOrder === 1 ? combination(x, d, 1, [[n - 1, 1 / h], [n - 2, -1 / h]], own) : combination(x, d, 1, [[n - 3, 0.5 / h], [n - 2, -2 / h], [n - 1, 1.5 / h]], own));
    return cat(parts, d);
  }, [x]);
}

/** Samples at coordinates c: NumPy's unevenly spaced formulas, inside and (edgeOrder 2) at the ends. */
function uneven(x: Tensor, d: number, c: number[], edgeOrder: 1 | 2): Tensor {
  const n = c.length;
  return composedOf((own) => {
    const parts: Tensor[] = [];
    const [h0, h1] = [c[1] - c[0], c[2] - c[1]];
    const [g1, g0] = [c[n - 1] - c[n - 2], c[n - 2] - c[n - 3]];
    parts.push(edgeOrder === 1 ? combination(x, d, 1, [[1, 1 / h0], [0, -1 / h0]], own)
      : combination(x, d, 1, [[0, -(2 * h0 + h1) / (h0 * (h0 + h1))], [1, (h0 + h1) / (h0 * h1)], [2, -h0 / (h1 * (h0 + h1))]], own));
    if (n > 2) {
      const hl = c.slice(1, -1).map((v, k) => v - c[k]), hr = c.slice(2).map((v, k) => v - c[k + 1]);
      const a = hl.map((l, k) => -hr[k] / (l * (l + hr[k]))), b = hl.map((l, k) => (hr[k] - l) / (l * hr[k])), e = hl.map((l, k) => l / (hr[k] * (l + hr[k])));
      parts.push(combination(x, d, n - 2, [[0, own(along(a, d, x.ndim))], [1, own(along(b, d, x.ndim))], [2, own(along(e, d, x.ndim))]], own));
    }
    parts.push(edgeOrder === 1 ? combination(x, d, 1, [[n - 1, 1 / g1], [n - 2, -1 / g1]], own)
      : combination(x, d, 1, [[n - 3, g1 / (g0 * (g0 + g1))], [n - 2, -(g1 + g0) / (g0 * g1)], [n - 1, (2 * g1 + g0) / (g1 * (g0 + g1))]], own));
    return cat(parts, d);
  }, [x]);
}

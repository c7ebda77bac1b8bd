// nn.init: in-place initialisers with PyTorch's fan and gain rules.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { checkNumber, checkTensor } from '../ops/core';
import { normalInto, uniformInto } from '../ops/creation';
import { optionsOf, shown } from '../args';
import { assertNotInEpoch } from '../worker_owned';
import { randomInitSkipped } from './skip_init';
import { noGrad } from '../autograd';
import { qr } from '../ops/qr';
import { erf } from '../backend/reference/math';
import { erfinvOf } from '../ops/special';
import { indexRange } from '../random';

/** Nonlinearities known to calculateGain. */
export type Nonlinearity = 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** PyTorch's recommended gain for a nonlinearity (leaky_relu takes its negative slope as param). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case 'selu': return 3 / 4;
    default: throw new Error(`calculateGain: unknown nonlinearity ${shown(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight: dims 1 and 0 times the receptive field (dims 2..). */
export function fans(t: Tensor): [number, number] {
  checkTensor(t, 'init');
  if (t.ndim < 2) throw new Error(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape ${fmt(t.shape)})`);
  let rf = 1;
  for (let i = 2; i < t.ndim; i++) rf *= t.shape[i];
  return [t.shape[1] * rf, t.shape[0] * rf];
}

// The tensor an initializer fills in place (every one writes through this).
function target(t: Tensor): Float32Array {
  const d = checkTensor(t, 'init').data;
  assertNotInEpoch([t], 'init');
  return d;
}

function fill(t: Tensor, draw: (d: Float32Array) => void): Tensor {
  const d = target(t);
  if (randomInitSkipped()) return t; // load() builds a model that its file then overwrites
  draw(d);
  return t;
}

/** Fills t from U(a, b) (default [0, 1)), in place. */
export const uniform = (t: Tensor, a = 0, b = 1): Tensor => {
  if (typeof a !== 'number' || typeof b !== 'number' || !(a <= b)) throw new Error(`uniform: a and b must be numbers with a <= b, got ${shown(a)} and ${shown(b)}`);
  return fill(t, (d) => uniformInto(d, a, b - a));
};
/** Fills t from N(mean, std) (default 0, 1), in place. */
export const normal = (t: Tensor, mean = 0, std = 1): Tensor => {
  checkNumber(mean, 'normal', 'mean');
  if (typeof std !== 'number' || !(std >= 0)) throw new Error(`normal: std must be non-negative, got ${shown(std)}`);
  return fill(t, (d) => normalInto(d, mean, std));
};
/** Fills t with value, in place; returns t. */
export const constant = (t: Tensor, value: number): Tensor => { target(t).fill(checkNumber(value, 'constant', 'value')); return t; };
/** Fills t with 0, in place. */
export const zeros = (t: Tensor): Tensor => constant(t, 0);
/** Fills t with 1, in place. */
export const ones = (t: Tensor): Tensor => constant(t, 1);

/**
 * Fills t from N(mean, std) truncated to [a, b] (defaults 0, 1, -2, 2), in place, as
 * torch.nn.init.trunc_normal_: uniform draws between the bounds' normal CDFs, through the inverse
 * CDF (erfinv, in double), clamped to [a, b].
 */
export function truncNormal(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  checkNumber(mean, 'truncNormal', 'mean');
  if (typeof std !== 'number' || !(std >= 0)) throw new Error(`truncNormal: std must be non-negative, got ${shown(std)}`);
  if (typeof a !== 'number' || typeof b !== 'number' || !(a <= b)) throw new Error(`truncNormal: a and b must be numbers with a <= b, got ${shown(a)} and ${shown(b)}`);
  const cdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  const lo = 2 * cdf((a - mean) / std) - 1, hi = 2 * cdf((b - mean) / std) - 1;
  return fill(t, (d) => {
    uniformInto(d, lo, hi - lo);
    for (let i = 0; i < d.length; i++) d[i] = Math.min(b, Math.max(a, erfinvOf(d[i]) * std * Math.SQRT2 + mean));
  });
}

/** A 2-D t as the identity matrix (ones on the main diagonal, zeros elsewhere), in place (torch.nn.init.eye_). */
export function eye(t: Tensor): Tensor {
  if (checkTensor(t, 'init').ndim !== 2) throw new Error(`eye: only 2-D tensors are supported, got shape ${fmt(t.shape)}`);
  const d = target(t).fill(0);
  for (let i = 0; i < Math.min(t.shape[0], t.shape[1]); i++) d[i * t.shape[1] + i] = 1;
  return t;
}

/**
 * A convolution weight [out, in, ...kernel] (3 to 5 dims) as the Dirac delta, in place
 * (torch.nn.init.dirac_): each of the first `in` output channels of each of `groups` groups passes
 * its input channel through at the kernel's centre.
 */
export function dirac(t: Tensor, groups = 1): Tensor {
  const dims = checkTensor(t, 'init').ndim;
  if (dims < 3 || dims > 5) throw new Error(`dirac: only 3, 4 or 5-D tensors are supported, got shape ${fmt(t.shape)}`);
  if (!Number.isSafeInteger(groups) || groups < 1 || t.shape[0] % groups !== 0) throw new Error(`dirac: dim 0 (${t.shape[0]}) must divide into groups, got ${shown(groups)}`);
  const d = target(t).fill(0);
  const perGroup = t.shape[0] / groups, kernel = t.shape.slice(2);
  const inner = kernel.reduce((p, k) => p * k, 1);
  // The kernel's centre, as a flat position within one [in] slice's kernel.
  const centre = kernel.reduce((at, k) => at * k + Math.floor(k / 2), 0);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < Math.min(perGroup, t.shape[1]); c++) d[((g * perGroup + c) * t.shape[1] + c) * inner + centre] = 1;
  }
  return t;
}

/** Glorot uniform, in place: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = fans(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return uniform(t, -a, a);
}

/** Glorot normal, in place: N(0, std) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fi + fo)));
}

/** Options of the Kaiming initialisers. */
export interface KaimingOptions {
  /** Negative slope of the following leaky_relu (default 0). */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', default) or of the backward pass ('fanOut'). */
  mode?: 'fanIn' | 'fanOut';
  /** The nonlinearity that follows, for the gain (default 'leaky_relu'). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions | null): number {
  const o = optionsOf(options ?? undefined, 'kaiming', { a: 'value', mode: 'value', nonlinearity: 'value' });
  const [fi, fo] = fans(t);
  const mode = o.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new Error(`kaiming: mode must be 'fanIn' or 'fanOut', got ${shown(mode)}`);
  const fan = mode === 'fanIn' ? fi : fo;
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

/** He uniform, in place: U(-b, b) with b = gain * sqrt(3 / fan), gain from `nonlinearity` and `a` (default leaky_relu, a = 0). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound);
}

/** He normal, in place: N(0, gain / sqrt(fan)). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options));
}

/**
 * A (semi-)orthogonal matrix, in place (torch.nn.init.orthogonal_): t viewed as [rows, the rest],
 * the Q of the QR decomposition of a matrix of N(0, 1) draws (transposed when there are fewer rows
 * than columns), each column's sign taken from R's diagonal so that Q is uniform over the orthogonal
 * matrices, times gain. t must have at least 2 dims.
 */
export function orthogonal(t: Tensor, gain = 1): Tensor {
  checkNumber(gain, 'orthogonal', 'gain');
  if (checkTensor(t, 'init').ndim < 2) throw new Error(`orthogonal: only tensors with 2 or more dimensions are supported, got shape ${fmt(t.shape)}`);
  const rows = t.shape[0], cols = t.size / Math.max(rows, 1);
  return fill(t, (d) => {
    if (t.size === 0) return;
    const tall = rows >= cols;
    const draws = new Tensor(new Float32Array(t.size), tall ? [rows, cols] : [cols, rows]);
    normalInto(draws.data, 0, 1);
    const { Q, R } = noGrad(() => qr(draws));
    const [m, k] = Q.shape, r = R.data, q = Q.data;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) {
        const v = gain * q[i * k + j] * Math.sign(r[j * R.shape[1] + j]);
        // Q is [rows, cols] when tall, else its transpose.
        d[tall ? i * k + j : j * m + i] = v;
      }
    }
  });
}

/**
 * A 2-D t as a sparse matrix, in place (torch.nn.init.sparse_, Martens 2010): N(0, std) draws, then in
 * each column ceil(sparsity rows) rows, the first of a random permutation, set to 0.
 */
export function sparse(t: Tensor, sparsity: number, std = 0.01): Tensor {
  if (checkTensor(t, 'init').ndim !== 2) throw new Error(`sparse: only 2-D tensors are supported, got shape ${fmt(t.shape)}`);
  if (typeof sparsity !== 'number' || !(sparsity >= 0 && sparsity <= 1)) throw new Error(`sparse: sparsity must be a fraction in [0, 1], got ${shown(sparsity)}`);
  if (typeof std !== 'number' || !(std >= 0)) throw new Error(`sparse: std must be non-negative, got ${shown(std)}`);
  const [rows, cols] = t.shape;
  const zeroed = Math.ceil(sparsity * rows);
  return fill(t, (d) => {
    normalInto(d, 0, std);
    for (let c = 0; c < cols; c++) {
      const perm = indexRange(new Int32Array(rows), true);
      for (let k = 0; k < zeroed; k++) d[perm[k] * cols + c] = 0;
    }
  });
}

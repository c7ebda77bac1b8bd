// The discrete Fourier transform of rows as recorded ops, in O(n log n) for every n: the backend's
// fftRows (complex rows) and realFftRows (real rows of even length, through a complex transform of
// half their length) with fftPlan's and realFftPlan's tables, kept for the lengths last used.
// Backward: the complex transform's is the opposite transform unscaled (the real-linear map of
// F = e^{-2 pi i jk / n} has transpose F^H, the unscaled inverse); the real ones' are each other's,
// the bins strictly between the first and last halved (rfft's) or doubled (irfft's), as torch's.
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { broadcastBinary, record } from './core';
import { Binary } from '../backend/backend';
import { mul } from './binary';
import { B } from '../backend/registry';
import { fftPlan, realFftPlan } from '../backend/reference/fft';

/** Plans by length, the most recent last: making one costs about as much as a transform of a few rows. */
const PLANS_KEPT = 16;
const plans = new Map<string, Float64Array>();

function planOf(key: string, make: () => Float64Array): Float64Array {
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = make();
    if (plans.size >= PLANS_KEPT) plans.delete(plans.keys().next().value as string);
  } else {
    plans.delete(key);
  }
  plans.set(key, plan);
  return plan;
}

/** The unscaled transform of every row of data ([rows, n, 2] interleaved) on the backend, a new array. */
export function transformRows(data: Float32Array, n: number, inverse: boolean): Float32Array {
  const out = allocOutput(data.length);
  if (n === 0 || data.length === 0) return out;
  B().fftRows(data, n, data.length / (2 * n), inverse, planOf(`c${n}`, () => fftPlan(n)), out);
  return out;
}

/**
 * The unscaled DFT (or, with `inverse`, its conjugate) of x [..., n, 2] along dim -2, as a recorded op:
 * its gradient is the opposite transform of the output's, also unscaled.
 */
export function complexTransform(x: Tensor, inverse: boolean): Tensor {
  const n = x.shape[x.ndim - 2];
  const y = record(transformRows(x.data, n, inverse), [...x.shape], [x], inverse ? 'ifft' : 'fft', (gy) => [transformRows(gy, n, !inverse)]);
  if (y.node) y.node.graphBackward = (gy) => [complexTransform(gy, !inverse)];
  return y;
}

/** realFftPlan(n), kept among the plans last used. */
const realPlan = (n: number): Float64Array => planOf(`r${n}`, () => realFftPlan(n));

/**
 * realFftRows of data's rows on the backend, n reals a row (bins: n / 2 + 1 pairs), a new array; the
 * bins of each block of `block` rows bins-major when block > 0.
 */
function realRows(data: Float32Array, n: number, inverse: boolean, block = 0): Float32Array {
  const count = data.length / (inverse ? n + 2 : n);
  const out = allocOutput(count * (inverse ? n : n + 2));
  if (count === 0) return out;
  B().realFftRows(data, n, count, inverse, realPlan(n), out, block);
  return out;
}

/** [1, 1, f, f, ..., f, f, 1, 1]: the factor of each part of n / 2 + 1 bins (pairs) between the real ones' transforms and their transposes. */
function binScale(n: number, f: number): Float32Array {
  const scale = new Float32Array(n + 2).fill(f);
  scale.fill(1, 0, 2).fill(1, n);
  return scale;
}

/** g's rows of n / 2 + 1 bins times binScale(n, f), on the backend. */
function scaledBins(g: Float32Array, n: number, f: number): Float32Array {
  const rows = [g.length / (n + 2), n + 2];
  return broadcastBinary(Binary.mul, g, rows, binScale(n, f), [n + 2], rows);
}

/**
 * The unscaled one-sided DFT of real x [..., n] (n even) along its last dim, [..., n / 2 + 1, 2]; or,
 * with `inverse`, of bins x [..., n / 2 + 1, 2] the n reals of the unscaled inverse of the Hermitian
 * spectrum they begin (the imaginary parts of the first and last ignored). Recorded: each one's
 * gradient is the other of the output's gradient, its inner bins halved (rfft: those bins stand for
 * two of the full spectrum's) or doubled (irfft).
 */
export function realTransform(x: Tensor, n: number, inverse: boolean): Tensor {
  const lead = inverse ? x.shape.slice(0, -2) : x.shape.slice(0, -1);
  const shape = inverse ? [...lead, n] : [...lead, n / 2 + 1, 2];
  const y = record(realRows(x.data, n, inverse), shape, [x], inverse ? 'irfft' : 'rfft', (gy) =>
    [inverse ? scaledBins(realRows(gy, n, false), n, 2) : realRows(scaledBins(gy, n, 0.5), n, true)]);
  if (y.node) {
    y.node.graphBackward = (gy) => {
      const scale = new Tensor(binScale(n, inverse ? 2 : 0.5), [n / 2 + 1, 2]);
      return [inverse ? mul(realTransform(gy, n, false), scale) : realTransform(mul(gy, scale), n, true)];
    };
  }
  return y;
}

/** g's [..., bins, frames, 2] (bins-major: n / 2 + 1 bins) times binScale(n, f) bin by bin, on the backend. */
function scaledBinsMajor(g: Float32Array, n: number, frames: number, f: number): Float32Array {
  const shape = [g.length / ((n + 2) * frames), n / 2 + 1, frames, 2];
  return broadcastBinary(Binary.mul, g, shape, binScale(n, f), [n / 2 + 1, 1, 2], shape);
}

/**
 * realTransform of frames with the bins bins-major (stft's and istft's layout, where a copy turned
 * rfft's round): the unscaled one-sided DFT of each frame of x [B, frames, n] (n even) as
 * [B, n / 2 + 1, frames, 2]; or, with `inverse`, bins x [B, n / 2 + 1, frames, 2] to the n reals of
 * each frame's unscaled Hermitian inverse, [B, frames, n]. Recorded, with realTransform's gradients
 * in this layout.
 */
export function framesTransform(x: Tensor, n: number, inverse: boolean): Tensor {
  const [batch, frames] = inverse ? [x.shape[0], x.shape[2]] : [x.shape[0], x.shape[1]];
  const shape = inverse ? [batch, frames, n] : [batch, n / 2 + 1, frames, 2];
  const y = record(realRows(x.data, n, inverse, frames), shape, [x], inverse ? 'irfft' : 'rfft', (gy) =>
    [inverse ? scaledBinsMajor(realRows(gy, n, false, frames), n, frames, 2) : realRows(scaledBinsMajor(gy, n, frames, 0.5), n, true, frames)]);
  if (y.node) {
    y.node.graphBackward = (gy) => {
      const scale = new Tensor(binScale(n, inverse ? 2 : 0.5), [n / 2 + 1, 1, 2]);
      return [inverse ? mul(framesTransform(gy, n, false), scale) : framesTransform(mul(gy, scale), n, true)];
    };
  }
  return y;
}

/**
 * framesTransform of a signal's frames read where they lie: the unscaled one-sided DFT of the frames
 * of n samples hop apart in each row of signal [B, L] (n even), each sample first times window[i]
 * when there is one, as [B, n / 2 + 1, frames, 2]: the bits of unfolding the frames, multiplying them
 * by the window and transforming them, without the two copies. Not recorded: for a signal and window
 * that need no gradient (stft takes the recorded ops otherwise).
 */
export function framedSpectrum(signal: Tensor, n: number, hop: number, window: Tensor | null): Tensor {
  const [batch, length] = signal.shape;
  const frames = Math.floor((length - n) / hop) + 1, bins = n / 2 + 1;
  const out = allocOutput(batch * bins * frames * 2);
  const plan = realPlan(n);
  const read = (frames - 1) * hop + n; // the samples the frames cover
  for (let b = 0; b < batch; b++) {
    B().realFftRows(signal.data.subarray(b * length, b * length + read), n, frames, false, plan, out.subarray(b * bins * frames * 2, (b + 1) * bins * frames * 2), frames, hop, window?.data ?? null);
  }
  return new Tensor(out, [batch, bins, frames, 2]);
}

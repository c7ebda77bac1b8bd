// The discrete Fourier transform of rows of complex numbers (interleaved real and imaginary parts) as a
// recorded op, in O(n log n) for every n: the backend's fftRows (radix-2 for powers of two, Bluestein's
// chirp-z for the rest) with fftPlan's tables. Its backward is the opposite transform unscaled: the
// real-linear map of F = e^{-2 pi i jk / n} has transpose F^H, the unscaled inverse.
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { record } from './core';
import { B } from '../backend/registry';
import { fftPlan } from '../backend/reference/fft';

/** The unscaled transform of every row of data ([rows, n, 2] interleaved) on the backend, a new array. */
export function transformRows(data: Float32Array, n: number, inverse: boolean): Float32Array {
  const out = allocOutput(data.length);
  if (n === 0 || data.length === 0) return out;
  B().fftRows(data, n, data.length / (2 * n), inverse, fftPlan(n), out);
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

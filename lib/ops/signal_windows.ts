// torch's window functions for signal processing (hann, hamming, bartlett, blackman, kaiser): each
// value computed in double by torch's formula and rounded once to float32. A periodic window (the
// default, as torch's) is the symmetric window one longer with its last value dropped.
import { Tensor } from '../tensor';
import { alloc } from '../storage';
import { checkFinite, optionsOf, shown } from '../args';
import { besselI } from './special';

/** Options of the window functions. */
export interface WindowOptions {
  /** A window for spectral analysis, whose period is the length (default true); false gives the symmetric window. */
  periodic?: boolean;
}

/** Options of hammingWindow: the window is alpha - beta cos(2 pi n / (N - 1)). */
export interface HammingOptions extends WindowOptions {
  /** Default 0.54. */
  alpha?: number;
  /** Default 0.46. */
  beta?: number;
}

/** Options of kaiserWindow. */
export interface KaiserOptions extends WindowOptions {
  /** The shape parameter: larger is narrower (default 12). */
  beta?: number;
}

/**
 * A window of `length` values: value(n, N) for n < length over a symmetric window of N points (one
 * more than length when periodic). Length 1 is [1], as torch's.
 */
function windowOf(what: string, length: number, periodic: boolean | undefined, value: (n: number, N: number) => number): Tensor {
  if (!Number.isSafeInteger(length) || length < 0) throw new Error(`${what}: windowLength must be a non-negative integer, got ${shown(length)}`);
  if (periodic !== undefined && typeof periodic !== 'boolean') throw new Error(`${what}: periodic must be true or false, got ${shown(periodic)}`);
  const d = alloc(length);
  if (length === 1) d[0] = 1;
  else for (let n = 0; n < length; n++) d[n] = value(n, periodic === false ? length : length + 1);
  return new Tensor(d, [length]);
}

/** A Hamming window, alpha - beta cos(2 pi n / (N - 1)) (torch.hamming_window; alpha 0.54, beta 0.46). */
export function hammingWindow(windowLength: number, options?: HammingOptions): Tensor {
  const o = optionsOf(options, 'hammingWindow', { periodic: 'value', alpha: 'value', beta: 'value' });
  const alpha = checkFinite(o.alpha ?? 0.54, 'hammingWindow', 'alpha'), beta = checkFinite(o.beta ?? 0.46, 'hammingWindow', 'beta');
  return windowOf('hammingWindow', windowLength, o.periodic, (n, N) => alpha - beta * Math.cos((2 * Math.PI * n) / (N - 1)));
}

/** A Hann window, sin^2(pi n / (N - 1)) (torch.hann_window). */
export function hannWindow(windowLength: number, options?: WindowOptions): Tensor {
  const o = optionsOf(options, 'hannWindow', { periodic: 'value' });
  return windowOf('hannWindow', windowLength, o.periodic, (n, N) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (N - 1)));
}

/** A Bartlett (triangular) window, 1 - |2n / (N - 1) - 1| (torch.bartlett_window). */
export function bartlettWindow(windowLength: number, options?: WindowOptions): Tensor {
  const o = optionsOf(options, 'bartlettWindow', { periodic: 'value' });
  return windowOf('bartlettWindow', windowLength, o.periodic, (n, N) => 1 - Math.abs((2 * n) / (N - 1) - 1));
}

/** A Blackman window, 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1)) (torch.blackman_window). */
export function blackmanWindow(windowLength: number, options?: WindowOptions): Tensor {
  const o = optionsOf(options, 'blackmanWindow', { periodic: 'value' });
  return windowOf('blackmanWindow', windowLength, o.periodic, (n, N) => {
    const w = (Math.PI * n) / (N - 1);
    return 0.42 - 0.5 * Math.cos(2 * w) + 0.08 * Math.cos(4 * w);
  });
}

/** A Kaiser window, I0(beta sqrt(1 - ((n - m) / m)^2)) / I0(beta) with m = (N - 1) / 2 (torch.kaiser_window; beta 12). */
export function kaiserWindow(windowLength: number, options?: KaiserOptions): Tensor {
  const o = optionsOf(options, 'kaiserWindow', { periodic: 'value', beta: 'value' });
  const beta = checkFinite(o.beta ?? 12, 'kaiserWindow', 'beta');
  return windowOf('kaiserWindow', windowLength, o.periodic, (n, N) => {
    const m = (N - 1) / 2;
    return besselI(0, beta * Math.sqrt(Math.max(0, 1 - ((n - m) / m) ** 2))) / besselI(0, beta);
  });
}

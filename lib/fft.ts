// torch.fft's names (`bp.fft.fft`, `bp.fft.rfft`, ...). Tensors here are real, so a complex tensor is
// held as torch.view_as_real lays it out: a last dim of 2, real and imaginary parts. fft / ifft / fftn
// take and give such pairs (dims counted without the last); rfft takes a real tensor and gives pairs,
// irfft the reverse; hfft / ihfft are irfft / rfft of the conjugate. Each is the O(n log n) transform
// of fft_core.ts with sizes, dims and scaling as torch's, made of recorded ops: gradients (and
// createGraph's) reach the input.
import { Tensor } from './tensor';
import { fmt, normDim, normDims } from './shape';
import { optionsOf, positiveInt, shown } from './args';
import { alloc } from './storage';
import { checkTensor, composedOf } from './ops/core';
import { mul } from './ops/binary';
import { narrow, cat, stack } from './ops/join';
import { select, flip } from './ops/index_ops';
import { padAlong } from './ops/pad_resize';
import { movedim, roll } from './ops/composed';
import { zerosLike, tensor } from './ops/creation';
import { complexTransform, realTransform } from './ops/fft_core';

/** How a transform is scaled: 'backward' (default) scales the inverse by 1/n, 'forward' the forward one, 'ortho' both by 1/sqrt(n). */
export type FftNorm = 'backward' | 'forward' | 'ortho';

/** Options of the one-dimensional transforms. */
export interface FftOptions {
  /** The transform's length: the input cut or padded with zeros to it along dim (default: its size there; irfft's 2 (bins - 1)). */
  n?: number;
  /** The dim transformed (default -1; of a complex tensor, counted without its last dim of 2). */
  dim?: number;
  /** The scaling (default 'backward'). */
  norm?: FftNorm;
}

/** Options of the n-dimensional transforms. */
export interface FftnOptions {
  /** The transform's length along each dim of `dim` (default: the sizes there). */
  s?: readonly number[];
  /** The dims transformed (default: the last s.length, else every one; fft2's the last two). */
  dim?: readonly number[];
  /** The scaling (default 'backward'). */
  norm?: FftNorm;
}

const NORMS: readonly FftNorm[] = ['backward', 'forward', 'ortho'];

/** The scale of a transform of length n in the given direction. */
function scaleOf(norm: FftNorm | undefined, n: number, inverse: boolean, what: string): number {
  const mode = norm ?? 'backward';
  if (!NORMS.includes(mode)) throw new Error(`${what}: norm must be one of ${NORMS.map((v) => `'${v}'`).join(', ')}, got ${shown(norm)}`);
  if (mode === 'ortho') return 1 / Math.sqrt(n);
  return (mode === 'backward') === inverse ? 1 / n : 1;
}

/** An error unless x is a complex tensor: real and imaginary parts in a last dim of 2. */
function checkComplex(x: Tensor, what: string): void {
  checkTensor(x, what);
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2) {
    throw new Error(`${what}: input must be complex, held as real and imaginary parts in a last dim of 2 (torch.view_as_real's layout; rfft takes real tensors), got shape ${fmt(x.shape)}`);
  }
}

/** x cut or padded with zeros to n along dim d. */
function resized(x: Tensor, d: number, n: number, own: (t: Tensor) => Tensor): Tensor {
  const size = x.shape[d];
  if (n === size) return x;
  return own(n < size ? narrow(x, d, 0, n) : padAlong(x, d, 0, n - size));
}

/** The complex conjugate of pairs [..., 2]. */
const conjugate = (x: Tensor): Tensor => mul(x, tensor([1, -1]));

/** transform(x with dim d moved to `last`), that dim moved back to d, scaled: the kernels transform along one dim of theirs. */
function movedAlong(x: Tensor, d: number, last: number, transform: (t: Tensor) => Tensor, scale: number, own: (t: Tensor) => Tensor): Tensor {
  const moved = d === last ? x : own(movedim(x, d, last));
  const t = own(transform(moved));
  const back = d === last ? t : own(movedim(t, last, d));
  return scale === 1 ? back : own(mul(back, scale));
}

/** The transform of complex x along complex dim d (its own numbering), at length n, scaled. */
function complexAlong(x: Tensor, d: number, n: number, inverse: boolean, scale: number, own: (t: Tensor) => Tensor): Tensor {
  return movedAlong(resized(x, d, n, own), d, x.ndim - 2, (t) => complexTransform(t, inverse), scale, own);
}

/** The transform's length: n given (a positive integer), or the default. */
const lengthOf = (n: number | undefined, fallback: number, what: string): number => (n === undefined ? fallback : positiveInt(n, what, 'n'));

function oneDim(x: Tensor, o: FftOptions, inverse: boolean, what: string): Tensor {
  checkComplex(x, what);
  const d = normDim(o.dim ?? -1, x.ndim - 1, what);
  const n = lengthOf(o.n, x.shape[d], what);
  const scale = scaleOf(o.norm, n, inverse, what);
  return composedOf((own) => complexAlong(x, d, n, inverse, scale, own), [x]);
}

const ONE_DIM = { n: 'value', dim: 'value', norm: 'value' } as const;
const N_DIM = { s: 'value', dim: 'value', norm: 'value' } as const;

/** The discrete Fourier transform of complex x [..., 2] along dim (torch.fft.fft). */
export function fft(x: Tensor, options?: FftOptions): Tensor {
  return oneDim(x, optionsOf(options, 'fft', ONE_DIM), false, 'fft');
}

/** The inverse discrete Fourier transform of complex x [..., 2] along dim (torch.fft.ifft). */
export function ifft(x: Tensor, options?: FftOptions): Tensor {
  return oneDim(x, optionsOf(options, 'ifft', ONE_DIM), true, 'ifft');
}

/** The DFT of real x along dim, bins 0 ... floor(n / 2) (the rest are their conjugates), as pairs [..., 2] (torch.fft.rfft). */
export function rfft(x: Tensor, options?: FftOptions): Tensor {
  return realForward(x, optionsOf(options, 'rfft', ONE_DIM), 'rfft');
}

/** rfft's work, its errors naming `what`. */
function realForward(x: Tensor, o: FftOptions, what: string): Tensor {
  checkTensor(x, what);
  const d = normDim(o.dim ?? -1, x.ndim, what);
  if (x.ndim === 0) throw new Error(`${what}: input must have at least one dim, got shape ${fmt(x.shape)}`);
  const n = lengthOf(o.n, x.shape[d], what);
  const scale = scaleOf(o.norm, n, false, what);
  return composedOf((own) => {
    const sized = resized(x, d, n, own);
    if (n % 2 === 1) {
      const pairs = own(stack([sized, own(zerosLike(sized))], -1));
      return narrow(complexAlong(pairs, d, n, false, scale, own), d, 0, Math.floor(n / 2) + 1);
    }
    // Even n: the real kernel, a complex transform of half the length.
    return movedAlong(sized, d, x.ndim - 1, (t) => realTransform(t, n, false), scale, own);
  }, [x]);
}

/**
 * The real signal of n samples whose rfft is x (pairs [..., bins, 2]) along dim (torch.fft.irfft): the
 * bins 0 ... floor(n / 2) (cut or padded with zeros) completed by their conjugates, inverted; the
 * imaginary parts of bin 0 and (n even) bin n / 2 are ignored, as torch's. n defaults to 2 (bins - 1).
 */
export function irfft(x: Tensor, options?: FftOptions): Tensor {
  return realInverse(x, optionsOf(options, 'irfft', ONE_DIM), 'irfft');
}

/** irfft's work, its errors naming `what`. */
function realInverse(x: Tensor, o: FftOptions, what: string): Tensor {
  checkComplex(x, what);
  const d = normDim(o.dim ?? -1, x.ndim - 1, what);
  const bins = x.shape[d];
  if (o.n === undefined && bins < 2) throw new Error(`${what}: ${bins} bins give no default n (2 (bins - 1)); give n`);
  const n = lengthOf(o.n, 2 * (bins - 1), what);
  const scale = scaleOf(o.norm, n, true, what);
  const kept = Math.floor(n / 2) + 1;
  return composedOf((own) => {
    const half = resized(x, d, kept, own);
    if (n % 2 === 0) {
      // Even n: the real kernel, a complex transform of half the length.
      return movedAlong(half, d, x.ndim - 2, (t) => realTransform(t, n, true), scale, own);
    }
    // The bins above n / 2 are the conjugates of bins n - k, mirrored.
    const mirrored = n - kept;
    const full = mirrored === 0 ? half : own(cat([half, own(conjugate(own(flip(own(narrow(half, d, 1, mirrored)), [d]))))], d));
    return select(complexAlong(full, d, n, true, scale, own), -1, 0);
  }, [x]);
}

/** The dims and lengths of an n-dimensional transform of a tensor of `ndim` dims (torch's defaults). */
function dimsAndSizes(shape: readonly number[], ndim: number, o: FftnOptions, what: string, lastTwo: boolean): { dims: number[]; sizes: number[] } {
  if (o.s !== undefined && (!Array.isArray(o.s) || !o.s.every((v) => Number.isInteger(v) && v > 0))) throw new Error(`${what}: s must be an array of positive integers, got ${shown(o.s)}`);
  if (o.dim !== undefined && !Array.isArray(o.dim)) throw new Error(`${what}: dim must be an array of dims, got ${shown(o.dim)}`);
  const all = Array.from({ length: ndim }, (_, i) => i);
  const dims = o.dim !== undefined ? normDims(o.dim, ndim, what) : lastTwo ? all.slice(-2) : o.s !== undefined ? all.slice(ndim - o.s.length) : all;
  if (o.s !== undefined && o.s.length !== dims.length) throw new Error(`${what}: s ${shown(o.s)} and dim ${shown(dims)} must be as long`);
  if (dims.length === 0) throw new Error(`${what}: no dims to transform (input shape ${fmt(shape)})`);
  return { dims, sizes: o.s !== undefined ? [...o.s] : dims.map((d) => shape[d]) };
}

function manyDims(x: Tensor, o: FftnOptions, inverse: boolean, what: string, lastTwo: boolean): Tensor {
  checkComplex(x, what);
  const { dims, sizes } = dimsAndSizes(x.shape, x.ndim - 1, o, what, lastTwo);
  return composedOf((own) => dims.reduce((t, d, i) => complexAlong(t, d, sizes[i], inverse, scaleOf(o.norm, sizes[i], inverse, what), own), x), [x]);
}

/** The n-dimensional DFT of complex x [..., 2] over dims (torch.fft.fftn). */
export function fftn(x: Tensor, options?: FftnOptions): Tensor { return manyDims(x, optionsOf(options, 'fftn', N_DIM), false, 'fftn', false); }
/** The n-dimensional inverse DFT of complex x [..., 2] over dims (torch.fft.ifftn). */
export function ifftn(x: Tensor, options?: FftnOptions): Tensor { return manyDims(x, optionsOf(options, 'ifftn', N_DIM), true, 'ifftn', false); }
/** The DFT over the last two dims of complex x [..., 2] (torch.fft.fft2). */
export function fft2(x: Tensor, options?: FftnOptions): Tensor { return manyDims(x, optionsOf(options, 'fft2', N_DIM), false, 'fft2', true); }
/** The inverse DFT over the last two dims of complex x [..., 2] (torch.fft.ifft2). */
export function ifft2(x: Tensor, options?: FftnOptions): Tensor { return manyDims(x, optionsOf(options, 'ifft2', N_DIM), true, 'ifft2', true); }

function realManyDims(x: Tensor, o: FftnOptions, what: string, lastTwo: boolean): Tensor {
  checkTensor(x, what);
  const { dims, sizes } = dimsAndSizes(x.shape, x.ndim, o, what, lastTwo);
  const last = dims.length - 1;
  return composedOf((own) => {
    const first = own(realForward(x, { n: sizes[last], dim: dims[last], norm: o.norm }, what));
    return dims.slice(0, last).reduce((t, d, i) => complexAlong(t, d, sizes[i], false, scaleOf(o.norm, sizes[i], false, what), own), first);
  }, [x]);
}

function inverseRealManyDims(x: Tensor, o: FftnOptions, what: string, lastTwo: boolean): Tensor {
  checkComplex(x, what);
  const { dims, sizes } = dimsAndSizes(x.shape, x.ndim - 1, o, what, lastTwo);
  const last = dims.length - 1;
  return composedOf((own) => {
    const rest = dims.slice(0, last).reduce((t, d, i) => complexAlong(t, d, sizes[i], true, scaleOf(o.norm, sizes[i], true, what), own), x);
    // The last dim's length: s's, or 2 (bins - 1), as torch's.
    const n = o.s !== undefined ? sizes[last] : 2 * (x.shape[dims[last]] - 1);
    return realInverse(rest, { n, dim: dims[last], norm: o.norm }, what);
  }, [x]);
}

/** The DFT of real x over dims, the last one one-sided (torch.fft.rfftn). */
export function rfftn(x: Tensor, options?: FftnOptions): Tensor { return realManyDims(x, optionsOf(options, 'rfftn', N_DIM), 'rfftn', false); }
/** The DFT of real x over its last two dims, the last one-sided (torch.fft.rfft2). */
export function rfft2(x: Tensor, options?: FftnOptions): Tensor { return realManyDims(x, optionsOf(options, 'rfft2', N_DIM), 'rfft2', true); }
/** The real signal whose rfftn is x (torch.fft.irfftn). */
export function irfftn(x: Tensor, options?: FftnOptions): Tensor { return inverseRealManyDims(x, optionsOf(options, 'irfftn', N_DIM), 'irfftn', false); }
/** The real signal whose rfft2 is x (torch.fft.irfft2). */
export function irfft2(x: Tensor, options?: FftnOptions): Tensor { return inverseRealManyDims(x, optionsOf(options, 'irfft2', N_DIM), 'irfft2', true); }

/**
 * The norm of torch's hfft and ihfft families, each the other real transform of the conjugate: 'backward'
 * and 'forward' swapped (hfft's default 'backward' leaves the forward transform unscaled).
 */
function swappedNorm(norm: FftNorm | undefined, what: string): FftNorm {
  scaleOf(norm, 1, false, what);
  const mode = norm ?? 'backward';
  return mode === 'ortho' ? 'ortho' : mode === 'backward' ? 'forward' : 'backward';
}

/**
 * The real DFT of n samples of a Hermitian-symmetric signal given by its first half x (pairs [..., 2])
 * along dim (torch.fft.hfft): irfft of x's conjugate, 'backward' and 'forward' swapped. n defaults to
 * 2 (size - 1).
 */
export function hfft(x: Tensor, options?: FftOptions): Tensor {
  const o = optionsOf(options, 'hfft', ONE_DIM);
  checkComplex(x, 'hfft');
  const norm = swappedNorm(o.norm, 'hfft');
  return composedOf((own) => realInverse(own(conjugate(x)), { ...o, norm }, 'hfft'), [x]);
}

/** The inverse of hfft (torch.fft.ihfft): the first floor(n / 2) + 1 bins of real x's inverse DFT along dim, as pairs [..., 2]. */
export function ihfft(x: Tensor, options?: FftOptions): Tensor {
  const o = optionsOf(options, 'ihfft', ONE_DIM);
  const norm = swappedNorm(o.norm, 'ihfft');
  return composedOf((own) => conjugate(own(realForward(x, { ...o, norm }, 'ihfft'))), [x]);
}

function hermitianManyDims(x: Tensor, o: FftnOptions, what: string, lastTwo: boolean): Tensor {
  checkComplex(x, what);
  const norm = swappedNorm(o.norm, what);
  return composedOf((own) => inverseRealManyDims(own(conjugate(x)), { ...o, norm }, what, lastTwo), [x]);
}

function inverseHermitianManyDims(x: Tensor, o: FftnOptions, what: string, lastTwo: boolean): Tensor {
  const norm = swappedNorm(o.norm, what);
  return composedOf((own) => conjugate(own(realManyDims(x, { ...o, norm }, what, lastTwo))), [x]);
}

/** The n-dimensional hfft: x's last dim of dims the Hermitian half (torch.fft.hfftn). */
export function hfftn(x: Tensor, options?: FftnOptions): Tensor { return hermitianManyDims(x, optionsOf(options, 'hfftn', N_DIM), 'hfftn', false); }
/** hfftn over the last two dims (torch.fft.hfft2). */
export function hfft2(x: Tensor, options?: FftnOptions): Tensor { return hermitianManyDims(x, optionsOf(options, 'hfft2', N_DIM), 'hfft2', true); }
/** The inverse of hfftn (torch.fft.ihfftn): real x's inverse DFT over dims, the last one-sided. */
export function ihfftn(x: Tensor, options?: FftnOptions): Tensor { return inverseHermitianManyDims(x, optionsOf(options, 'ihfftn', N_DIM), 'ihfftn', false); }
/** ihfftn over the last two dims (torch.fft.ihfft2). */
export function ihfft2(x: Tensor, options?: FftnOptions): Tensor { return inverseHermitianManyDims(x, optionsOf(options, 'ihfft2', N_DIM), 'ihfft2', true); }

/** The frequencies of an n-point DFT's bins, d the sample spacing: [0, 1, ..., -2, -1] / (d n) (torch.fft.fftfreq). */
export function fftfreq(n: number, d = 1): Tensor {
  positiveInt(n, 'fftfreq', 'n');
  const f = alloc(n);
  for (let k = 0; k < n; k++) f[k] = (k < Math.ceil(n / 2) ? k : k - n) / (d * n);
  return new Tensor(f, [n]);
}

/** The frequencies of an n-point rfft's bins: [0, 1, ..., floor(n / 2)] / (d n) (torch.fft.rfftfreq). */
export function rfftfreq(n: number, d = 1): Tensor {
  positiveInt(n, 'rfftfreq', 'n');
  const bins = Math.floor(n / 2) + 1;
  const f = alloc(bins);
  for (let k = 0; k < bins; k++) f[k] = k / (d * n);
  return new Tensor(f, [bins]);
}

function shifted(x: Tensor, dims: number | readonly number[] | undefined, sign: number, what: string): Tensor {
  checkTensor(x, what);
  const ds = dims === undefined ? x.shape.map((_, i) => i) : normDims(typeof dims === 'number' ? [dims] : dims, x.ndim, what);
  if (ds.length === 0) return x;
  return roll(x, ds.map((d) => sign * Math.floor(x.shape[d] / 2)), ds);
}

/** x rolled so that the zero frequency is in the middle of each of dims (default all; of a complex tensor, name the dims) (torch.fft.fftshift). */
export function fftshift(x: Tensor, dims?: number | readonly number[]): Tensor { return shifted(x, dims, 1, 'fftshift'); }

/** fftshift undone (torch.fft.ifftshift). */
export function ifftshift(x: Tensor, dims?: number | readonly number[]): Tensor { return shifted(x, dims, -1, 'ifftshift'); }

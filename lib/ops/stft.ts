// torch.stft and torch.istft over real signals, the complex spectrum as torch.view_as_real gives it (a last
// dim of 2: real and imaginary parts), since tensors here are real. Both are made of recorded ops (pad,
// windows, the frames' transforms, col2im's overlap-add), so gradients reach the signal, the spectrum
// and the window, and createGraph's too; the real kernel writes and reads the spectrum bins-major
// (fft_core.ts framesTransform), so no copy turns it round. Without gradients stft transforms the
// frames where they lie in the padded signal (framedSpectrum), with the same bits.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, positiveInt, shown } from '../args';
import { checkTensor, composedOf } from './core';
import { div, mul } from './binary';
import { narrow, stack } from './join';
import { permute, reshape, unsqueeze, expand } from './shape';
import { pad } from './pad_resize';
import type { PadMode } from './pad_resize';
import { unfoldWindows } from './windows';
import { imageFromRows } from './conv_more';
import { fft, irfft, rfft } from '../fft';
import { framedSpectrum, framesTransform } from './fft_core';
import { isGradEnabled } from '../autograd';
import { amin } from './cumulative';
import { abs } from './unary';
import { ones, zerosLike } from './creation';

/** Options of stft and istft. */
export interface SpectrumOptions {
  /** Samples between frames (default floor(nFft / 4)). */
  hopLength?: number;
  /** The window's length, at most nFft (default nFft); a shorter window is padded with zeros on both sides to nFft. */
  winLength?: number;
  /** [winLength] weights of each frame's samples (default ones: a rectangular window). */
  window?: Tensor;
  /** Frames centred on their samples: the signal padded by floor(nFft / 2) on both sides (default true). */
  center?: boolean;
  /** The DFT scaled by nFft^-1/2 (default false). */
  normalized?: boolean;
  /** Only the bins 0 ... floor(nFft / 2) (default true: the rest are their conjugates for a real signal). */
  onesided?: boolean;
  /** A complex result: there is no complex dtype here, so only false (the view_as_real form) is taken. */
  returnComplex?: boolean;
}

/** Options of stft. */
export interface StftOptions extends SpectrumOptions {
  /** How center pads the signal (default 'reflect'): pad's modes. */
  padMode?: PadMode;
}

/** Options of istft. */
export interface IstftOptions extends SpectrumOptions {
  /** The signal's length: the result cut or padded with zeros to it (default: all the frames cover, less center's padding). */
  length?: number;
}

/** The arguments both take, checked; the window padded to nFft, or null for the rectangular one. */
function framing(nFft: number, o: SpectrumOptions, what: string) {
  positiveInt(nFft, what, 'nFft');
  const hop = o.hopLength === undefined ? Math.max(1, Math.floor(nFft / 4)) : positiveInt(o.hopLength, what, 'hopLength');
  const winLength = o.winLength === undefined ? nFft : positiveInt(o.winLength, what, 'winLength');
  if (winLength > nFft) throw new Error(`${what}: winLength must be at most nFft (${nFft}), got ${winLength}`);
  if (o.window !== undefined) {
    checkTensor(o.window, `${what} window`);
    if (o.window.ndim !== 1 || o.window.size !== winLength) throw new Error(`${what}: window must be 1-D of winLength ${winLength} elements, got shape ${fmt(o.window.shape)}`);
  }
  if (o.returnComplex) throw new Error(`${what}: returnComplex true needs a complex dtype, which tensors here do not have; leave it false: the spectrum's last dim holds real and imaginary parts, as torch.view_as_real gives them`);
  return { hop, winLength, center: o.center ?? true, normalized: o.normalized ?? false };
}

/** The window padded to nFft as torch pads it (centred, the extra zero on the right), as recorded ops. */
function paddedWindow(window: Tensor | undefined, winLength: number, nFft: number, own: (t: Tensor) => Tensor): Tensor {
  const w = window ?? own(ones([winLength]));
  const left = Math.floor((nFft - winLength) / 2);
  return winLength === nFft ? w : own(pad(w, [left, nFft - winLength - left]));
}

/**
 * The short-time Fourier transform of a signal [L] or a batch [B, L] (torch.stft): frames of nFft
 * samples, hopLength apart, each times the window, and their DFTs. Returns [(B,) bins, frames, 2]:
 * real and imaginary parts (torch.view_as_real of torch's complex result), bins floor(nFft / 2) + 1
 * when onesided (default), else nFft. Gradients reach the signal and the window.
 */
export function stft(input: Tensor, nFft: number, options?: StftOptions): Tensor {
  const what = 'stft';
  const o = optionsOf(options, what, { hopLength: 'value', winLength: 'value', window: 'value', center: 'boolean', padMode: 'value', normalized: 'boolean', onesided: 'boolean', returnComplex: 'boolean' });
  checkTensor(input, what);
  if (input.ndim !== 1 && input.ndim !== 2) throw new Error(`${what}: input must be a signal [L] or a batch of them [B, L], got shape ${fmt(input.shape)}`);
  const f = framing(nFft, o, what);
  const half = Math.floor(nFft / 2);
  const length = input.shape[input.ndim - 1] + (f.center ? 2 * half : 0);
  if (nFft > length) throw new Error(`${what}: nFft (${nFft}) must be at most the ${f.center ? 'padded ' : ''}signal's length (${length}; input ${fmt(input.shape)})`);
  const padMode = o.padMode ?? 'reflect';
  if (f.center && padMode === 'reflect' && half >= input.shape[input.ndim - 1]) {
    throw new Error(`${what}: center's 'reflect' padding of nFft / 2 = ${half} samples needs a longer signal than ${input.shape[input.ndim - 1]} (input ${fmt(input.shape)}); use padMode 'constant' or center false`);
  }
  const bins = (o.onesided ?? true) ? half + 1 : nFft;
  // An even nFft's one-sided spectrum comes bins-major from the real kernel; without gradients, from
  // the frames where they lie.
  const realKernel = bins !== nFft && nFft % 2 === 0;
  const framed = realKernel && !(isGradEnabled() && (input.requiresGrad || (o.window?.requiresGrad ?? false)));
  return composedOf((own) => {
    const signal = input.ndim === 1 ? own(reshape(input, [1, 1, input.size])) : own(unsqueeze(input, 1));
    const padded = f.center ? own(pad(signal, [half, half], { mode: padMode })) : signal;
    const rows = own(reshape(padded, [padded.shape[0], length]));
    // [B, frames, nFft], each frame times the window.
    const windowedFrames = () => own(mul(own(unfoldWindows(rows, -1, nFft, f.hop)), paddedWindow(o.window, f.winLength, nFft, own)));
    let out: Tensor;
    if (realKernel) {
      // [B, bins, frames, 2]. A rectangular window multiplies by ones: no multiply at all gives the same bits.
      const spectrum = framed
        ? own(framedSpectrum(rows, nFft, f.hop, o.window === undefined ? null : paddedWindow(o.window, f.winLength, nFft, own)))
        : own(framesTransform(windowedFrames(), nFft, false));
      // normalized: the DFT scaled by nFft^-1/2, fft's 'ortho'.
      out = f.normalized ? own(mul(spectrum, 1 / Math.sqrt(nFft))) : spectrum;
    } else {
      const frames = windowedFrames();
      const norm = f.normalized ? 'ortho' : 'backward';
      const spectrum = own(bins === nFft ? fft(own(stack([frames, own(zerosLike(frames))], -1)), { norm }) : rfft(frames, { norm }));
      out = own(permute(spectrum, [0, 2, 1, 3])); // fft's or rfft's [B, frames, bins, 2] turned round
    }
    return input.ndim === 1 ? reshape(out, out.shape.slice(1)) : out;
  }, [input]);
}

/**
 * The inverse of stft (torch.istft): a spectrum [(B,) bins, frames, 2] (real and imaginary parts, as
 * stft returns it) back to the signal [(B,) L], by the inverse real DFT of bins 0 ... floor(nFft / 2),
 * each frame times the window, overlap-added and divided by the window's squares overlap-added.
 * onesided defaults to bins !== nFft. Gradients reach the spectrum and the window.
 */
export function istft(input: Tensor, nFft: number, options?: IstftOptions): Tensor {
  const what = 'istft';
  const o = optionsOf(options, what, { hopLength: 'value', winLength: 'value', window: 'value', center: 'boolean', normalized: 'boolean', onesided: 'boolean', length: 'value', returnComplex: 'boolean' });
  checkTensor(input, what);
  if ((input.ndim !== 3 && input.ndim !== 4) || input.shape[input.ndim - 1] !== 2) {
    throw new Error(`${what}: input must be a spectrum [bins, frames, 2] or a batch of them [B, bins, frames, 2] (real and imaginary parts, as stft gives it), got shape ${fmt(input.shape)}`);
  }
  const f = framing(nFft, o, what);
  const [bins, count] = input.shape.slice(-3, -1);
  const onesided = o.onesided ?? bins !== nFft;
  const half = Math.floor(nFft / 2);
  if (bins !== (onesided ? half + 1 : nFft)) {
    throw new Error(`${what}: a ${onesided ? 'one-sided' : 'two-sided'} spectrum of nFft ${nFft} has ${onesided ? half + 1 : nFft} bins, got ${bins} (input ${fmt(input.shape)})`);
  }
  if (o.length !== undefined && (!Number.isInteger(o.length) || o.length < 0)) throw new Error(`${what}: length must be a non-negative integer, got ${shown(o.length)}`);
  const full = nFft + f.hop * (count - 1);
  const start = f.center ? half : 0;
  const end = o.length !== undefined ? start + o.length : f.center ? full - half : full;
  const kept = Math.min(end, full) - start;
  if (kept <= 0) {
    throw new Error(`${what}: the result would hold no samples (the frames cover ${full}${f.center ? `, center drops ${half} at each end` : ''}${o.length !== undefined ? `, length ${o.length}` : ''}; input ${fmt(input.shape)})`);
  }
  return composedOf((own) => {
    const spectrum = input.ndim === 3 ? own(unsqueeze(input, 0)) : input;
    const batch = spectrum.shape[0];
    // [B, frames, nFft]: each frame's irfft; a two-sided spectrum read as one-sided, as torch's irfft does.
    // For even nFft the real kernel reads the bins as they lie; else they are turned round for irfft.
    const oneSidedBinsMajor = bins === half + 1 ? spectrum : own(narrow(spectrum, 1, 0, half + 1));
    const frames = nFft % 2 === 0
      ? own(mul(own(framesTransform(oneSidedBinsMajor, nFft, true)), f.normalized ? 1 / Math.sqrt(nFft) : 1 / nFft))
      : own(irfft(own(permute(oneSidedBinsMajor, [0, 2, 1, 3])), { n: nFft, norm: f.normalized ? 'ortho' : 'backward' }));
    const window = paddedWindow(o.window, f.winLength, nFft, own);
    // The frames overlap-added as fold adds its columns (col2im), read as the rows they are: fold
    // would turn [B, nFft, frames] round to them first.
    const overlapAdded = (rows: Tensor, images: number) =>
      own(imageFromRows(rows, { n: images, c: 1, h: 1, w: full, kh: 1, kw: nFft, sh: 1, sw: f.hop, ph: 0, pw: 0, dh: 1, dw: 1, oh: 1, ow: count }));
    const added = overlapAdded(own(reshape(own(mul(frames, window)), [batch * count, nFft])), batch);
    const envelope = overlapAdded(own(expand(own(reshape(own(mul(window, window)), [1, nFft])), [count, nFft])), 1);
    const y = own(narrow(own(reshape(added, [batch, full])), 1, start, kept));
    const env = own(narrow(own(reshape(envelope, [full])), 0, start, kept));
    const lowest = own(amin(own(abs(env)))).item();
    if (!(lowest >= 1e-11)) {
      throw new Error(`${what}: the window's squares overlap-added fall to ${lowest} at some kept sample, so the signal cannot be recovered there (a window zero at its ends needs center true, or a shorter hopLength)`);
    }
    let out = own(div(y, env));
    if (end > full) out = own(pad(out, [0, end - full]));
    return input.ndim === 3 ? reshape(out, [out.shape[1]]) : out;
  }, [input]);
}

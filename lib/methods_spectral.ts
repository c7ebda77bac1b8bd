// Attaches stft and istft to Tensor as methods (x.stft(nFft), spectrum.istft(nFft)), as methods.ts
// does for the other ops.
import { Tensor } from './tensor';
import { istft, stft } from './ops/stft';
import type { IstftOptions, StftOptions } from './ops/stft';

declare module './tensor' {
  interface Tensor {
    /** The short-time Fourier transform of this signal [L] or batch [B, L], real and imaginary parts in a last dim of 2 (torch.stft). */
    stft(nFft: number, options?: StftOptions): Tensor;
    /** The signal of this spectrum [(B,) bins, frames, 2] (torch.istft). */
    istft(nFft: number, options?: IstftOptions): Tensor;
  }
}

Tensor.prototype.stft = function (n, o) { return stft(this, n, o); };
Tensor.prototype.istft = function (n, o) { return istft(this, n, o); };

// Channels to space and back, as torch.nn.functional's pixel_shuffle and pixel_unshuffle (sub-pixel
// convolution upsampling): a reshape, a permute and a copy, so their gradients are those ops'.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { positiveInt } from '../args';
import { checkTensor, composedOf } from './core';

/**
 * x [*, C r^2, H, W] rearranged to [*, C, H r, W r] (r = upscaleFactor), as
 * torch.nn.functional.pixel_shuffle: output pixel (h r + i, w r + j) of channel c is input channel
 * c r^2 + i r + j at (h, w).
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  return rearranged(x, upscaleFactor, true);
}

/**
 * x [*, C, H r, W r] rearranged to [*, C r^2, H, W] (r = downscaleFactor), as
 * torch.nn.functional.pixel_unshuffle: pixelShuffle's inverse.
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  return rearranged(x, downscaleFactor, false);
}

/** x's last three dims [C r^2, H, W] as [C, r, r, H, W] permuted to [C, H, r, W, r] (toSpace), or the reverse. */
function rearranged(x: Tensor, factor: number, toSpace: boolean): Tensor {
  const [what, arg] = toSpace ? ['pixelShuffle', 'upscaleFactor'] : ['pixelUnshuffle', 'downscaleFactor'];
  checkTensor(x, what);
  const r = positiveInt(factor, what, arg);
  if (x.ndim < 3) throw new Error(`${what}: input must have at least 3 dims [*, C, H, W], got shape ${fmt(x.shape)}`);
  const lead = x.shape.slice(0, -3), [c, h, w] = x.shape.slice(-3), l = lead.length;
  if (toSpace && c % (r * r) !== 0) throw new Error(`${what}: the input's channels (${c}, shape ${fmt(x.shape)}) must be divisible by ${arg} squared (${r * r})`);
  if (!toSpace && (h % r !== 0 || w % r !== 0)) throw new Error(`${what}: the input's height and width (${h} x ${w}, shape ${fmt(x.shape)}) must be divisible by ${arg} (${r})`);
  const [split, order, joined] = toSpace
    ? [[c / (r * r), r, r, h, w], [l, l + 3, l + 1, l + 4, l + 2], [c / (r * r), h * r, w * r]]
    : [[c, h / r, r, w / r, r], [l, l + 2, l + 4, l + 1, l + 3], [c * r * r, h / r, w / r]];
  return composedOf((own) => own(own(x.reshape([...lead, ...split])).permute([...lead.keys(), ...order])).reshape([...lead, ...joined]), [x]);
}

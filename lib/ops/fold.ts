// torch.nn.functional.unfold and fold: an image's sliding blocks as columns, and columns summed
// back into an image. They are the convolution's own imageRows kernels (im2col and col2im) with
// torch's layout around them: [N, C kh kw, L], a block per column, channel-major within it.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf } from '../args';
import { checkTensor, letGoAfterBackward, letGoAfterRead } from './core';
import { checkGeometry, Geometry, imageRowsOf, images, outputSize, pair, Size2 } from './conv';
import { imageFromRows } from './conv_more';

/** Options of unfold and fold (and nn.Unfold, nn.Fold): the blocks' geometry. */
export interface FoldOptions {
  /** The step between a block's elements (default 1). */
  dilation?: Size2;
  /** Zeros added on each side (default 0). */
  padding?: Size2;
  /** The step between blocks (default 1). */
  stride?: Size2;
}

/** The geometry of blocks of `kernelSize` over an image of h x w, checked, or an error naming `what`. */
function blocks(n: number, c: number, h: number, w: number, kernelSize: Size2, options: FoldOptions | undefined, what: string, given: Tensor): Geometry {
  const o = optionsOf(options, what, { dilation: 'value', padding: 'value', stride: 'value' });
  const [kh, kw] = pair(kernelSize, null, what, 'kernelSize', 1);
  const [dh, dw] = pair(o.dilation, [1, 1], what, 'dilation', 1);
  const [ph, pw] = pair(o.padding, [0, 0], what, 'padding', 0);
  const [sh, sw] = pair(o.stride, [1, 1], what, 'stride', 1);
  const g = { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: outputSize(h, kh, sh, ph, dh, false), ow: outputSize(w, kw, sw, pw, dw, false) };
  checkGeometry(g, given, what);
  return g;
}

/**
 * The sliding blocks of x [N, C, H, W] (or [C, H, W]) as columns, as torch.nn.functional.unfold:
 * [N, C kh kw, L], L the number of blocks (row-major), each column a block's elements channel by
 * channel, row by row; padding reads 0. Its gradient adds each column back where it was read.
 */
export function unfold(x: Tensor, kernelSize: Size2, options?: FoldOptions): Tensor {
  const what = 'unfold';
  const { x4, batched } = images(x, what);
  const [n, c, h, w] = x4.shape;
  const g = blocks(n, c, h, w, kernelSize, options, what, x);
  const rows = imageRowsOf(x4, g, 0, c, 0); // [n L, c kh kw]
  const width = c * g.kh * g.kw, count = g.oh * g.ow;
  const view = rows.reshape([n, count, width]);
  const y = view.permute([0, 2, 1]);
  letGoAfterBackward(rows, view);
  return batched ? y : y.reshape([width, count]);
}

/**
 * Columns of blocks [N, C kh kw, L] (or [C kh kw, L]) summed back into images [N, C, H, W] of
 * outputSize [H, W], as torch.nn.functional.fold (unfold's adjoint: overlapping blocks add up, in
 * torch's col2im order). Its gradient is unfold of the image's gradient.
 */
export function fold(x: Tensor, outputSize: Size2, kernelSize: Size2, options?: FoldOptions): Tensor {
  const what = 'fold';
  checkTensor(x, what);
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${what}: input must be 2-D [C kh kw, L] or 3-D [N, C kh kw, L], got shape ${fmt(x.shape)}`);
  const batched = x.ndim === 3;
  const x3 = batched ? x : x.reshape([1, ...x.shape]);
  const [n, width, count] = x3.shape;
  const [h, w] = pair(outputSize, null, what, 'outputSize', 1);
  const [kh, kw] = pair(kernelSize, null, what, 'kernelSize', 1);
  if (width % (kh * kw) !== 0) throw new Error(`${what}: input's dimension 1 (${width}, shape ${fmt(x.shape)}) must be divisible by the kernel's size ${kh} x ${kw}`);
  const g = blocks(n, width / (kh * kw), h, w, kernelSize, options, what, x);
  if (count !== g.oh * g.ow) {
    throw new Error(`${what}: input's last dimension (${count}, shape ${fmt(x.shape)}) must be the number of blocks, ${g.oh} x ${g.ow} = ${g.oh * g.ow}, for outputSize ${h} x ${w}, kernel ${kh} x ${kw}, dilation ${g.dh} x ${g.dw}, padding ${g.ph} x ${g.pw}, stride ${g.sh} x ${g.sw}`);
  }
  const rows = x3.permute([0, 2, 1]).reshape([n * count, width]);
  const y = imageFromRows(rows, g);
  letGoAfterRead(y, rows);
  return batched ? y : y.reshape([g.c, h, w]);
}

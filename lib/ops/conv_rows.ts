// A convolution of one channel group through its windows as rows (im2col): rows = imageRows(x)
// [n oh ow, c kh kw], y = rows W^T + bias with the activation fused (linear's GEMM). One node for
// both, so that backward can make the input gradient a few images at a time: each chunk's rows
// gradient (gz W) is summed back into its images (imageRowsGrad) while it is still in the cache.
// Made whole, the rows gradient (14.4 MB in C1's second layer) had left the caches by the time
// imageRowsGrad read it back: C1's [64, 32, 14, 14] layer, the product and the sum back, 6.0 -> 4.8
// ms at one thread and 2.9 -> 2.6 at two in chunks of two images (.scratch loop, flushed caches,
// medians of 30, 3 rounds; 4.8-5.3 / 2.5 in chunks of 4 and 8). The chunks are cut by the shape
// alone (chunkFloats below), so the bits do not depend on the thread count.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { isGradEnabled } from '../autograd';
import { letGoAfterBackward, recordKeeping } from './core';
import { ACT_CODE, FusedActivation, preActivationGrad, preActivationGraphGrad } from './matmul';
import { gelu } from './unary';
import { Geometry, packed } from './conv';
import { convGraphGrads } from './conv_graph';
import { wantsGradient } from '../autograd_graph';
import { sum } from './reduce';

// Floats of rows gradient made at a time in backward (at least one image's). C1's step (bench/
// step_profile.ts c1, 3 alternated runs against the two nodes apart) at 2^18, chunks of 4 images:
// one thread 24.1-24.7 -> 22.2-22.4 ms, two 14.9-16.0 -> 14.7-15.1 (at two threads the pair of the
// input and weight gradients had run one per thread; the weight's now runs cut across both, first).
// 2^17 and 2^19 measured within the same noise.
let chunkFloats = 1 << 18;

/** @internal Sets the floats of rows gradient that the backward of conv2d calls made from now on makes at a time (tests); returns the old count. */
export function setConvRowsChunkFloats(floats: number): number {
  const old = chunkFloats;
  chunkFloats = floats;
  return old;
}

/**
 * conv2d of x4 [n, c, h, w] (one group: weight2d [out, c kh kw]) over the windows of g, as rows
 * [n oh ow, out] with the activation applied; the caller turns them into images.
 */
export function convRowsThen(x4: Tensor, weight2d: Tensor, bias: Tensor | null, g: Geometry, activation: FusedActivation): Tensor {
  const needsGrad = isGradEnabled() && (x4.requiresGrad || weight2d.requiresGrad || (bias?.requiresGrad ?? false));
  if (activation === 'gelu' && needsGrad) {
    // As linear: GELU's backward is not fused, so the product is kept apart from it.
    const z = convRowsThen(x4, weight2d, bias, g, 'none');
    const y = gelu(z);
    letGoAfterBackward(z);
    return y;
  }
  const be = B();
  const act = ACT_CODE[activation];
  const out = weight2d.shape[0], depth = weight2d.shape[1];
  const plane = g.oh * g.ow, count = g.n * plane;
  const rows = allocOutput(count * depth);
  be.imageRows(x4.data, packed(g), 0, g.c, 0, rows);
  const y = allocOutput(count * out);
  be.gemm(false, true, count, out, depth, 1, rows, weight2d.data, 0, y, bias ? bias.data : null, act);
  const inputs = bias ? [x4, weight2d, bias] : [x4, weight2d];
  const per = Math.max(1, Math.floor(chunkFloats / (plane * depth))); // images a chunk of backward
  const result = recordKeeping(y, [count, out], inputs, [rows], 'conv2d', (gy, ctx) => {
    const { gz, gb } = preActivationGrad(be, act, y, gy, count, out, bias, ctx?.gated ?? false);
    const gw = weight2d.requiresGrad ? weight2d.gradBuffer() : null; // overwritten whole (beta 0)
    if (gw) be.gemm(true, false, out, depth, count, 1, gz, rows, 0, gw, null, 0);
    const gx = x4.requiresGrad ? allocOutput(x4.size) : null; // every element written
    if (gx) {
      const chunk = allocOutput(Math.min(per, g.n) * plane * depth);
      const image = g.c * g.h * g.w;
      for (let s = 0; s < g.n; s += per) {
        const k = Math.min(per, g.n - s);
        const part = chunk.subarray(0, k * plane * depth);
        be.gemm(false, false, k * plane, depth, out, 1, gz.subarray(s * plane * out, (s + k) * plane * out), weight2d.data, 0, part, null, 0);
        be.imageRowsGrad(part, packed({ ...g, n: k }), 0, g.c, gx.subarray(s * image, (s + k) * image));
      }
      recycleArray(chunk);
    }
    if (gz !== gy) recycleArray(gz);
    return bias ? [gx, gw, gb] : [gx, gw];
  });
  if (result.node) {
    // As linear's: the activation's derivative from the output, then the convolution's rule.
    const preActivation = preActivationGraphGrad(act, result);
    result.node.graphBackward = (gy) => {
      const gz = preActivation(gy);
      const { gx, gw } = convGraphGrads(gz, x4, weight2d, g, 1);
      return [gx, gw, bias && wantsGradient(bias) ? sum(gz, 0) : null];
    };
  }
  return result;
}

// Layer normalization over the last dimension of a [rows, cols] matrix: one kernel each way (the
// backend's layerNorm and layerNormGrad), where the same thing composed of ops made eight nodes.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { record } from './core';

/**
 * (x - mean) / sqrt(biased variance + eps) per row of x [rows, cols], times weight plus bias
 * ([cols] each, or null): LayerNorm's arithmetic, checked by its caller.
 */
export function layerNormRows(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const [rows, cols] = x.shape;
  const y = allocOutput(x.size);
  const mean = alloc(rows);
  const rstd = alloc(rows);
  const be = B();
  be.layerNorm(x.data, rows, cols, weight ? weight.data : null, bias ? bias.data : null, eps, y, mean, rstd);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(y, x.shape, inputs, 'layerNorm', (gy) => {
    const gx = x.requiresGrad ? allocOutput(x.size) : null;
    const gw = weight && weight.requiresGrad ? weight.gradBuffer() : null; // overwritten whole
    const gb = bias && bias.requiresGrad ? bias.gradBuffer() : null;
    // The kernel writes gx whole; without a caller for it, a scratch array takes it.
    be.layerNormGrad(gy, x.data, rows, cols, weight ? weight.data : null, mean, rstd, gx ?? allocOutput(x.size), gw, gb);
    return [gx, ...(weight ? [gw] : []), ...(bias ? [gb] : [])];
  });
}

// Runs convolutions on their path for large batches (one image at a time, lib/ops/conv_by_image.ts)
// at any size, or with the batch path's input gradient cut into chunks of one image (conv_rows.ts),
// so that small torch cases and gradient checks reach them.
import { setConvByImageFloats } from '../../lib/ops/conv';
import { setConvRowsChunkFloats } from '../../lib/ops/conv_rows';

/** fn's result with a size setting (a setter that returns the old value) at `value`, restored after. */
export function withSize<T>(set: (floats: number) => number, value: number, fn: () => T): T {
  const old = set(value);
  try {
    return fn();
  } finally {
    set(old);
  }
}

/** fn's result, every conv2d, conv1d and transposed convolution in it run one image at a time. */
export function oneImageAtATime<T>(fn: () => T): T {
  return withSize(setConvByImageFloats, 0, fn);
}

/** fn's result, every conv2d on the batch path made in it taking its input gradient one image at a time (conv_rows.ts's chunks). */
export function inputGradientByImage<T>(fn: () => T): T {
  return withSize(setConvRowsChunkFloats, 1, fn);
}

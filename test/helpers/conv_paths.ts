// Runs convolutions on their path for large batches (one image at a time, lib/ops/conv_by_image.ts)
// at any size, so that small torch cases and gradient checks reach it.
import { setConvByImageFloats } from '../../lib/ops/conv';

/** fn's result, every conv2d, conv1d and transposed convolution in it run one image at a time. */
export function oneImageAtATime<T>(fn: () => T): T {
  const old = setConvByImageFloats(0);
  try {
    return fn();
  } finally {
    setConvByImageFloats(old);
  }
}

// Fractional max pooling (Graham's; torch.nn.functional.fractional_max_pool2d / 3d): windows of a fixed
// size whose starts step pseudo-randomly so that the output has the size asked for. Each plane's
// starts come from one uniform sample per dim, as torch's generate_intervals makes them in float32:
// start(i) = int((i + u) alpha) - int(u alpha) with alpha = (in - k) / (out - 1), the last at in - k.
// The maximum of each window (a NaN wins, the first of equals stays, as torch's loop) is picked by a
// gather, so the gradient and createGraph are gather's.
import { Tensor } from '../tensor';
import { fmt, sizeOf } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, composedOf } from './core';
import { rand } from './creation';
import { gather } from './index_ops';
import { reshape } from './shape';

/** Options of the fractional max poolings: outputSize or outputRatio (one of the two). */
export interface FractionalMaxPoolOptions {
  /** The output's spatial size: one number for every spatial dim, or one each. */
  outputSize?: number | readonly number[];
  /** The output's size as a fraction of the input's, in (0, 1): one for every spatial dim, or one each. */
  outputRatio?: number | readonly number[];
  /**
   * The uniform samples in [0, 1) that place the windows, [batch, channels, dims] (torch's
   * _random_samples); drawn from the generator when left out, as torch draws them.
   */
  randomSamples?: Tensor;
}

/** Values and, for each, where it was in its input plane (flattened, as torch's indices). */
export interface FractionalPoolResult {
  /** Each window's maximum: [N, C, *outputSize] (or [C, *outputSize]). */
  values: Tensor;
  /** Where each maximum was in its input plane, flattened (maxUnpool's indices). */
  indices: Tensor;
}

/** The window starts along one dim: torch's generate_intervals, its arithmetic in float32. */
function intervals(u: number, inSize: number, outSize: number, k: number): Int32Array {
  const f = Math.fround;
  const out = new Int32Array(outSize);
  if (outSize > 1) {
    const alpha = f(f(inSize - k) / f(outSize - 1));
    const base = Math.trunc(f(f(u) * alpha));
    for (let i = 0; i < outSize - 1; i++) out[i] = Math.trunc(f(f(i + f(u)) * alpha)) - base;
  }
  if (outSize > 0) out[outSize - 1] = inSize - k;
  return out;
}

/** One value per spatial dim from a number or a list of `dims`, checked by `ok`. */
function perDim(v: number | readonly number[], dims: number, what: string, name: string, ok: (n: number) => boolean): number[] {
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : Array.isArray(v) ? [...v] : null;
  if (!list || list.length !== dims || !list.every((n) => typeof n === 'number' && ok(n))) throw new Error(`${what}: ${name} must be a number or ${dims} numbers, each ${name === 'outputRatio' ? 'in (0, 1)' : 'a positive integer'}, got ${shown(v)}`);
  return list;
}

/**
 * The fractional max pooling of x, [N, C, *spatial] or [C, *spatial] with `dims` spatial dims, by
 * windows of kernelSize.
 */
export function fractionalMaxPool(x: Tensor, dims: 2 | 3, kernelSize: number | readonly number[], options: FractionalMaxPoolOptions | undefined, what: string): FractionalPoolResult {
  checkTensor(x, what);
  const o = optionsOf(options, what, { outputSize: 'value', outputRatio: 'value', randomSamples: 'value' });
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) throw new Error(`${what}: expects a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got shape ${fmt(x.shape)}`);
  const k = perDim(kernelSize, dims, what, 'kernelSize', (n) => Number.isInteger(n) && n > 0);
  const spatial = x.shape.slice(-dims);
  if ((o.outputSize === undefined) === (o.outputRatio === undefined)) throw new Error(`${what}: give either outputSize or outputRatio (one of the two)`);
  const outSize = o.outputSize !== undefined ? perDim(o.outputSize, dims, what, 'outputSize', (n) => Number.isInteger(n) && n > 0)
    : perDim(o.outputRatio as number | readonly number[], dims, what, 'outputRatio', (r) => r > 0 && r < 1).map((r, d) => Math.trunc(spatial[d] * r));
  spatial.forEach((n, d) => {
    if (outSize[d] + k[d] - 1 > n) throw new Error(`${what}: the window ${k[d]} and the output size ${outSize[d]} are too large for the input's size ${n} in spatial dim ${d} (output + window - 1 must be at most the input)`);
  });
  const batch = x.ndim === dims + 2 ? x.shape[0] : 1;
  const channels = x.shape[x.ndim - dims - 1];
  const planes = batch * channels;
  const samples = o.randomSamples ?? rand([batch, channels, dims]);
  if (!(samples instanceof Tensor) || samples.ndim !== 3 || samples.shape[0] !== batch || samples.shape[1] !== channels || samples.shape[2] !== dims) {
    throw new Error(`${what}: randomSamples must be a tensor [${batch}, ${channels}, ${dims}], got ${samples instanceof Tensor ? fmt(samples.shape) : shown(samples)}`);
  }
  const planeSize = sizeOf(spatial), outPlane = sizeOf(outSize);
  const at = new Float32Array(planes * outPlane);
  const xd = x.data, u = samples.data;
  // torch's sample order: W then H for 2-D, T, H, W for 3-D.
  const sampleOf = dims === 2 ? [1, 0] : [0, 1, 2];
  const strides = dims === 2 ? [spatial[1], 1] : [spatial[1] * spatial[2], spatial[2], 1];
  for (let p = 0; p < planes; p++) {
    const starts = spatial.map((n, d) => intervals(u[p * dims + sampleOf[d]], n, outSize[d], k[d]));
    const plane = xd.subarray(p * planeSize, (p + 1) * planeSize);
    for (let e = 0; e < outPlane; e++) {
      // The output's position, then its window's first element and the walk over the window.
      let rest = e;
      const pos = new Array<number>(dims);
      for (let d = dims - 1; d >= 0; d--) {
        pos[d] = rest % outSize[d];
        rest = Math.floor(rest / outSize[d]);
      }
      const first = pos.reduce((s, q, d) => s + starts[d][q] * strides[d], 0);
      let best = first, max = -Infinity;
      const visit = (d: number, off: number): void => {
        if (d === dims) {
          const v = plane[off];
          if (v > max || Number.isNaN(v)) {
            max = v;
            best = off;
          }
          return;
        }
        for (let j = 0; j < k[d]; j++) visit(d + 1, off + j * strides[d]);
      };
      visit(0, first);
      at[p * outPlane + e] = best;
    }
  }
  const outShape = [...x.shape.slice(0, x.ndim - dims), ...outSize];
  const indices = new Tensor(at, outShape);
  const values = composedOf((own) => reshape(own(gather(own(reshape(x, [planes, planeSize])), 1, own(reshape(indices, [planes, outPlane])))), outShape), [x, indices]);
  return { values, indices };
}

/** 2-D fractional max pooling (torch.nn.functional.fractional_max_pool2d): values only. */
export const fractionalMaxPool2d = (x: Tensor, kernelSize: number | readonly number[], options?: FractionalMaxPoolOptions): Tensor =>
  fractionalMaxPool(x, 2, kernelSize, options, 'fractionalMaxPool2d').values;
/** 2-D fractional max pooling with the indices (torch's return_indices=True), for maxUnpool2d. */
export const fractionalMaxPool2dWithIndices = (x: Tensor, kernelSize: number | readonly number[], options?: FractionalMaxPoolOptions): FractionalPoolResult =>
  fractionalMaxPool(x, 2, kernelSize, options, 'fractionalMaxPool2dWithIndices');
/** 3-D fractional max pooling (torch.nn.functional.fractional_max_pool3d): values only. */
export const fractionalMaxPool3d = (x: Tensor, kernelSize: number | readonly number[], options?: FractionalMaxPoolOptions): Tensor =>
  fractionalMaxPool(x, 3, kernelSize, options, 'fractionalMaxPool3d').values;
/** 3-D fractional max pooling with the indices. */
export const fractionalMaxPool3dWithIndices = (x: Tensor, kernelSize: number | readonly number[], options?: FractionalMaxPoolOptions): FractionalPoolResult =>
  fractionalMaxPool(x, 3, kernelSize, options, 'fractionalMaxPool3dWithIndices');

// torch.nn.functional.interpolate: [N, C, L], [N, C, H, W] or [N, C, D, H, W] resized along its spatial dimensions,
// one dimension at a time (the last first, the order in which torch's kernels combine them). The
// nearest modes pick an input index per output index; the linear modes mix two neighbours by
// weights computed in float32 as torch computes them; 'area' is adaptive average pooling.
import { Tensor } from '../tensor';
import { fmt, sizeOf, splitAt } from '../shape';
import { alloc } from '../storage';
import { optionsOf, shown } from '../args';
import { checkTensor, letGoAfterBackward, record } from './core';
import { indexSelect, picksAllInOrder } from './index_ops';
import { applyLinear } from './linear_map';
import { B } from '../backend/registry';
import { adaptiveAvgPool2d } from './adaptive';
import { adaptiveAvgPool3d } from './conv3d';

/** How interpolate resizes: torch's modes. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear' | 'bicubic' | 'area';

const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', 'area'];

// The linear modes, by the spatial dims each resizes.
const LINEAR_DIMS: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, trilinear: 3 };

/** Options of interpolate and nn.Upsample: the output's size or the scale to it (one of the two), and the mode. */
export interface InterpolateOptions {
  /** The output's spatial size: one number for every spatial dimension, or one each. */
  size?: number | readonly number[];
  /** The factor from input to output size: one for every spatial dimension, or one each. */
  scaleFactor?: number | readonly number[];
  /**
   * 'nearest' (default): output index i reads input floor(i * scale); 'nearest-exact': floor((i +
   * 0.5) * scale), the pixel whose centre is nearest; 'linear' ([N, C, L]), 'bilinear' ([N, C, H,
   * W]) and 'trilinear' ([N, C, D, H, W]): the two (four, eight) neighbours weighted by distance; 'bicubic' ([N, C, H, W]): four neighbours
   * along each side, torch's cubic convolution weights (A = -0.75), the edges repeated; 'area': each
   * output the mean of the inputs it covers (adaptive average pooling).
   */
  mode?: InterpolateMode;
  /**
   * For the linear modes and bicubic: align the corner pixels' centres of input and output (source
   * index i * (in - 1) / (out - 1)) rather than their edges (default false, torch's).
   */
  alignCorners?: boolean;
}

/** The mode of interpolate's (or nn.Upsample's) options, or an error naming `what`; alignCorners goes only with a linear mode. */
export function interpolateMode(o: Pick<InterpolateOptions, 'mode' | 'alignCorners'>, what: string): InterpolateMode {
  const mode = o.mode ?? 'nearest';
  if (!MODES.includes(mode)) throw new Error(`${what}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${shown(o.mode)}`);
  if (o.alignCorners !== undefined && LINEAR_DIMS[mode] === undefined && mode !== 'bicubic') throw new Error(`${what}: alignCorners is for the modes 'linear', 'bilinear', 'trilinear' and 'bicubic', not '${mode}'`);
  return mode;
}

/** The spatial sizes or factors, one per spatial dimension, or an error naming `arg`. */
function perDim(v: number | readonly number[], spatial: number, arg: string, integer: boolean): number[] {
  const xs = typeof v === 'number' ? new Array<number>(spatial).fill(v) : v;
  if (!Array.isArray(xs) || xs.length !== spatial || !xs.every((e) => typeof e === 'number' && (integer ? Number.isInteger(e) && e >= 1 : e > 0 && Number.isFinite(e)))) {
    throw new Error(`interpolate: ${arg} must be ${integer ? 'a positive integer' : 'a positive number'} or ${spatial} of them (one per spatial dimension), got ${shown(v)}`);
  }
  return [...xs];
}

/** An index list of `n` entries, or a RangeError naming the output size that asked for it. */
function indexList(n: number, outs: number[]): Int32Array {
  try {
    return new Int32Array(n);
  } catch (e) {
    throw new RangeError(`interpolate: cannot make the ${n} indices of the output size [${outs.join(', ')}]: ${(e as Error).message}`);
  }
}

const f = Math.fround;

/**
 * x resized along its spatial dimensions (x [N, C, L] or [N, C, H, W]) as
 * torch.nn.functional.interpolate: to `size`, or to floor(in * scaleFactor) with the factor itself
 * used for the positions (torch's recompute_scale_factor=None). See InterpolateOptions for the modes.
 * The gradient of each input element sums its outputs' times the weights they read it with.
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const what = 'interpolate';
  checkTensor(x, what);
  const o = optionsOf(options, what, { size: 'value', scaleFactor: 'value', mode: 'value', alignCorners: 'boolean' });
  const mode = interpolateMode(o, what);
  if (x.ndim < 3 || x.ndim > 5) throw new Error(`interpolate: input must be 3-D [N, C, L], 4-D [N, C, H, W] or 5-D [N, C, D, H, W], got shape ${fmt(x.shape)}`);
  const linearDims = LINEAR_DIMS[mode];
  const linear = linearDims !== undefined;
  if (linear && x.ndim !== linearDims + 2) throw new Error(`interpolate: mode '${mode}' resizes ${linearDims + 2}-D inputs ('linear' 3-D, 'bilinear' 4-D, 'trilinear' 5-D ones), got shape ${fmt(x.shape)}`);
  if (mode === 'bicubic' && x.ndim !== 4) throw new Error(`interpolate: mode 'bicubic' resizes 4-D [N, C, H, W] inputs, got shape ${fmt(x.shape)}`);
  if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new Error('interpolate: give exactly one of size and scaleFactor');
  const spatial = x.ndim - 2;
  const ins = x.shape.slice(2);
  if (ins.some((s) => s === 0)) throw new Error(`interpolate: the input's spatial sizes must not be 0 (there is nothing to pick from), got shape ${fmt(x.shape)}`);
  const factors = o.scaleFactor === undefined ? null : perDim(o.scaleFactor, spatial, 'scaleFactor', false);
  const outs = o.size !== undefined ? perDim(o.size, spatial, 'size', true) : ins.map((s, i) => Math.floor(s * (factors as number[])[i]));
  if (outs.some((s) => s < 1)) throw new Error(`interpolate: the output size [${outs.join(', ')}] is empty for input ${fmt(x.shape)}`);
  // Checked before the index lists are made: a factor of 1e9 asked for lists of billions.
  if (outs.some((s) => s > 2 ** 31 - 1) || sizeOf([...x.shape.slice(0, 2), ...outs]) > 2 ** 32) throw new Error(`interpolate: the output size [${outs.join(', ')}] for input ${fmt(x.shape)} would hold more than 2^32 elements (or one side more than 2^31 - 1)`);
  const outShape = [...x.shape.slice(0, 2), ...outs];
  // Nothing to pick from or into: an empty result, and no index lists (of up to 2^31 entries).
  if (sizeOf(outShape) === 0) return record(alloc(0), outShape, [x], what, () => [alloc(x.size)]);
  if (mode === 'area') {
    // torch's adaptive_avg_pool1d is the 2-d pooling of one-row images.
    try {
      if (spatial === 3) return adaptiveAvgPool3d(x, [outs[0], outs[1], outs[2]]);
      if (spatial === 2) return adaptiveAvgPool2d(x, [outs[0], outs[1]]);
      return adaptiveAvgPool2d(x.reshape([x.shape[0], x.shape[1], 1, ins[0]]), [1, outs[0]]).reshape(outShape);
    } catch (e) {
      if (e instanceof Error && /^adaptiveAvgPool[23]d: /.test(e.message)) throw new Error(`interpolate: mode 'area': ${e.message.replace(/^\w+: /, '')}`);
      throw e;
    }
  }
  let y = x;
  for (let i = spatial - 1; i >= 0; i--) {
    const [n, out, d] = [ins[i], outs[i], 2 + i];
    // Resized along the dimensions before, y is this function's own once the next one is made.
    const before = y;
    // torch's scale: 1 / the factor when one is given, else in / out (both in float).
    const scale = f(factors ? 1 / factors[i] : f(n) / f(out));
    const aligned = o.alignCorners === true ? (out > 1 ? f((n - 1) / (out - 1)) : 0) : scale;
    if (linear) y = linearAlong(y, d, n, out, aligned, o.alignCorners === true, outs);
    else if (mode === 'bicubic') y = cubicAlong(y, d, n, out, aligned, o.alignCorners === true, outs);
    else {
      const index = indexList(out, outs);
      for (let j = 0; j < out; j++) {
        // torch's nearest_neighbor_compute_source_index (j * scale in float) and the exact one's
        // ((j + 0.5) * scale in double, then float). torch 1.13 resizes one-channel images with its
        // channels-last kernel (they are channels-last too), which in 'nearest' mode first takes
        // nearest_idx's shortcuts whatever the factor: a side of the same size copied, a doubled
        // one halved (a factor of 1.2 from 4 to 4, of 2.2 from 3 to 6); its other kernels do not.
        // Checked against torch here over N, C, H, W of 1-3.
        const shortcut = mode === 'nearest' && spatial === 2 && x.shape[1] === 1 && (out === n || out === 2 * n);
        const at = shortcut ? (out === n ? j : j >> 1) : mode === 'nearest' ? Math.floor(f(j * scale)) : Math.floor(f((j + 0.5) * scale));
        index[j] = Math.min(at, n - 1);
      }
      if (!picksAllInOrder(index, n)) y = indexSelect(y, d, index);
    }
    if (before !== x && before !== y) letGoAfterBackward(before);
  }
  return y === x ? x.reshape([...x.shape]) : y;
}

/** torch's source position of output index j (area_pixel_compute_source_index), before any clamp. */
const sourceOf = (j: number, scale: number, alignCorners: boolean): number => (alignCorners ? f(scale * j) : f(f(scale * f(j + 0.5)) - 0.5));

/**
 * y along dimension d, resized to `out`, as weighted sums of k taps an output (the taps kernel: each
 * product rounded, added in order): fill(j, at) writes output j's input indices and weights at
 * offset `at` of the index and weight lists.
 */
function tapsAlong(y: Tensor, d: number, out: number, k: number, outs: number[], fill: (j: number, at: number, index: Int32Array, weight: Float32Array) => void): Tensor {
  const index = indexList(out * k, outs), weight = alloc(out * k);
  for (let j = 0; j < out; j++) fill(j, j * k, index, weight);
  const [outer, len, inner] = splitAt(y.shape, d);
  const shape = [...y.shape];
  shape[d] = out;
  return applyLinear(y, {
    shapes: [y.shape, shape],
    names: ['taps', 'tapsGrad'],
    run(back, from, to) {
      if (back) B().tapsGrad(from, outer, len, inner, index, weight, k, to);
      else B().taps(from, outer, len, inner, index, weight, k, to);
    },
  });
}

/**
 * y resized along dimension d from n to out by linear interpolation (torch's
 * compute_indices_weights_linear): the source position at least 0, its two neighbours weighted
 * 1 - t and t. torch copies a dimension whose size stays the same, and so does this.
 */
function linearAlong(y: Tensor, d: number, n: number, out: number, scale: number, alignCorners: boolean, outs: number[]): Tensor {
  if (n === out) return y;
  return tapsAlong(y, d, out, 2, outs, (j, at, index, weight) => {
    const src = Math.max(sourceOf(j, scale, alignCorners), 0);
    const k = Math.floor(src);
    const t = Math.min(Math.max(f(src - k), 0), 1);
    index[at] = k;
    weight[at] = f(1 - t);
    index[at + 1] = k < n - 1 ? k + 1 : k;
    weight[at + 1] = t;
  });
}

// torch's cubic convolution weights (upsample's get_cubic_upsample_coefficients, A = -0.75), in float.
const A = -0.75;
const cubic1 = (x: number) => f(f(f(f(f(f(A + 2) * x) - (A + 3)) * x) * x) + 1);
const cubic2 = (x: number) => f(f(f(f(f(f(A * x) - 5 * A) * x) + 8 * A) * x) - 4 * A);

/**
 * y resized along dimension d from n to out by cubic convolution (torch's bicubic, one side at a
 * time): the source position not clamped; the four inputs around it (their indices clamped to the
 * side) weighted by torch's coefficients, summed in order. torch copies a side whose size stays the
 * same, and so does this.
 */
function cubicAlong(y: Tensor, d: number, n: number, out: number, scale: number, alignCorners: boolean, outs: number[]): Tensor {
  if (n === out) return y;
  return tapsAlong(y, d, out, 4, outs, (j, at, index, weight) => {
    const src = sourceOf(j, scale, alignCorners);
    const k = Math.floor(src);
    const t = f(src - k);
    const w = [cubic2(f(t + 1)), cubic1(t), cubic1(f(1 - t)), cubic2(f(f(1 - t) + 1))];
    for (let q = 0; q < 4; q++) {
      index[at + q] = Math.min(Math.max(k - 1 + q, 0), n - 1);
      weight[at + q] = w[q];
    }
  });
}

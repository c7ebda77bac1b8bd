// torch.nn.functional.pad (constant, reflect, replicate, circular): a tensor grown or cut along its
// last dimensions, with the gradients flowing back to the elements read.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { contiguousStrides, fmt, sizeOf } from '../shape';
import { alloc } from '../storage';
import { optionsOf, shown } from '../args';
import { checkNumber, checkTensor, composedOf, KERNEL_DIMS, letGoAfterBackward, record } from './core';
import { flip, indexSelect } from './index_ops';
import { cat, narrow } from './join';
import { expand } from './shape';
import { int32sFrom } from '../tiny';

/** How pad fills the added elements, as torch.nn.functional.pad's modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of pad. */
export interface PadOptions {
  /**
   * How to fill the added elements (default 'constant'): 'constant' with `value`; 'reflect' with
   * the input mirrored about its edge elements (the edge not repeated); 'replicate' with the edge
   * elements; 'circular' with the input wrapped around (the part kept, where a side is cut).
   */
  mode?: PadMode;
  /** The added elements' value in 'constant' mode (default 0). */
  value?: number;
}

/** pad's modes, for its argument check. */
const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * x grown (or, for negative amounts, cut) along its last dimensions, as torch.nn.functional.pad:
 * `pads` holds [before, after] amounts for the last dimension, then the one before it, and so on
 * ([left, right, top, bottom] for an image). In 'constant' mode (the default) the added elements
 * hold `value`; the other modes pad 1, 2 or 3 dimensions of a batch (or one sample) as torch does
 * (see PadMode). The gradient of each input element is the sum of its outputs'.
 */
export function pad(x: Tensor, pads: readonly number[], options?: PadOptions): Tensor {
  const what = 'pad';
  checkTensor(x, what);
  const o = optionsOf(options, what, { mode: 'value', value: 'value' });
  const mode = o.mode ?? 'constant';
  if (!MODES.includes(mode)) throw new Error(`pad: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${shown(o.mode)}`);
  const value = o.value === undefined ? 0 : checkNumber(o.value, what, 'value');
  if (!Array.isArray(pads) || pads.length % 2 !== 0 || pads.length / 2 > x.ndim || !pads.every((p) => Number.isInteger(p))) {
    throw new Error(`pad: pads must be an even number of integers, two per dimension and at most ${2 * x.ndim} for shape ${fmt(x.shape)}, got ${shown(pads)}`);
  }
  const shape = [...x.shape];
  for (let k = 0; k < pads.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    shape[d] = x.shape[d] + before + after;
    // As torch: at least one element, even where the input had none.
    if (shape[d] < 1) throw new Error(`pad: padding (${before}, ${after}) of dimension ${d} leaves it ${shape[d]} long (input ${fmt(x.shape)}); it must keep at least one element`);
  }
  if (x.ndim > KERNEL_DIMS) throw new Error(`pad: at most ${KERNEL_DIMS} dimensions are supported, got shape ${fmt(x.shape)}`);
  // The kernels walk int32 strides; storage holds at most 2^32 elements.
  if (contiguousStrides(shape).some((v) => v > 2 ** 31 - 1) || shape.some((v) => v > 2 ** 31 - 1) || sizeOf(shape) > 2 ** 32) {
    throw new Error(`pad: the padded shape ${fmt(shape)} is too large (a side or stride past 2^31 - 1, or more than 2^32 elements)`);
  }
  if (mode !== 'constant') {
    if (value !== 0) throw new Error(`pad: mode '${mode}' takes no value (got ${value}); the added elements come from the input`);
    return padFromInput(x, pads, mode);
  }
  return padConstant(x, pads, shape, value);
}

/** x with `before` and `after` zeros along dim d (pad's constant mode on that one dimension). */
export function padAlong(x: Tensor, d: number, before: number, after: number): Tensor {
  const pads = new Array<number>(2 * (x.ndim - d)).fill(0);
  pads[pads.length - 2] = before;
  pads[pads.length - 1] = after;
  return pad(x, pads);
}

/** pad in constant mode, its checks passed: the kept block copied into a filled output. */
function padConstant(x: Tensor, pads: readonly number[], shape: number[], value: number): Tensor {
  // The kept block: its size per dimension, and where it starts in x and in the output.
  const kept = [...x.shape];
  const from = new Array<number>(x.ndim).fill(0);
  const to = new Array<number>(x.ndim).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    from[d] = Math.max(0, -before);
    to[d] = Math.max(0, before);
    kept[d] = Math.max(0, x.shape[d] - from[d] - Math.max(0, -after));
  }
  const xStrides = contiguousStrides(x.shape);
  const yStrides = contiguousStrides(shape);
  const offset = (at: number[], strides: number[]) => at.reduce((s, v, i) => s + v * strides[i], 0);
  const y = alloc(sizeOf(shape));
  if (value !== 0) y.fill(value);
  const n = sizeOf(kept);
  const keptShape = int32sFrom(kept);
  if (n > 0) B().stridedCopy(x.data.subarray(offset(from, xStrides)), int32sFrom(xStrides), y.subarray(offset(to, yStrides)), keptShape, int32sFrom(yStrides));
  const out = record(y, shape, [x], 'pad', (gy) => {
    const gx = alloc(x.size); // the cut elements' gradients are 0
    if (n > 0) B().stridedCopy(gy.subarray(offset(to, yStrides)), int32sFrom(yStrides), gx.subarray(offset(from, xStrides)), keptShape, int32sFrom(xStrides));
    return [gx];
  });
  // The same copy back as a pad by the opposite amounts: what was added is cut, what was cut is 0.
  if (out.node) out.node.graphBackward = (gy) => [pad(gy, pads.map((p) => -p))];
  return out;
}

/** The length from which a dimension is padded by copies of slices rather than an index per position. */
const SLICED_FROM = 2048;

/** Where each of a padded dimension's size + before + after positions reads the input (the kept part lo ... hi wrapped around for circular). */
function inputPositions(size: number, before: number, after: number, lo: number, hi: number, mode: Exclude<PadMode, 'constant'>): Int32Array {
  const index = new Int32Array(size + before + after);
  for (let j = 0; j < index.length; j++) {
    const i = j - before;
    if (mode === 'reflect') index[j] = i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
    else if (mode === 'replicate') index[j] = Math.min(Math.max(i, 0), size - 1);
    else index[j] = lo + ((((i - lo) % (hi - lo)) + (hi - lo)) % (hi - lo));
  }
  return index;
}

/**
 * y grown by before and after (both >= 0, not both 0) along d as a mode fills it, by slices of y: its mirror
 * (reflect, the edge itself not repeated), its edge repeated (replicate) or its other end (circular),
 * concatenated around it. Copies of runs, where an index per element (index_select's) was 30x slower
 * on a long last dim.
 */
function fromSlices(y: Tensor, d: number, before: number, after: number, mode: Exclude<PadMode, 'constant'>): Tensor {
  const size = y.shape[d];
  return composedOf((own) => {
    const edge = (at: number, count: number): Tensor => {
      if (mode === 'reflect') return own(flip(own(narrow(y, d, at === 0 ? 1 : size - 1 - count, count)), [d]));
      if (mode === 'circular') return own(narrow(y, d, at === 0 ? size - count : 0, count));
      const shape = [...y.shape];
      shape[d] = count;
      return own(expand(own(narrow(y, d, at === 0 ? 0 : size - 1, 1)), shape));
    };
    return cat([...(before > 0 ? [edge(0, before)] : []), y, ...(after > 0 ? [edge(size, after)] : [])], d);
  }, [y]);
}

/**
 * pad in reflect, replicate or circular mode: each padded dimension's output positions as indices
 * into the input (index_select's, whose gradient sums the outputs read from one element), checked
 * as torch checks them.
 */
function padFromInput(x: Tensor, pads: readonly number[], mode: Exclude<PadMode, 'constant'>): Tensor {
  const dims = pads.length / 2;
  // torch pads 1, 2 or 3 dimensions of a batch or of one sample; circular mode only of a batch.
  const allowed = mode === 'circular' ? [dims + 2] : [dims + 1, dims + 2];
  if (dims < 1 || dims > 3 || !allowed.includes(x.ndim)) {
    throw new Error(`pad: mode '${mode}' pads 1 to 3 dimensions of a ${mode === 'circular' ? 'batch' : 'batch or of one sample'}: ${dims} padded dimension(s) need a ${allowed.join('-D or ')}-D input, got shape ${fmt(x.shape)}`);
  }
  let y = x;
  for (let k = 0; k < dims; k++) {
    const d = x.ndim - 1 - k;
    const size = x.shape[d];
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    const sides = `padding (${before}, ${after}) of dimension ${d} (input ${fmt(x.shape)})`;
    if (size === 0) throw new Error(`pad: mode '${mode}' cannot fill ${sides} from an empty dimension`);
    if (mode === 'reflect' && (before >= size || after >= size)) throw new Error(`pad: mode 'reflect' needs each amount smaller than the dimension (${size}), got ${sides}`);
    // The part kept (a negative amount cuts), which circular mode wraps around.
    const lo = Math.max(0, -before), hi = size - Math.max(0, -after);
    if (mode === 'circular' && (before > size || after > size || hi <= lo)) {
      throw new Error(`pad: mode 'circular' needs each amount at most the dimension (${size}) and some of it kept to wrap around, got ${sides}`);
    }
    // A long dimension by slices (an index a position costs there: a signal of 65536 samples, 565 -> 100
    // us), a short one by index_select (a 32 x 32 image's sides: 54 us, where the slices' ops took 190).
    const bySlices = before >= 0 && after >= 0 && before + after > 0 && size >= SLICED_FROM;
    const next = bySlices ? fromSlices(y, d, before, after, mode) : indexSelect(y, d, inputPositions(size, before, after, lo, hi, mode));
    // The dimension padded before is this function's own once the next is (a ReflectionPad2d on
    // [16, 3, 32, 32] lost that copy, 0.22 MB, to the collector each step).
    if (y !== x) letGoAfterBackward(y);
    y = next;
  }
  return y;
}

// What every op shares: recording a result on the tape, turning numbers into tensors, and the
// broadcasting helpers that the forward and backward rules of binary ops both use.
import { callerStack, isAnomalyEnabled, isGradEnabled } from '../autograd';
import { B } from '../backend/registry';
import { BinaryCode, Reduce } from '../backend/backend';
import { ActivationGate, GradNode, Tensor } from '../tensor';
import { broadcastStrides, coalesce, contiguousStrides, fmt, sameShape, Shape, sizeOf } from '../shape';
import { alloc, allocOutput } from '../storage';
import { constantRead, hasConstantReaders, markInternal, nodeRecorded, POOL_MIN_LENGTH, recycleArray } from '../reuse';
import { int32sFrom } from '../tiny';
import { inPlaceSeen, versionsOf } from '../versions';
export { copyInto } from '../copy';

/** A tensor, or a plain number standing for a 0-d tensor. */
export type Operand = Tensor | number;

/**
 * Whether an op on these tensors records nothing (gradients off, or none requires one) and they are
 * float32 arrays of one shape: where a fused kernel with no backward of its own may stand in for a
 * composition of ops.
 */
export function fusibleUnrecorded(tensors: readonly Tensor[]): boolean {
  if (isGradEnabled() && tensors.some((t) => t.requiresGrad)) return false;
  const [first] = tensors;
  return tensors.every((t) => t.data instanceof Float32Array && sameShape(t.shape, first.shape));
}

/** Makes the output tensor and, when any input needs gradients, the tape node that goes with it. */
export function record(data: Float32Array, shape: Shape, inputs: Tensor[], op: string,
  backward: GradNode['backward'], gate?: ActivationGate): Tensor {
  let needs = false;
  if (isGradEnabled()) for (const t of inputs) if (t.requiresGrad) needs = true;
  if (!needs) return new Tensor(data, shape, false, null);
  // graphBackward is set by the op after (createGraph's rule), on a node of this one shape.
  const node: GradNode = { op, inputs, backward, gate, graphBackward: undefined, usedUp: false, recordedAt: 0 };
  const y = new Tensor(data, shape, true, node);
  node.recordedAt = nodeRecorded(); // after y: its backward may read y's storage too (reuse.ts)
  if (inPlaceSeen()) node.savedVersions = versionsOf([...inputs, y]);
  if (isAnomalyEnabled()) node.trace = callerStack();
  for (const t of inputs) if (countedConstant(t)) constantRead(t);
  return y;
}

/** A constant tensor of x's shape holding f(i) at each index i (a rule's mask or derivative). */
export function constantOf(x: Tensor, f: (i: number) => number): Tensor {
  const d = allocOutput(x.size);
  for (let i = 0; i < d.length; i++) d[i] = f(i);
  return new Tensor(d, x.shape);
}

// A constant whose readers record() counts: only large ones, since small ones are never pooled
// (their release only marks them). autograd.ts releases the others without asking the count.
const countedConstant = (t: Tensor): boolean => !t.requiresGrad && t.size > POOL_MIN_LENGTH;

/**
 * record() for an op whose backward reads what `kept` holds besides its inputs: arrays of its own (a
 * loss's differences, a softmax's probabilities, a cell's activated gates) and constant tensors
 * (where's mask, BCE's target). The large ones become constant inputs of its node, so that they go
 * back to the pool once that backward has run (the arrays at once when nothing was recorded; a kept
 * tensor when its maker lets go of it): held by the backward alone, they went to the collector.
 * Small ones are never pooled, and a tensor that needs a gradient is no constant: the backward alone
 * holds those. `backward` returns gradients for `inputs` only.
 */
export function recordKeeping(data: Float32Array, shape: Shape, inputs: Tensor[], kept: readonly (Float32Array | Tensor)[], op: string,
  backward: GradNode['backward']): Tensor {
  const wrapped: Tensor[] = [];
  const extra: Tensor[] = [];
  for (const k of kept) {
    if (k instanceof Tensor) {
      if (countedConstant(k)) extra.push(k);
    } else if (k.length > POOL_MIN_LENGTH) {
      const t = new Tensor(k, [k.length]);
      wrapped.push(t);
      extra.push(t);
    }
  }
  const y = record(data, shape, [...inputs, ...extra], op, (gy, ctx) => [...backward(gy, ctx), ...extra.map(() => null)]);
  // Small kept tensors (a loss's target) are read too, though no input.
  if (y.node?.savedVersions) y.node.savedVersions.push(...versionsOf(kept.filter((k): k is Tensor => k instanceof Tensor && !extra.includes(k))));
  letGoAfterRead(y, ...wrapped);
  return y;
}

/** Intermediates of an op that nothing outside it reads: disposed now without a graph, else pooled once backward() has run through them. */
export function letGoAfterBackward(...ts: Tensor[]): void {
  letGoAfterRead(null, ...ts);
}

/**
 * body's result, the intermediates it records through `own` let go after backward (disposed at once
 * without a graph): a composed op's temporaries. A tensor of `keep` (the caller's inputs) or the
 * result is never let go, however often own() saw it (a dropout in eval mode hands its input on).
 */
export function composedOf(body: (own: (t: Tensor) => Tensor) => Tensor, keep: readonly Tensor[] = []): Tensor {
  const made: Tensor[] = [];
  const y = body((t) => (made.push(t), t));
  letGoAfterBackward(...new Set(made.filter((t) => t !== y && !keep.includes(t))));
  return y;
}

/**
 * As letGoAfterBackward, for intermediates that `reader`'s op read: one without a node of its own (a
 * constant: the windows of an image that needs no gradient) is pooled once the backwards of the
 * nodes that read it as an input have run (autograd releases it after the last), or disposed now if
 * none did. Disposed at once while such a node still awaited its backward, it could not be pooled
 * (that backward reads it) and went to the collector.
 */
export function letGoAfterRead(reader: Tensor | null, ...ts: Tensor[]): void {
  for (const t of ts) {
    // A constant that no waiting node reads as an input (read through a view, or by nothing that
    // recorded) is let go now: its storage goes back when its other holders do.
    if (t.node === null && (!reader?.node || !hasConstantReaders(t))) t.dispose();
    else markInternal(t);
  }
}

/**
 * Disposes the intermediate tensors of a composed op, so that their storage goes back to the pool
 * at once (as PyTorch frees a temporary when its last reference goes): left to the collector, each
 * call of var() along a dim of a [2048, 2048] tensor took fresh 16 MiB arrays, and one call in a few
 * paid ~45 ms faulting them in; repeat's result, held by its expand step, was never pooled. A result
 * made over an intermediate's storage holds it, and reuse.ts pools no storage that a recorded op's
 * backward may read; but a disposed tensor's data can no longer be read, so graph nodes (whose
 * backwards read their inputs' data) are not disposed.
 */
export function disposeAll(...ts: Tensor[]): void {
  for (const t of ts) t.dispose();
}

export function scalarTensor(v: number): Tensor {
  const d = alloc(1);
  d[0] = v;
  return new Tensor(d, []);
}

export function asTensor(x: Operand, what: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return scalarTensor(x);
  throw new Error(`${what}: expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
}

/** A value argument (a fill value) must be a number; NaN and the infinities are numbers, as in torch.full. */
export function checkNumber(v: unknown, what: string, arg: string): number {
  if (typeof v !== 'number') throw new Error(`${what}: ${arg} must be a number, got ${v === null ? 'null' : typeof v}`);
  return v;
}

export function checkTensor(x: unknown, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${what}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  return x;
}

// The native kernels walk at most 16 dimensions. Past that (torch allows 25), a walk is first
// coalesced (size-1 dimensions dropped, neighbours merged), which leaves 16 or fewer for any tensor
// that is not astronomically large; shorter walks go to the kernels as they are, unchanged.
export const KERNEL_DIMS = 16;

/** out = f(a, b), a and b read through their strides over `shape` (out contiguous). */
export function binaryStrided(code: BinaryCode, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array, out: Float32Array, shape: Int32Array): void {
  if (shape.length > KERNEL_DIMS) ({ shape, strides: [aStrides, bStrides] } = coalesce(shape, [aStrides, bStrides, contiguousStrides(shape)]));
  B().binary(code, a, aStrides, b, bStrides, out, shape);
}

/** out = x read through `strides` over `shape` (out contiguous). */
export function copyStrided(x: Float32Array, strides: Int32Array, out: Float32Array, shape: Int32Array): void {
  if (shape.length > KERNEL_DIMS) ({ shape, strides: [strides] } = coalesce(shape, [strides, contiguousStrides(shape)]));
  B().stridedCopy(x, strides, out, shape);
}

// The stride of a contiguous walk along one dimension: the kernels only read it.
const UNIT_STRIDE = int32sFrom([1]);

/** out = f(a, b) with a and b broadcast to outShape. */
export function broadcastBinary(code: BinaryCode, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, outShape: Shape): Float32Array {
  const n = sizeOf(outShape);
  const out = allocOutput(n);
  // Operands of the output's own shape are walked as one run of n elements (the same pairs, in
  // the same order, with no strides to work out).
  if (sameShape(aShape, outShape) && sameShape(bShape, outShape)) B().binary(code, a, UNIT_STRIDE, b, UNIT_STRIDE, out, int32sFrom([n]));
  else binaryStrided(code, a, broadcastStrides(aShape, outShape), b, broadcastStrides(bShape, outShape), out, int32sFrom(outShape));
  return out;
}

/** Sums a gradient of shape `from` down to the (broadcastable) shape `to`: the backward of broadcasting. */
export function sumTo(g: Float32Array, from: Shape, to: Shape): Float32Array {
  if (sameShape(from, to)) return g;
  let cur = g;
  let shape = [...from];
  const lead = from.length - to.length;
  if (lead > 0) {
    const outer = sizeOf(shape.slice(0, lead));
    const inner = sizeOf(shape.slice(lead));
    const out = allocOutput(inner);
    B().reduce(Reduce.sum, cur, 1, outer, inner, out, null);
    cur = out;
    shape = shape.slice(lead);
  }
  for (let d = 0; d < shape.length; d++) {
    if (to[d] === 1 && shape[d] !== 1) {
      const outer = sizeOf(shape.slice(0, d));
      const inner = sizeOf(shape.slice(d + 1));
      const out = allocOutput(outer * inner);
      B().reduce(Reduce.sum, cur, outer, shape[d], inner, out, null);
      // A partial sum of this function's own, used up: back to the pool (a ConvTranspose2d's bias
      // gradient left one of [out, h, w] to the collector each step).
      if (cur !== g) recycleArray(cur);
      cur = out;
      shape[d] = 1;
    }
  }
  return cur;
}

/**
 * sumTo for a gradient array the caller made for this sum alone: once summed down, it goes back to
 * the pool (a broadcast operand's gradient left one array of the output's size a step).
 */
export function sumOwnTo(g: Float32Array, from: Shape, to: Shape): Float32Array {
  const s = sumTo(g, from, to);
  if (s !== g) recycleArray(g);
  return s;
}

/** Copies x (of shape `from`, broadcastable) out to the full shape `to`. */
export function expandTo(x: Float32Array, from: Shape, to: Shape): Float32Array {
  if (sameShape(from, to)) return x;
  // One value everywhere (a full sum's or mean's gradient, a scalar operand): a fill, not a strided
  // copy through the addon, whose call cost most of W1's loss backward (a mean over 100 values).
  if (x.length === 1) return allocOutput(sizeOf(to)).fill(x[0]);
  const out = allocOutput(sizeOf(to));
  copyStrided(x, broadcastStrides(from, to), out, int32sFrom(to));
  return out;
}

export function assertSameShape(a: Tensor, b: Tensor, what: string, names = ['input', 'target']): void {
  if (!sameShape(a.shape, b.shape)) throw new Error(`${what}: ${names[0]} shape ${fmt(a.shape)} does not match ${names[1]} shape ${fmt(b.shape)}`);
}


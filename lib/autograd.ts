// Reverse-mode autodiff: a topological walk of the tape from the output, and the noGrad switch.
import type { ActivationGate, BackwardContext, GradNode, GradPart, Tensor } from './tensor';
import { fmt } from './shape';
import { shown } from './args';
import { B } from './backend/registry';
import { Binary } from './backend/backend';
import { alloc, allocOutput, sharesMemory } from './storage';
import { copyBlocks, copyInto } from './copy';
import { int32sFrom } from './tiny';
import { checkVersions } from './versions';
import { constantReadDone, isInternal, nodeUsedUp, POOL_MIN_LENGTH, recycleArray } from './reuse';

let gradEnabled = true;

/** True unless inside noGrad(). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with gradient recording off (like torch.no_grad); returns fn's result. */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`noGrad: expected a function to run, got ${fn === null ? 'null' : typeof fn}`);
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    const r = fn();
    if (r instanceof Promise) {
      throw new Error('noGrad: fn must be synchronous (recording would be switched back on before the promise settles)');
    }
    return r;
  } finally {
    gradEnabled = prev;
  }
}

/** Runs fn with gradient recording on, even inside noGrad (torch.enable_grad); returns fn's result. */
export function enableGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`enableGrad: expected a function to run, got ${fn === null ? 'null' : typeof fn}`);
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Switches gradient recording on or off until switched again (torch.set_grad_enabled called as a
 * function; noGrad and enableGrad switch it for one function's run and restore it after).
 */
export function setGradEnabled(mode: boolean): void {
  if (typeof mode !== 'boolean') throw new Error(`setGradEnabled: mode must be true or false, got ${shown(mode)}`);
  gradEnabled = mode;
}

let anomaly = false;

/** Whether anomaly detection is on (torch.is_anomaly_enabled). */
export function isAnomalyEnabled(): boolean {
  return anomaly;
}

/**
 * Switches anomaly detection on or off until switched again (torch.autograd.set_detect_anomaly): ops
 * recorded while it is on keep where they were called from, and backward stops at the first op whose
 * gradient holds a NaN, naming the op, the input and that place. Slower: for finding a NaN's source.
 */
export function setDetectAnomaly(mode: boolean): void {
  if (typeof mode !== 'boolean') throw new Error(`setDetectAnomaly: mode must be true or false, got ${shown(mode)}`);
  anomaly = mode;
}

/** Runs fn with anomaly detection on (torch.autograd.detect_anomaly); returns fn's result. */
export function detectAnomaly<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`detectAnomaly: expected a function to run, got ${shown(fn)}`);
  const prev = anomaly;
  anomaly = true;
  try {
    const r = fn();
    if (r instanceof Promise) throw new Error('detectAnomaly: fn must be synchronous (detection would be switched back off before the promise settles)');
    return r;
  } finally {
    anomaly = prev;
  }
}

/** The caller's frames of a stack, without this library's own (where an op was called from). */
export function callerStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  // The library's directory: that of this function's own frame (lib/ or dist/, subdirectories included).
  const here = /\(?([^()\s]+):\d+:\d+\)?$/.exec(lines[0] ?? '')?.[1] ?? '';
  const root = here.slice(0, Math.max(here.lastIndexOf('/'), here.lastIndexOf('\\')) + 1);
  const outside = lines.filter((l) => !(root && l.includes(root)) && !l.includes('node:internal'));
  return (outside.length ? outside : lines).slice(0, 6).join('\n');
}

/** The backward of node gave a NaN in gradient k: the error anomaly detection raises. */
function anomalyAt(node: GradNode, k: number, g: Float32Array | GradPart): void {
  const values = 'part' in g ? g.part : g;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new Error(`backward: '${node.op}' gave NaN in the gradient of its input ${k} (shape ${fmt(node.inputs[k].shape)}, element ${i}) ` +
        `(detectAnomaly); the op was called${node.trace ? ` at:\n${node.trace}` : ' before anomaly detection was on'}`);
    }
  }
}

/** Runs fn with gradient recording off (torch.inference_mode; here the same as noGrad); returns fn's result. */
export function inferenceMode<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`inferenceMode: expected a function to run, got ${shown(fn)}`);
  return noGrad(fn);
}

// Each backward() numbers its walk, and a tensor it reaches gets that number (Tensor.walkMark) and
// its index in the walk's order (walkSlot): the walk's state lives in arrays by index. A Map and two
// Sets keyed by tensor, a [tensor, index] pair per stack entry and a context object with a closure
// per node were 2.6 KB of W1's 16.2 KB of garbage a step (V8 collected its young generation every
// ~130 steps, 0.2 ms each time) and ~1.4 us of its 16.3 us step (8 alternated runs, pinned).
let walks = 0;
const NO_INPUTS: readonly Tensor[] = [];
// The stride of a contiguous walk: the kernels only read it.
const UNIT_STRIDE = int32sFrom([1]);

/**
 * The tensors that need a gradient, the root first and every tensor before its inputs; each tensor's
 * walkSlot its index. The walk does not go past a tensor of `stops` (taken as a leaf).
 */
function topoOrder(root: Tensor, mark: number, stops: ReadonlySet<Tensor> | null): Tensor[] {
  const post: Tensor[] = [];
  const stack: Tensor[] = [root];
  const next: number[] = [0]; // the input each stacked tensor visits next
  saveWalkState(root);
  root.walkMark = mark;
  while (stack.length) {
    const top = stack.length - 1;
    const t = stack[top];
    const inputs = t.node && !stops?.has(t) ? t.node.inputs : NO_INPUTS;
    const i = next[top];
    if (i < inputs.length) {
      next[top] = i + 1;
      const c = inputs[i];
      if (c.requiresGrad && c.walkMark !== mark) {
        saveWalkState(c);
        c.walkMark = mark;
        stack.push(c);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      post.push(t);
    }
  }
  post.reverse();
  for (let i = 0; i < post.length; i++) post[i].walkSlot = i;
  return post;
}

// A walk inside a walk (a node's backward that runs backward() itself: checkpoint's recomputation)
// renumbers the tensors it visits, some of which the outer walk may hold by their slots (a weight
// read inside and outside): their marks and slots are kept here and put back when the inner walk ends.
let walkDepth = 0;
let savedWalkState: [Tensor, number, number][] | null = null;

function saveWalkState(t: Tensor): void {
  if (savedWalkState) savedWalkState.push([t, t.walkMark, t.walkSlot]);
}

/** body, run as a walk: when inside another walk, the tensors it renumbers get their marks and slots back after it. */
export function asWalk<T>(body: () => T): T {
  const outer = savedWalkState;
  savedWalkState = walkDepth > 0 ? [] : null;
  walkDepth++;
  try {
    return body();
  } finally {
    walkDepth--;
    const saved = savedWalkState;
    if (saved) for (let k = saved.length - 1; k >= 0; k--) [saved[k][0].walkMark, saved[k][0].walkSlot] = [saved[k][1], saved[k][2]];
    savedWalkState = outer;
  }
}

/**
 * The tensors a walk from root visits (topoOrder's, under a new walk number, not past `stops`),
 * after checking that none of their nodes is used up.
 */
export function walkOrder(root: Tensor, stops: ReadonlySet<Tensor> | null = null): Tensor[] {
  const order = topoOrder(root, ++walks, stops);
  for (const t of order) {
    if (t.node?.usedUp && !stops?.has(t)) {
      throw new Error(`backward: trying to backward through the graph a second time (through '${t.node.op}', of shape ${fmt(t.shape)}); ` +
        'pass { retainGraph: true } to the earlier backward() to go through it again, or compute the forward pass again');
    }
  }
  return order;
}

/** Backpropagation that records its gradients as ops (createGraph): autograd_graph.ts's, which registers it (it needs the ops, and this file none). */
export type GraphWalk = (root: Tensor, seed: Tensor, capture: Map<Tensor, Tensor | null> | null, stops: ReadonlySet<Tensor> | null) => void;
let graphWalk: GraphWalk | null = null;

/** Called once by autograd_graph.ts. */
export function registerGraphWalk(walk: GraphWalk): void {
  graphWalk = walk;
}

/**
 * The createGraph walk from root with seed gradient `seed`: leaves' .grad (or, with capture, the
 * captured tensors' gradients) become recorded tensors. It goes no further than `stops`.
 */
export function runGraphBackward(root: Tensor, seed: Tensor, capture: Map<Tensor, Tensor | null> | null = null, stops: ReadonlySet<Tensor> | null = null): void {
  const walk = graphWalk;
  if (!walk) throw new Error('internal: the createGraph walk is not registered (lib/autograd_graph.ts was not loaded)');
  asWalk(() => walk(root, seed, capture, stops));
}

const usedUpBackward = (): never => {
  throw new Error('internal: backward of a used-up node');
};

// A used-up node lets go of what its backward saved (the closure holds activations), of its inputs
// and of its gate, as PyTorch frees saved tensors after backward: a loss kept for logging would
// otherwise keep a step's activations alive (300 kept losses of a 256-1024-10 MLP: 326 MiB).
function release(node: GradNode): void {
  const n = node as { inputs: readonly Tensor[]; backward: GradNode['backward']; gate?: ActivationGate; usedUp?: boolean; graphBackward?: GradNode['graphBackward'] };
  if (!n.usedUp) nodeUsedUp(node.recordedAt ?? 0);
  n.usedUp = true;
  n.inputs = [];
  n.backward = usedUpBackward;
  n.gate = undefined;
  n.graphBackward = undefined;
}

/**
 * True when gradient g, used up by its tensor's backward, lives on: pending for a tensor later in
 * the walk (an input's slot, where g itself or a view of it went when add's and reshape's backward
 * passed it on). Otherwise it goes back to the pool for the next step's activations and gradients: a
 * new array for every layer's gradient each step was fresh memory (W3: two 1 MiB arrays a step, 24
 * us each). A g passed on to an input that already had a gradient was added into that one and
 * lives on nowhere: counted as passed on because the backward returned it, it went to the collector
 * (an LSTM's every step: its h's gradient from the stacked output, added to the next step's).
 */
function passedOn(g: Float32Array, grads: readonly (Float32Array | null)[], from: number): boolean {
  for (let j = from; j < grads.length; j++) if (grads[j]?.buffer === g.buffer) return true;
  return false;
}

// A pending gradient's flags in a walk.
const OWNED = 1; // an array only this walk holds: it may be added into, kept by a leaf, or recycled
const GATED = 2; // arrived with the tensor's node's activation gate applied (GradNode.gate)
// Made by a GradPart and given only GradParts since: zero outside the blocks in the walk's `written`.
const BLOCKS_ONLY = 4;

/** The BackwardContext of the node being run; one per walk, moved from node to node. */
class WalkContext implements BackwardContext {
  gated = false;
  inputs: readonly Tensor[] = NO_INPUTS;
  constructor(private readonly uses: Int32Array, private readonly flags: Uint8Array) {}

  // A gate may be claimed only by a tensor's one consumer, and not when the tensor keeps its
  // gradient (retainGrad wants dL/dy, not dL/dz).
  claimGate(k: number): ActivationGate | null {
    const c = this.inputs[k];
    const gate = c?.node?.gate;
    // A hook, too, is to see dL/dy.
    if (!gate || !c.requiresGrad || c.retainsGrad || c.gradHooks || this.uses[c.walkSlot] !== 1) return null;
    this.flags[c.walkSlot] |= GATED;
    return gate;
  }
}

// (Not instanceof Float32Array: gradient checks run on Float64Array storage.)
function isPart(g: Float32Array | GradPart): g is GradPart {
  return !ArrayBuffer.isView(g);
}

/**
 * Adds a gradient that is zero outside one block of input c (GradPart) into c's pending gradient:
 * the first contribution makes that array (zeros, and the block copied in); a pending one shared
 * with other tensors (or the caller's) is copied first, as the walk owns what it adds into. While
 * the array has had only blocks, a block that overlaps none of them (split's and chunk's pieces) is
 * copied in rather than added: one pass instead of reading, adding and writing it back.
 */
function addPart(p: GradPart, c: Tensor, op: string, grads: (Float32Array | null)[], flags: Uint8Array, written: Block[][]): void {
  const { part, offset, stride, len, count } = p;
  if (part.length !== count * len || (count > 0 && (offset < 0 || stride < len || offset + (count - 1) * stride + len > c.size))) {
    throw new Error(`internal: ${op} backward gave a block of ${count} x ${len} (${part.length} values) at ${offset}, every ${stride}, ` +
      `for an input of size ${c.size}`);
  }
  const s = c.walkSlot;
  let dst = grads[s];
  if (!dst || ((flags[s] & BLOCKS_ONLY) && written[s].every((w) => apart(w, p)))) {
    if (!dst) {
      grads[s] = dst = alloc(c.size); // zero outside the block
      flags[s] |= OWNED | BLOCKS_ONLY;
      written[s] = [];
    }
    copyBlocks(part, 0, len, dst, offset, stride, len, count);
    written[s].push({ offset, stride, len, count }); // where, not what: the values may be g, recycled
    return;
  }
  flags[s] &= ~BLOCKS_ONLY;
  if (!(flags[s] & OWNED)) {
    const own = allocOutput(dst.length);
    copyInto(dst, own);
    grads[s] = dst = own;
    flags[s] |= OWNED;
  }
  const be = B();
  if (count <= 1 || stride === len) {
    be.axpy(1, part, dst.subarray(offset, offset + count * len));
    return;
  }
  // Runs apart: read through strides and added in one pass (binary's dst + part, the one rounding
  // axpy makes), then put back.
  const block = allocOutput(part.length);
  be.binary(Binary.add, dst.subarray(offset), int32sFrom([stride, 1]), part, int32sFrom([len, 1]), block, int32sFrom([count, len]));
  copyBlocks(block, 0, len, dst, offset, stride, len, count);
  if (block.length > POOL_MIN_LENGTH) recycleArray(block);
}

/** Where a GradPart's values go in its input. */
type Block = Omit<GradPart, 'part'>;

/**
 * Whether two blocks share no element, for the shapes cuts give: one run each (rows cut along dim
 * 0, as one span), or runs of one stride and count from the same row, none running on into the
 * next row (columns cut along a later dim). Anything else counts as overlapping: the block is then
 * added, which is right either way.
 */
function apart(a: Block, b: Block): boolean {
  const spanA = (a.count - 1) * a.stride + a.len, spanB = (b.count - 1) * b.stride + b.len;
  if (a.count <= 1 && b.count <= 1) return a.offset + spanA <= b.offset || b.offset + spanB <= a.offset;
  if (a.stride !== b.stride || a.count !== b.count || Math.floor(a.offset / a.stride) !== Math.floor(b.offset / b.stride)) return false;
  const ca = a.offset % a.stride, cb = b.offset % b.stride;
  if (ca + a.len > a.stride || cb + b.len > b.stride) return false;
  return ca + a.len <= cb || cb + b.len <= ca;
}

/**
 * Backpropagates from `root` with seed gradient `seed` (same size as root). Unless `retainGraph`,
 * the nodes it goes through are used up (GradNode.usedUp) and release what they saved: a second
 * pass through them throws, as in PyTorch (it would silently add the gradients again).
 */
export function runBackward(root: Tensor, seed: Float32Array, retainGraph = false, capture: Map<Tensor, Float32Array | null> | null = null): void {
  if (walkDepth > 0) {
    asWalk(() => walkBackward(root, seed, retainGraph, capture));
    return;
  }
  // The usual walk, not inside another: no closure (a W1 step makes one walk).
  walkDepth = 1;
  try {
    walkBackward(root, seed, retainGraph, capture);
  } finally {
    walkDepth = 0;
  }
}

function walkBackward(root: Tensor, seed: Float32Array, retainGraph: boolean, capture: Map<Tensor, Float32Array | null> | null): void {
  const order = walkOrder(root);
  const n = order.length;
  // Each tensor's pending gradient, and how many contributions it receives (one per edge).
  const grads: (Float32Array | null)[] = new Array<Float32Array | null>(n).fill(null);
  const uses = new Int32Array(n);
  const flags = new Uint8Array(n);
  for (const t of order) {
    if (t.node) for (const c of t.node.inputs) if (c.requiresGrad) uses[c.walkSlot]++;
  }
  grads[0] = seed; // the root's; the caller's array, so not OWNED
  const be = B();
  const ctx = new WalkContext(uses, flags);
  const written: Block[][] = []; // by slot, for BLOCKS_ONLY
  // A gradient array of this walk's that a backward gave to several inputs (add's [gy, gy]) is no
  // slot's own: counted here by the slots that hold it, it goes back to the pool when the last of
  // them is done with it. Left to the collector, a residual add or an LSTM step's gates lost one
  // array of their size a step.
  const sharers = new Map<ArrayBufferLike, number>();
  const share = (a: Float32Array): void => {
    sharers.set(a.buffer, (sharers.get(a.buffer) ?? 0) + 1);
  };
  // One slot is done with a: the last one gives it back (unless it lives on in a later slot).
  const unshare = (a: Float32Array, from: number): void => {
    const left = (sharers.get(a.buffer) ?? 0) - 1;
    if (left > 0) {
      sharers.set(a.buffer, left);
      return;
    }
    sharers.delete(a.buffer);
    if (a.length > POOL_MIN_LENGTH && !passedOn(a, grads, from)) recycleArray(a);
  };
  // Shared gradients that a node's inputs stopped holding (summed into a new array): let go once all
  // of its outputs are placed, since a later one may be the same array.
  const replaced: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    let g = grads[i];
    if (!g) continue;
    grads[i] = null; // free as we go: each tensor's gradient is complete once visited
    const t = order[i];
    if (t.gradHooks) {
      const hooked = t.hookedGradient(g);
      if (hooked !== g) {
        if ((flags[i] & OWNED) === 0 && sharers.has(g.buffer)) unshare(g, i + 1);
        g = hooked;
        flags[i] = OWNED;
      }
    }
    const node = t.node;
    const counted = (flags[i] & OWNED) === 0 && sharers.has(g.buffer);
    // autograd.grad's walk: the gradients asked for are copied out, and no .grad is touched.
    if (capture?.has(t)) {
      const copy = allocOutput(g.length);
      copyInto(g, copy);
      capture.set(t, copy);
    }
    if (!node) {
      if (capture) {
        if (counted) unshare(g, i + 1);
        continue;
      }
      t.accumulateGrad(g, (flags[i] & OWNED) !== 0);
      if (counted) unshare(g, i + 1);
      continue;
    }
    checkVersions(node, t);
    const ins = node.inputs;
    ctx.gated = (flags[i] & GATED) !== 0;
    ctx.inputs = ins;
    const gi = node.backward(g, ctx);
    if (anomaly) for (let k = 0; k < ins.length; k++) if (gi[k] && ins[k].requiresGrad) anomalyAt(node, k, gi[k] as Float32Array | GradPart);
    for (let k = 0; k < ins.length; k++) {
      const gk = gi[k];
      const c = ins[k];
      if (!gk || !c.requiresGrad) continue;
      if (isPart(gk)) {
        addPart(gk, c, node.op, grads, flags, written);
        continue;
      }
      if (gk.length !== c.size) throw new Error(`internal: ${node.op} backward gave ${gk.length} gradient values for an input of size ${c.size}`);
      // A gradient passed on as is (add's [gy, gy], reshape's gy), or given to two inputs at once,
      // may be pending for several tensors: adding into it for one would change the others'. One
      // passed on to a single input is that input's alone when this walk owned it (a LayerNorm's
      // reshape back to the caller's shape: the leaf then keeps it, where it copied 1 MB a step).
      const walkMade = !sharesMemory(gk, g) || (flags[i] & OWNED) !== 0;
      let own = walkMade;
      for (let j = 0; j < k; j++) {
        const gj = gi[j];
        if (gj && !isPart(gj) && ins[j].requiresGrad && sharesMemory(gj, gk)) {
          own = false;
          const sj = ins[j].walkSlot;
          if (grads[sj] === gj && flags[sj] & OWNED) {
            flags[sj] &= ~OWNED;
            share(gj);
          }
        }
      }
      const s = c.walkSlot;
      const prev = grads[s];
      if (!prev) {
        grads[s] = gk; // the first contribution: OWNED is still clear
        if (own) flags[s] |= OWNED;
        // Held by several slots now: a walk's array given to two inputs, or a counted one passed on.
        else if (walkMade || sharers.has(gk.buffer)) share(gk);
        continue;
      }
      flags[s] &= ~BLOCKS_ONLY;
      if (flags[s] & OWNED) {
        be.axpy(1, gk, prev);
      } else {
        // prev is shared (or the caller's): the sum goes to an array of this walk's, in one pass where
        // a copy and then axpy took two. prev + gk is the one rounding axpy's += 1 * gk makes.
        const dst = allocOutput(prev.length);
        be.binary(Binary.add, prev, UNIT_STRIDE, gk, UNIT_STRIDE, dst, int32sFrom([prev.length]));
        grads[s] = dst;
        flags[s] |= OWNED;
        if (sharers.has(prev.buffer)) replaced.push(prev);
      }
      // Added in, a contribution of this walk's own is used up: back to the pool (a tensor read by
      // three ops gets three gradients of its size a step, two of them left to the collector). Not g
      // itself passed on (reshape's): the end of this node decides for g, which a retained
      // gradient still reads.
      if (own && gk.length > POOL_MIN_LENGTH && gk.buffer !== g.buffer) recycleArray(gk);
    }
    for (const a of replaced) unshare(a, i + 1);
    replaced.length = 0;
    const keeps = t.retainsGrad && !capture;
    if (keeps) t.accumulateGrad(g, false); // a copy
    if (counted) unshare(g, i + 1);
    else if (!keeps && g.length > POOL_MIN_LENGTH && (flags[i] & OWNED) && !passedOn(g, grads, i + 1)) recycleArray(g);
    if (!retainGraph) {
      release(node);
      if (isInternal(t)) t.releaseInternal();
      // A constant that the library made for the nodes that read it (Dropout's mask) goes back when
      // the last of them has run.
      for (const c of ins) if (!c.requiresGrad && (c.size <= POOL_MIN_LENGTH || constantReadDone(c)) && isInternal(c)) c.releaseInternal();
    }
  }
}

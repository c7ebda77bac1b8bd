// Tensor: Float32Array storage (row-major, contiguous), a shape, requiresGrad, grad, and the tape node
// that made it. Ops are attached as methods by ./methods.ts; the free functions live in ./ops.
import { noGrad, runBackward, runGraphBackward } from './autograd';
import { asBackward } from './backward_callbacks';
import { UnaryCode } from './backend/backend';
import { B } from './backend/registry';
import { fmt, sameShape, sizeOf, Shape } from './shape';
import { formatTensor } from './format';
import { allocOutput, transientAlloc } from './storage';
import { copyInto } from './copy';
import { isPlainObject, optionsOf, shown } from './args';
import type { Device, Dtype } from './placement';
import { dropStorage, holdStorage, neverPool, POOL_MIN_LENGTH, recycleReleasedGrad, StorageRecord, trackCreated } from './reuse';

/** A tensor's gradient hook (Tensor.registerHook): sees the gradient, may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** What registering a hook returns: remove() unregisters it. */
export interface RemovableHandle {
  /** Unregisters the hook (again: nothing). */
  remove(): void;
}

/** A node's backward as recorded ops (GradNode.graphBackward): gy to each input's gradient, or null. */
export type GraphBackward = (gy: Tensor) => readonly (Tensor | null)[];

/** One recorded operation: its inputs and the rule that sends the output's gradient back to them. */
export interface GradNode {
  /** The op's name ('add', 'linear'...), for messages and debugging. */
  readonly op: string;
  /** The tensors the op read, in the order backward returns their gradients. */
  readonly inputs: readonly Tensor[];
  /**
   * Set when backward begins with gy * act'(y) for an activation (a fused linear + activation, or
   * GELU). A consumer whose backward makes this node's whole gradient with one GEMM
   * may apply that product in the GEMM's epilogue (BackwardContext.claimGate); this node's backward
   * is then called with `gated` true and skips it.
   */
  readonly gate?: ActivationGate;
  /**
   * Gradients for each input (null where not needed); must return `gy` itself or fresh arrays, or
   * for an input whose gradient is zero outside one block of it, that block alone (GradPart).
   * `ctx` is given by the autograd engine; backward functions that fuse nothing ignore it.
   */
  backward(gy: Float32Array, ctx?: BackwardContext): (Float32Array | GradPart | null)[];
  /**
   * The same gradients as `backward`, made of recorded ops so that they can be differentiated again
   * (createGraph): one entry per input (entries past the returned ones are null). Absent for ops
   * whose backward exists only as kernels: createGraph through them is an error naming the op.
   */
  graphBackward?: GraphBackward;
  /** Set by a backward() that went through this node without retainGraph: a second one throws. */
  usedUp?: boolean;
  /** @internal When the op was recorded, on reuse.ts's clock (which storage its backward may read). */
  recordedAt?: number;
  /** @internal What its backward reads and their versions then (versions.ts), once in-place writes exist. */
  savedVersions?: [Tensor, number][];
  /** @internal Where the op was called from, kept while anomaly detection is on. */
  trace?: string;
}

/**
 * A gradient that is zero outside one block of its input (narrow's, and so split's and chunk's):
 * `count` runs of `len` floats, `stride` apart from `offset` in the input, held one after the other
 * in `part`. backward() adds it into the input's gradient, where a full-size array of zeros per
 * piece cost split's backward a pass over all of the input for every piece.
 */
export interface GradPart {
  /** The block's values, count x len. */
  readonly part: Float32Array;
  /** Where the block's first run starts in the input. */
  readonly offset: number;
  /** The distance between the starts of two runs in the input. */
  readonly stride: number;
  /** The length of each run. */
  readonly len: number;
  /** The number of runs. */
  readonly count: number;
}

/** An activation's backward that a GEMM epilogue can apply: gz = gy * act'(y). */
export interface ActivationGate {
  readonly act: UnaryCode;
  /** What act' is computed from: the activation's output (ReLU, sigmoid, tanh) or, for GELU, its input. */
  readonly y: Float32Array;
}

/** What the autograd engine tells a node's backward (see GradNode.gate). */
export interface BackwardContext {
  /** True when gy already has this node's gate applied. */
  readonly gated: boolean;
  /**
   * The gate of input k when this backward may apply it to input k's gradient, else null. A non-null
   * answer is a commitment: the gradient returned for input k must have the gate applied.
   */
  claimGate(k: number): ActivationGate | null;
}

/** Options of backward(). */
export interface BackwardOptions {
  /** Keep the graph for another backward through it (PyTorch's retain_graph); gradients then add up. */
  retainGraph?: boolean;
  /**
   * Record the gradients' own computation (PyTorch's create_graph): each leaf's `.grad` becomes a
   * tensor with a graph, to be differentiated again (a Hessian-vector product). Implies retainGraph.
   */
  createGraph?: boolean;
}

/** Nested arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array of float32 values with PyTorch-style autograd: ops on tensors that require
 * grad are recorded, and `backward()` adds gradients into the leaves' `.grad`. Made by `tensor`,
 * `zeros`, `rand`... and by ops, which are both methods (`a.add(b)`) and free functions (`add(a, b)`).
 */
export class Tensor {
  // Storage and shape behind getters: JavaScript could assign a plain field past TypeScript's
  // readonly, and storage of another length under the old shape read past its end or into zeros.
  readonly #data: Float32Array;
  readonly #shape: readonly number[];
  /** Whether operations on this tensor are recorded for backward(). */
  requiresGrad: boolean;
  /** The node that produced this tensor, null for leaves. */
  node: GradNode | null;
  /** @internal keep .grad on a non-leaf tensor (see retainGrad). */
  retainsGrad = false;
  /** @internal The gradient hooks registerHook added, in order; null when there are none. */
  gradHooks: GradHook[] | null = null;
  /** @internal Called each time a backward() has added a gradient into this tensor's .grad (DistributedDataParallel's parameters). */
  gradAdded: (() => void) | null = null;
  /**
   * @internal This tensor's place in the backward() walk numbered walkMark (autograd.ts): its slot
   * in that walk's arrays, valid only while walkMark is the walk's number.
   */
  walkMark = 0;
  /** @internal See walkMark. */
  walkSlot = 0;
  private gradTensor: Tensor | null = null;
  // Gradient buffer recycling: a new weight gradient every step costs ~50 us per 100k floats here
  // (fresh zeroed pages). A gradient that never left the library (neither read nor assigned through
  // `.grad`, only used by optimizers) is kept by releaseGrad() and reused by the next backward.
  private gradShared = false;
  private spareGrad: Float32Array | null = null;

  // Large storage is shared with the other tensors over it through one record (reuse.ts): dispose()
  // counts down its holders, and a storage given back to the pool is marked released for them all.
  readonly #storage: StorageRecord | null;
  #disposed = false;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false, node: GradNode | null = null) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: data has ${data.length} elements but shape ${fmt(shape)} needs ${sizeOf(shape)}`);
    }
    this.#data = data;
    // Frozen, so that no caller can change it under the storage; a shape that is frozen already
    // (another tensor's, as most ops pass it on) is shared, not copied and frozen again (~55 ns).
    this.#shape = Array.isArray(shape) && Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
    this.node = node;
    this.#storage = data.length > POOL_MIN_LENGTH ? holdStorage(data) : null;
    trackCreated(this);
  }

  /**
   * The tensor's storage (row-major). Ops read and write it without copying. Small tensors are views
   * of a shared ArrayBuffer: to reach the bytes, use `data.byteOffset` and `data.byteLength` (or
   * `toFloat32Array()` for a copy), never the whole `data.buffer`. Throws once dispose() has given
   * the storage back for reuse.
   */
  get data(): Float32Array {
    // The throw in a function of its own: with the message built here, V8 did not inline the getter,
    // and loops reading t.data[i] paid a call an element (1.7 ns).
    const storage = this.#storage;
    if (storage !== null && storage.released) disposedError(this.#shape);
    return this.#data;
  }

  /**
   * Gives this tensor's storage back for the next tensor of the same size to reuse at once, instead
   * of waiting for the garbage collector (as TensorFlow.js's dispose): op after op on large tensors
   * then runs on memory still in the caches. The storage is reused only when nothing can read it
   * any more: every tensor over it (reshape and detach share it) is disposed, it is not a
   * parameter's (a leaf that requires grad), no op recorded since it was made awaits its backward
   * (ops under noGrad() record nothing; backward() runs them) and no fit() is running; otherwise
   * dispose() leaves it to the collector and the tensor stays usable. Once its storage is reused,
   * using the tensor throws. Arrays taken from `.data` must not be kept past dispose(). Disposing
   * twice does nothing.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#storage && !(this.requiresGrad && this.isLeaf)) dropStorage(this.#data, this.#storage);
  }

  /**
   * @internal dispose() for a tensor that only the library held (reuse.ts's markInternal), called
   * once backward() has run every node that reads it: given back even while other nodes await theirs.
   */
  releaseInternal(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#storage) dropStorage(this.#data, this.#storage, true);
  }

  /** True once dispose() was called (its storage may or may not have been reused yet). */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** The size of each dimension ([] for a 0-d tensor). */
  get shape(): readonly number[] {
    return this.#shape;
  }

  /** Number of elements. */
  get size(): number {
    return this.#data.length;
  }

  /** Number of dimensions (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /** The element type: 'float32' (torch.float32; 'float64' only in the library's gradient checks). */
  get dtype(): Dtype {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  /** Where the tensor lives: 'cpu', always. */
  get device(): Device {
    return 'cpu';
  }

  /** True for tensors not produced by a recorded op (parameters, inputs). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** Accumulated gradient, as in PyTorch; assignable (null, or a tensor of the same shape). */
  get grad(): Tensor | null {
    this.gradShared = true; // the caller may keep it: its storage is never recycled
    return this.gradTensor;
  }

  set grad(g: Tensor | null) {
    if (g === null) {
      this.releaseGrad(); // as zeroGrad: storage nobody read is kept for the next backward
      return;
    }
    if (!(g instanceof Tensor)) throw new Error('grad: must be a Tensor or null');
    if (!sameShape(g.shape, this.shape)) {
      throw new Error(`grad: assigned gradient has shape ${fmt(g.shape)} but the tensor has shape ${fmt(this.shape)}`);
    }
    neverPool(g.data); // gradients outlive the tensors they came in (see reuse.ts)
    this.gradTensor = g;
    this.gradShared = true;
  }

  /** @internal The gradient's storage for optimizers and clipping (does not count as sharing it). */
  gradData(): Float32Array | null {
    return this.gradTensor ? this.gradTensor.data : null;
  }

  /** @internal Sets the gradient to a tensor whose storage only the library holds (fused fit). */
  setOwnGrad(g: Tensor | null): void {
    if (g !== null) neverPool(g.data);
    this.gradTensor = g;
    this.gradShared = false;
  }

  /** @internal Clears the gradient (zeroGrad, `.grad = null`), keeping its storage for reuse when nobody else has it. */
  releaseGrad(): void {
    if (this.gradTensor && !this.gradShared) this.spareGrad = this.gradTensor.data;
    this.gradTensor = null;
    this.gradShared = false;
  }

  /**
   * @internal Storage for this tensor's next gradient: the released one when there is one, else
   * fresh. Its contents are stale: the caller must overwrite every element.
   */
  gradBuffer(): Float32Array {
    const s = this.spareGrad;
    this.spareGrad = null;
    return s && s.length === this.size ? s : allocOutput(this.size);
  }

  /**
   * @internal Gradient storage that only the library holds, for fit's native loop to write into: the
   * current `.grad`'s if nobody read or assigned it, else the one zeroGrad released (taken); null
   * when there is neither. Its contents are stale: the loop overwrites every element.
   */
  takeOwnGradStorage(): Float32Array | null {
    if (this.gradTensor && !this.gradShared && this.gradTensor.size === this.size) return this.gradTensor.data;
    const s = this.spareGrad;
    this.spareGrad = null;
    return s && s.length === this.size ? s : null;
  }

  /**
   * Calls fn with this tensor's gradient (a copy) each time backward() has computed it; a tensor fn
   * returns, of this tensor's shape, replaces the gradient from there on (torch's Tensor.register_hook).
   * Returns a handle whose remove() unregisters fn.
   */
  registerHook(fn: GradHook): RemovableHandle {
    if (typeof fn !== 'function') throw new Error(`registerHook: fn must be a function, got ${typeof fn}`);
    if (!this.requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require a gradient");
    (this.gradHooks ??= []).push(fn);
    return {
      remove: () => {
        const left = (this.gradHooks ?? []).filter((h) => h !== fn);
        this.gradHooks = left.length ? left : null;
      },
    };
  }

  /**
   * @internal This tensor's complete gradient g through its hooks in order, each given a copy (it
   * may keep it: g's storage goes back to the pool); a tensor one returns becomes the gradient
   * (copied into an array of the walk's). g itself when no hook replaced it.
   */
  hookedGradient(g: Float32Array): Float32Array {
    let current = g;
    for (const hook of [...(this.gradHooks ?? [])]) {
      const copy = allocOutput(current.length);
      copyInto(current, copy);
      const r = noGrad(() => hook(new Tensor(copy, this.shape)));
      if (r === undefined) continue;
      if (!(r instanceof Tensor) || r.ndim !== this.ndim || r.shape.some((d, k) => d !== this.shape[k])) {
        throw new Error(`backward: a gradient hook must return nothing or a tensor of the gradient's shape ${fmt(this.shape)}, got ${r instanceof Tensor ? `shape ${fmt(r.shape)}` : shown(r)}`);
      }
      const own = allocOutput(r.size);
      copyInto(r.data, own);
      current = own;
    }
    return current;
  }

  /** Keeps the gradient of this non-leaf tensor in `.grad` after backward(). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** @internal adds g into .grad; `take` lets the tensor keep g without copying. */
  accumulateGrad(g: Float32Array, take: boolean): void {
    if (!this.gradTensor) {
      let d = g;
      if (!take) {
        d = this.gradBuffer(); // written whole by the copy: the storage zeroGrad released, if any
        copyInto(g, d);
      } else if (this.spareGrad) {
        recycleReleasedGrad(this.spareGrad); // g replaces it: another op's next output may use it
        this.spareGrad = null;
      }
      neverPool(d);
      this.gradTensor = new Tensor(d, this.shape);
      this.gradShared = false;
    } else {
      B().axpy(1, g, this.gradTensor.data);
    }
    if (this.gradAdded) this.gradAdded();
  }

  /**
   * Computes gradients of this tensor with respect to every leaf that requires them, adding into
   * their `.grad`. `grad` (a tensor of this one's shape, or a number for every element) defaults to 1
   * for a single-element tensor; null means the default, as PyTorch's None.
   *
   * As in PyTorch, the graph is used up: a second backward through any of its operations throws,
   * unless every earlier backward through them passed `{ retainGraph: true }` (gradients then add up).
   * The options may come first when there is no `grad`: `loss.backward({ retainGraph: true })`, as
   * PyTorch's `loss.backward(retain_graph=True)`.
   */
  backward(grad?: Tensor | number | null | BackwardOptions, options?: BackwardOptions): void {
    if (isPlainObject(grad) && options === undefined) {
      options = grad;
      grad = undefined;
    }
    if (!this.requiresGrad) throw new Error('backward: this tensor does not require grad (no input had requiresGrad: true, or it was made under noGrad)');
    const o = optionsOf(options, 'backward', { retainGraph: 'boolean', createGraph: 'boolean' });
    let seed: Float32Array;
    if (grad === undefined || grad === null) {
      if (this.size !== 1) throw new Error(`backward: grad must be given for a non-scalar output of shape ${fmt(this.shape)}`);
      seed = transientAlloc(1); // runBackward copies it wherever a gradient is kept
      seed[0] = 1;
    } else if (typeof grad === 'number') {
      seed = transientAlloc(this.size);
      seed.fill(grad);
    } else {
      if (!(grad instanceof Tensor)) throw new Error(`backward: grad must be a Tensor or a number, got ${typeof grad}`);
      // As PyTorch: the shapes must match, not just the sizes.
      if (!sameShape(grad.shape, this.shape)) throw new Error(`backward: grad has shape ${fmt(grad.shape)} but the output has shape ${fmt(this.shape)}`);
      seed = grad.data;
    }
    if (o.createGraph) {
      // The given gradient as it is (its graph too), as torch's; a number or the implied 1 as a constant.
      const given = grad instanceof Tensor ? grad : new Tensor(seed.slice(), this.shape);
      asBackward(() => runGraphBackward(this, given));
      return;
    }
    const retainGraph = o.retainGraph === true;
    asBackward(() => runBackward(this, seed, retainGraph));
  }

  /** A tensor sharing this one's storage, cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false, null);
  }

  /** Sets requiresGrad in place (for leaves), returning this. */
  requiresGrad_(flag = true): this {
    if (typeof flag !== 'boolean') throw new Error(`requiresGrad_: flag must be true or false, got ${shown(flag)}`);
    if (!this.isLeaf && !flag) throw new Error('requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: only one-element tensors can be converted to a number, this one has shape ${fmt(this.shape)}`);
    return this.data[0];
  }

  /** A copy of the data as a Float32Array. */
  toFloat32Array(): Float32Array {
    return Float32Array.from(this.data);
  }

  /** The data as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const d = this.data;
    const shape = this.shape;
    if (shape.length === 0) return d[0];
    const build = (dim: number, off: number): NestedArray[] => {
      const n = shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = d[off + i];
      } else {
        const stride = sizeOf(shape.slice(dim + 1));
        for (let i = 0; i < n; i++) out[i] = build(dim + 1, off + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /** The values as PyTorch prints them (`tensor([[ 1.0000, -2.5000], ...])`), summarized past 1000 elements. */
  toString(): string {
    return formatTensor(this.data, this.shape, this.requiresGrad);
  }

  /** What console.log and util.inspect show: toString(), not the fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Throws the error of reading a disposed tensor's storage. */
function disposedError(shape: readonly number[]): never {
  throw new Error(`Tensor of shape ${fmt(shape)} was disposed: its storage went back for reuse`);
}

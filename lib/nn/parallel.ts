// torch.nn.parallel.DistributedDataParallel, for training loops of one's own (fit takes a
// processGroup itself): every rank starts from rank 0's parameters and buffers, and each backward()
// through the wrapped module returns with the parameters' gradients averaged over the ranks, as
// torch's reducer leaves them. The collectives run on the calling thread inside forward() and
// backward() (ProcessGroup's ...Now calls), which cannot wait for a promise.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { Unary } from '../backend/backend';
import { isGradEnabled } from '../autograd';
import { queueBackwardCallback } from '../backward_callbacks';
import { optionsOf, shown } from '../args';
import { ProcessGroup } from '../distributed/process_group';
import { checkModule, Module } from './module';
import type { Parameter } from './parameter';

/** Options of DistributedDataParallel. */
export interface DistributedDataParallelOptions {
  /** The ranks that train together (distributed.initProcessGroup). */
  processGroup: ProcessGroup;
  /**
   * Give every rank rank 0's buffers (BatchNorm's running statistics) at the start of the first
   * forward pass and of each one after a pass that recorded gradients outside noSync, so an
   * evaluation after training runs on rank 0's (default true, torch's broadcast_buffers).
   */
  broadcastBuffers?: boolean;
  /**
   * Parameters that a forward pass may leave out of the loss (default false, torch's
   * find_unused_parameters): their gradient is averaged as zero on the ranks that did not use them,
   * and one no rank used keeps its .grad as it was. Without it, a parameter some rank did not use
   * is an error at the end of that backward, on every rank.
   */
  findUnusedParameters?: boolean;
}

/**
 * A module whose training runs data-parallel over a process group (torch.nn.parallel.
 * DistributedDataParallel): each rank runs it on its own part of the batch, and `loss.backward()`
 * returns with every parameter's `.grad` the average over the ranks (each rank's gradient divided
 * by worldSize, then summed, as torch's reducer does), so that the ranks' optimizer steps agree.
 * Made on every rank with the same module structure; rank 0's parameters and buffers are copied to
 * the others. The wrapped module is `module` (state dict keys start 'module.', as torch's).
 */
export class DistributedDataParallel extends Module {
  /** The wrapped module. */
  readonly module: Module;
  readonly #group: ProcessGroup;
  readonly #broadcastBuffers: boolean;
  readonly #findUnused: boolean;
  readonly #params: Parameter[];
  readonly #names: string[];
  // Per parameter, whether this backward gave it a gradient; set between a forward pass that syncs
  // and the end of the backward through it.
  readonly #used: Uint8Array;
  #expecting = false;
  #queued = false;
  #noSync = 0;
  // torch's require_forward_param_sync: the buffers go out at a forward pass's start when the pass
  // before it recorded gradients outside noSync (and at the first).
  #syncBuffers = true;

  constructor(module: Module, options: DistributedDataParallelOptions) {
    super();
    const what = 'DistributedDataParallel';
    checkModule(module, what);
    const o = optionsOf(options, what, { processGroup: 'value', broadcastBuffers: 'boolean', findUnusedParameters: 'boolean' });
    if (!(o.processGroup instanceof ProcessGroup)) throw new Error(`${what}: processGroup must be a ProcessGroup from distributed.initProcessGroup(), got ${shown(o.processGroup)}`);
    this.module = module;
    this.#group = o.processGroup;
    this.#broadcastBuffers = o.broadcastBuffers ?? true;
    this.#findUnused = o.findUnusedParameters ?? false;
    const named = module.namedParameters().filter(([, p]) => p.requiresGrad);
    this.#params = named.map(([, p]) => p);
    this.#names = named.map(([name]) => name);
    for (const [name, t] of [...module.namedParameters(), ...module.namedBuffers()]) {
      if (!(t.data instanceof Float32Array)) throw new Error(`${what}: ${name} is ${t.dtype}; the ranks exchange float32 tensors`);
    }
    for (const [k, p] of this.#params.entries()) {
      if (p.gradAdded) throw new Error(`${what}: parameter ${this.#names[k]} already belongs to a DistributedDataParallel`);
    }
    this.#used = new Uint8Array(this.#params.length);
    // torch's _sync_module_states: every rank from rank 0's parameters and buffers.
    const states = [...module.parameters(), ...module.buffers()].map((t) => t.data as Float32Array);
    if (states.length) this.#group.broadcastArraysNow(states, 0, what);
    this.#params.forEach((p, k) => {
      p.gradAdded = () => this.#gradAdded(k);
    });
  }

  /** The wrapped module's forward on this rank's inputs; with gradients recorded, its backward averages them over the ranks. */
  forward(...inputs: Tensor[]): Tensor {
    if (this.#syncBuffers && this.#broadcastBuffers) {
      const buffers = this.module.buffers().map((t) => t.data as Float32Array);
      if (buffers.length) this.#group.broadcastArraysNow(buffers, 0, 'DistributedDataParallel.forward');
    }
    const sync = isGradEnabled() && this.#noSync === 0;
    if (sync) {
      this.#used.fill(0);
      this.#expecting = true;
      this.#queued = false;
    }
    const out = this.module.call(...inputs);
    this.#syncBuffers = sync;
    return out;
  }

  /**
   * Runs fn with gradient averaging off (torch's no_sync): the backward of a forward pass made
   * inside it adds to the local .grad only, and the next backward that averages takes the sum.
   */
  noSync<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new Error(`DistributedDataParallel.noSync: fn must be a function, got ${shown(fn)}`);
    this.#noSync++;
    try {
      return fn();
    } finally {
      this.#noSync--;
    }
  }

  // A parameter's gradient was added during a backward(): the first one of the pass queues the
  // averaging for its end.
  #gradAdded(k: number): void {
    if (!this.#expecting) return;
    this.#used[k] = 1;
    if (!this.#queued) this.#queued = queueBackwardCallback(() => this.#average());
  }

  // Every rank: its gradients divided by worldSize, summed over the ranks with a count of the ranks
  // that used each parameter, in one collective.
  #average(): void {
    this.#expecting = false;
    this.#queued = false;
    const what = 'DistributedDataParallel: backward';
    const n = this.#params.length, size = this.#group.worldSize;
    const arrays: Float32Array[] = new Array<Float32Array>(n + 1);
    // A gradient with a graph (backward with createGraph) would be changed under its graph (torch
    // warns that its DistributedDataParallel does not support create_graph).
    if (this.#params.some((p) => p.grad?.requiresGrad)) {
      throw new Error(`${what}: gradients made with createGraph cannot be averaged over the ranks; use a backward without createGraph`);
    }
    for (let k = 0; k < n; k++) {
      const g = this.#params[k].grad;
      if (g) B().unary(Unary.divScalar, g.data, g.data, size);
      arrays[k] = g ? g.data : new Float32Array(this.#params[k].size);
    }
    const users = Float32Array.from(this.#used);
    arrays[n] = users;
    this.#group.reduceArraysNow(arrays, false, what);
    const missing: string[] = [];
    for (let k = 0; k < n; k++) {
      const p = this.#params[k];
      if (users[k] < size) missing.push(`${this.#names[k]} (${size - users[k]} of ${size} ranks)`);
      if (!p.grad && users[k] > 0) p.grad = new Tensor(arrays[k], p.shape);
    }
    if (missing.length && !this.#findUnused) {
      const shownNames = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, and ${missing.length - 5} more` : '');
      throw new Error(`${what}: parameters that got no gradient in this backward on some ranks: ${shownNames}; ` +
        'pass findUnusedParameters: true when a forward pass may leave parameters out of the loss');
    }
  }
}

/**
 * torch.nn.DataParallel where no accelerator is present (this library's case): the module itself,
 * run in this process on the whole batch (torch's forward returns `self.module(*inputs)` when it has
 * no device_ids). Kept so that ported scripts that wrap their model run unchanged; its state dict's
 * keys start 'module.', as torch's. For several processes use DistributedDataParallel or fit's
 * processGroup.
 */
export class DataParallel extends Module {
  /** The wrapped module. */
  readonly module: Module;
  /** The devices the batch is split over: none on the CPU (torch's device_ids there). */
  readonly deviceIds: readonly number[] = [];

  /** @param module the model to run */
  constructor(module: Module) {
    super();
    checkModule(module, 'DataParallel');
    this.module = module;
  }

  /** The wrapped module's forward. */
  forward(...inputs: Tensor[]): Tensor {
    return this.module.call(...inputs);
  }
}

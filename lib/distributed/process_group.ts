// Process groups for data-parallel training (PyTorch's torch.distributed with the gloo backend):
// several processes, on one machine or several, each holding the whole model, exchange gradients
// through the addon's Gloo build. Collectives run one at a time in the order they are called here
// (a chain of promises), so every rank issues the same sequence whatever its timing.
import * as fs from 'node:fs';
import { Tensor } from '../tensor';
import { loadNative, BUILD_COMMAND } from '../backend/native';
import { optionsOf, shown } from '../args';
import { assertNotInEpoch } from '../worker_owned';

/** @internal The group handle the addon hands out (an External it checks by type tag). */
export type GroupHandle = object & { readonly __group: unique symbol };

interface DistAddon {
  distHasGloo(): boolean;
  distConnect(o: { rank: number; worldSize: number; store?: string; storeHost?: string; storePort?: number; prefix: string; hostname?: string; timeoutMs: number }): Promise<GroupHandle>;
  distAllReduce(g: GroupHandle, arrays: Float32Array[] | Float64Array[], mean: boolean): Promise<void>;
  distBroadcast(g: GroupHandle, arrays: Float32Array[] | Float64Array[], root: number): Promise<void>;
  distBarrier(g: GroupHandle): Promise<void>;
  distAllGather(g: GroupHandle, input: Float32Array, output: Float32Array): Promise<void>;
  distAllGatherNow(g: GroupHandle, input: Float32Array, output: Float32Array): void;
  distAllReduceNow(g: GroupHandle, arrays: Float32Array[] | Float64Array[], mean: boolean): void;
  distBroadcastNow(g: GroupHandle, arrays: Float32Array[] | Float64Array[], root: number): void;
  distDestroy(g: GroupHandle): Promise<void>;
}

/** Options of initProcessGroup. */
export interface ProcessGroupOptions {
  /** This process's place in the group, 0 ... worldSize - 1; rank 0's model is the one all start from. */
  rank: number;
  /** How many processes train together. */
  worldSize: number;
  /**
   * Where the ranks meet (leave their addresses for each other): an existing directory every
   * process can read and write (a shared file system when they run on several machines; the ranks
   * take their keys away again once met), or `tcp://host:port`: rank 0 serves the keys on that port
   * (every interface) while the ranks meet, and every rank reaches it at host (PyTorch's
   * TCPStore, MASTER_ADDR and MASTER_PORT).
   */
  store: string;
  /** Separates groups that meet in the same directory at the same time (default 'backprop'). */
  prefix?: string;
  /** The address the other ranks reach this process at (default: this machine's hostname); '127.0.0.1' for one machine. */
  hostname?: string;
  /** How long to wait for the other ranks, when connecting and in each collective (default 60000). */
  timeoutMs?: number;
}

/** Why a process cannot make groups here, or null when it can. */
export function processGroupsUnavailable(): string | null {
  const native = loadNative();
  if (!native.backend) return `the native addon is not available (${native.error}); build it with \`${BUILD_COMMAND}\``;
  const addon = native.backend as unknown as Partial<DistAddon>;
  if (typeof addon.distHasGloo !== 'function' || !addon.distHasGloo()) {
    return `the native addon was built without Gloo: install it (Debian: apt-get install libgloo-dev) and rebuild with \`${BUILD_COMMAND}\``;
  }
  return null;
}

function addon(): DistAddon {
  return loadNative().backend as unknown as DistAddon;
}

function floatArrays(tensors: Tensor | readonly Tensor[], what: string): Float32Array[] {
  const list = tensors instanceof Tensor ? [tensors] : tensors;
  if (!Array.isArray(list) || !list.every((t) => t instanceof Tensor)) throw new Error(`${what}: expected a Tensor or an array of Tensors, got ${shown(tensors)}`);
  assertNotInEpoch(list, what);
  return list.map((t) => t.data);
}

/**
 * A connected group of processes (make one with initProcessGroup). Pass it to fit's
 * `processGroup` to train data-parallel, or call its collectives in a loop of your own. Every rank
 * must call the same collectives, on tensors of the same sizes, in the same order.
 */
export class ProcessGroup {
  /** This process's rank, 0 ... worldSize - 1. */
  readonly rank: number;
  /** How many processes the group holds. */
  readonly worldSize: number;
  #handle: GroupHandle | null;
  #tail: Promise<unknown> = Promise.resolve();
  #running = 0; // collectives called with a promise and not yet settled

  /** @internal Made by initProcessGroup. */
  constructor(handle: GroupHandle, rank: number, worldSize: number) {
    this.#handle = handle;
    this.rank = rank;
    this.worldSize = worldSize;
  }

  /** @internal The addon's handle, for fit's native loop; throws once destroyed. */
  handle(what: string): GroupHandle {
    if (!this.#handle) throw new Error(`${what}: the process group was destroyed`);
    return this.#handle;
  }

  // Runs `op` after every collective called before it (each rank must see one sequence); a failed
  // collective rejects its own promise only.
  #queue(what: string, op: (h: GroupHandle) => Promise<void>): Promise<void> {
    const h = this.handle(what);
    this.#running++;
    const run = this.#tail.then(() => op(h)).finally(() => this.#running--);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  // Runs `op` now, on this thread (a collective inside a forward or backward pass): only with no
  // collective of the promise kind outstanding, whose place in the sequence would otherwise depend
  // on timing.
  #now(what: string, op: (h: GroupHandle) => void): void {
    const h = this.handle(what);
    if (this.#running > 0) {
      throw new Error(`${what}: ${this.#running} collective(s) of this process group called before it have not finished; await them first (every rank must run the group's collectives in one order)`);
    }
    try {
      op(h);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message.replace(/^dist\w+Now: /, '')}`);
    }
  }

  /**
   * Sums each tensor over the ranks, in place ('mean': then divides by worldSize, as a gradient
   * average); every rank ends with the same bits. The tensors go as one message.
   */
  allReduce(tensors: Tensor | readonly Tensor[], op: 'sum' | 'mean' = 'sum'): Promise<void> {
    if (op !== 'sum' && op !== 'mean') throw new Error(`ProcessGroup.allReduce: op must be 'sum' or 'mean', got ${shown(op)}`);
    return this.reduceArrays(floatArrays(tensors, 'ProcessGroup.allReduce'), op === 'mean', 'ProcessGroup.allReduce');
  }

  /**
   * Every rank's `tensor` (the same shape on each), in rank order, on every rank
   * (torch.distributed.all_gather): resolves to worldSize new tensors of its shape. A rank whose
   * tensor has another number of elements makes the call fail on every rank.
   */
  allGather(tensor: Tensor): Promise<Tensor[]> {
    const what = 'ProcessGroup.allGather';
    if (!(tensor instanceof Tensor)) throw new Error(`${what}: expected a Tensor, got ${shown(tensor)}`);
    const [input] = floatArrays(tensor, what);
    const output = new Float32Array(input.length * this.worldSize);
    return this.#queue(what, (h) => addon().distAllGather(h, input, output)).then(() =>
      Array.from({ length: this.worldSize }, (_, r) => new Tensor(output.slice(r * input.length, (r + 1) * input.length), tensor.shape)));
  }

  /** Gives every rank's tensors rank `root`'s values. */
  broadcast(tensors: Tensor | readonly Tensor[], root = 0): Promise<void> {
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) {
      throw new Error(`ProcessGroup.broadcast: root must be a rank in [0, ${this.worldSize - 1}], got ${shown(root)}`);
    }
    return this.broadcastArrays(floatArrays(tensors, 'ProcessGroup.broadcast'), root, 'ProcessGroup.broadcast');
  }

  /** @internal allReduce / broadcast over raw arrays (also fit's sums in float64, the generator's words); `what` names the caller. */
  reduceArrays(arrays: Float32Array[] | Float64Array[], mean: boolean, what = 'fit'): Promise<void> {
    return this.#queue(what, (h) => addon().distAllReduce(h, arrays, mean));
  }

  /** @internal See reduceArrays. */
  broadcastArrays(arrays: Float32Array[] | Float64Array[], root: number, what = 'fit'): Promise<void> {
    return this.#queue(what, (h) => addon().distBroadcast(h, arrays, root));
  }

  /** @internal reduceArrays on this thread, returning once done (SyncBatchNorm, DistributedDataParallel); `what` names the caller. */
  reduceArraysNow(arrays: Float32Array[] | Float64Array[], mean: boolean, what: string): void {
    this.#now(what, (h) => addon().distAllReduceNow(h, arrays, mean));
  }

  /** @internal broadcastArrays on this thread, returning once done; `what` names the caller. */
  broadcastArraysNow(arrays: Float32Array[] | Float64Array[], root: number, what: string): void {
    this.#now(what, (h) => addon().distBroadcastNow(h, arrays, root));
  }

  /** @internal allGather's arrays on this thread, returning once done (output worldSize times input's length); `what` names the caller. */
  gatherArrayNow(input: Float32Array, output: Float32Array, what: string): void {
    this.#now(what, (h) => addon().distAllGatherNow(h, input, output));
  }

  /** Resolves once every rank has called barrier(). */
  barrier(): Promise<void> {
    return this.#queue('ProcessGroup.barrier', (h) => addon().distBarrier(h));
  }

  /** Closes the connections once the collectives called before it have ended; later calls throw. */
  destroy(): Promise<void> {
    if (!this.#handle) return Promise.resolve();
    const done = this.#queue('ProcessGroup.destroy', (h) => addon().distDestroy(h));
    this.#handle = null;
    return done;
  }

  /** Whether destroy() was called. */
  get destroyed(): boolean {
    return this.#handle === null;
  }
}

/**
 * Connects this process to the other `worldSize - 1` (torch.distributed.init_process_group with
 * the gloo backend and a file:// store): resolves once all of them have called it with the same
 * store, prefix and worldSize, or rejects after timeoutMs. Needs the addon built with Gloo
 * (Debian's libgloo-dev).
 */
export async function initProcessGroup(options: ProcessGroupOptions): Promise<ProcessGroup> {
  const what = 'initProcessGroup';
  const o = optionsOf(options, what, { rank: 'value', worldSize: 'value', store: 'value', prefix: 'value', hostname: 'value', timeoutMs: 'value' });
  if (!Number.isInteger(o.worldSize) || o.worldSize < 1 || o.worldSize > 65536) throw new Error(`${what}: worldSize must be an integer in [1, 65536], got ${shown(o.worldSize)}`);
  if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.worldSize) throw new Error(`${what}: rank must be an integer in [0, ${o.worldSize - 1}] (worldSize ${o.worldSize}), got ${shown(o.rank)}`);
  const tcp = typeof o.store === 'string' ? /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(o.store) : null;
  if (tcp) {
    if (!(Number(tcp[2]) >= 1 && Number(tcp[2]) <= 65535)) throw new Error(`${what}: the store's port must be in [1, 65535], got ${tcp[2]}`);
  } else if (typeof o.store === 'string' && o.store.startsWith('tcp:')) {
    throw new Error(`${what}: a TCP store is tcp://host:port, got ${shown(o.store)}`);
  } else if (typeof o.store !== 'string' || !fs.existsSync(o.store) || !fs.statSync(o.store).isDirectory()) {
    throw new Error(`${what}: store must be an existing directory that every rank can see, or tcp://host:port, got ${shown(o.store)}`);
  }
  const where = tcp ? { storeHost: tcp[1].replace(/^\[|\]$/g, ''), storePort: Number(tcp[2]) } : { store: o.store };
  const prefix = o.prefix ?? 'backprop';
  if (typeof prefix !== 'string' || prefix === '' || prefix.includes('/')) throw new Error(`${what}: prefix must be a non-empty string without '/', got ${shown(o.prefix)}`);
  if (o.hostname !== undefined && (typeof o.hostname !== 'string' || o.hostname === '')) throw new Error(`${what}: hostname must be a non-empty string, got ${shown(o.hostname)}`);
  const timeoutMs = o.timeoutMs ?? 60000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2147483647) throw new Error(`${what}: timeoutMs must be a positive integer, got ${shown(o.timeoutMs)}`);
  const unavailable = processGroupsUnavailable();
  if (unavailable) throw new Error(`${what}: ${unavailable}`);
  try {
    const handle = await addon().distConnect({ rank: o.rank, worldSize: o.worldSize, ...where, prefix, hostname: o.hostname, timeoutMs });
    return new ProcessGroup(handle, o.rank, o.worldSize);
  } catch (e) {
    const msg = (e as Error).message.replace(/^distConnect: /, '');
    const hint = /already exists/.test(msg)
      ? `: the store holds keys of this prefix from a group that did not finish connecting; use a fresh directory or another prefix`
      : /Wait timeout/.test(msg)
        ? `: not every rank arrived within ${timeoutMs} ms (each of the ${o.worldSize} must call initProcessGroup with this store and prefix)`
        : '';
    throw new Error(`${what}: rank ${o.rank} of ${o.worldSize} could not connect (store ${o.store}, prefix '${prefix}')${hint} (${msg})`);
  }
}

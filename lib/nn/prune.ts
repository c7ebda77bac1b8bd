// torch.nn.utils.prune: a parameter w pruned by a mask, kept as name_orig (the same parameter, still
// trained) and the buffer name_mask, with module[name] = name_orig * name_mask recomputed by a forward
// pre-hook before every forward. Pruning again prunes among the entries still kept (torch's
// PruningContainer): an unstructured method's amount counts the entries left, a structured one's the
// channels left. remove() makes the pruned value the parameter again.
import { Tensor } from '../tensor';
import { mul } from '../ops/binary';
import { noGrad } from '../autograd';
import { normDim } from '../shape';
import { shown } from '../args';
import { uniform01 } from '../random';
import type { RemovableHandle } from '../tensor';
import { dropBuffer, Module } from './module';
import { Parameter } from './parameter';

/** How much to prune: an integer is a count of entries (or channels), any other number a fraction in [0, 1]. */
export type PruneAmount = number;

interface Pruned { handle: RemovableHandle }
const pruned = new WeakMap<Module, Map<string, Pruned>>();

const fieldsOf = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;

/** The count an amount stands for among `size` (torch's _compute_nparams_toprune and its checks). */
function countOf(amount: PruneAmount, size: number, what: string): number {
  if (typeof amount !== 'number' || !(amount >= 0)) throw new Error(`${what}: amount must be a non-negative integer (a count) or a fraction in [0, 1], got ${shown(amount)}`);
  if (Number.isInteger(amount)) {
    if (amount > size) throw new Error(`${what}: amount ${amount} should be smaller than the number of parameters to prune, ${size}`);
    return amount;
  }
  if (amount > 1) throw new Error(`${what}: amount must be a fraction in [0, 1] when it is not an integer, got ${amount}`);
  // Python's round: halves to even.
  const x = amount * size, r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Indices of values sorted by key, ascending, ties by index. */
const byKey = (indices: number[], key: (i: number) => number): number[] => indices.sort((a, b) => key(a) - key(b) || a - b);

/** The mask and module state of a parameter about to be pruned: its original values and the mask so far. */
function target(module: Module, name: string, what: string): { orig: Parameter; mask: Float32Array } {
  if (!(module instanceof Module)) throw new Error(`${what}: module must be a Module, got ${shown(module)}`);
  const f = fieldsOf(module);
  if (pruned.get(module)?.has(name)) {
    return { orig: f[`${name}_orig`] as Parameter, mask: (f[`${name}_mask`] as Tensor).data.slice() };
  }
  const w = f[name];
  if (!(w instanceof Parameter)) throw new Error(`${what}: the module (${module.constructor.name}) has no parameter '${name}'`);
  return { orig: w, mask: new Float32Array(w.size).fill(1) };
}

/** Applies `mask` (over orig's elements) to module[name], first pruning or again. */
function applyMask(module: Module, name: string, orig: Parameter, mask: Float32Array): void {
  const f = fieldsOf(module);
  const maskTensor = new Tensor(mask, orig.shape);
  let byName = pruned.get(module);
  if (!byName?.has(name)) {
    delete f[name];
    f[`${name}_orig`] = orig;
    module.registerBuffer(`${name}_mask`, maskTensor);
    const compute = () => { f[name] = mul(f[`${name}_orig`] as Tensor, f[`${name}_mask`] as Tensor); };
    compute();
    const handle = module.registerForwardPreHook(() => { compute(); });
    if (!byName) pruned.set(module, (byName = new Map()));
    byName.set(name, { handle });
    return;
  }
  (f[`${name}_mask`] as Tensor).data.set(mask);
  f[name] = mul(orig, f[`${name}_mask`] as Tensor);
}

/** The entries still kept, and a new mask zeroing `count` of them chosen by `choose` (their order of pruning). */
function pruneEntries(mask: Float32Array, amount: PruneAmount, what: string, choose: (kept: number[]) => number[]): Float32Array {
  const kept: number[] = [];
  mask.forEach((m, i) => { if (m === 1) kept.push(i); });
  const count = countOf(amount, kept.length, what);
  const next = mask.slice();
  if (count > 0) for (const i of choose(kept).slice(0, count)) next[i] = 0;
  return next;
}

/** The channels along dim still kept (some entry unmasked), each channel's element offsets. */
function channels(shape: readonly number[], dim: number): number[][] {
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1), n = shape[dim];
  const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, ch) => {
    const at: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) at.push((o * n + ch) * inner + i);
    return at;
  });
}

/** A structured mask: `count` of the kept channels along dim pruned, chosen by `order` (ascending: pruned first). */
function pruneChannels(orig: Parameter, mask: Float32Array, amount: PruneAmount, dim: number, what: string, order: (kept: number[], offsets: number[][]) => number[]): Float32Array {
  if (orig.ndim < 1) throw new Error(`${what}: structured pruning needs a parameter of at least one dim, got a 0-d one`);
  const d = normDim(dim, orig.ndim, what);
  const offsets = channels(orig.shape, d);
  const kept = offsets.map((at, ch) => (at.some((i) => mask[i] !== 0) ? ch : -1)).filter((ch) => ch >= 0);
  const count = countOf(amount, kept.length, what);
  const next = mask.slice();
  if (count > 0) for (const ch of order(kept, offsets).slice(0, count)) for (const i of offsets[ch]) next[i] = 0;
  return next;
}

/** Prunes nothing: module[name] kept through a mask of ones (torch's prune.identity). Returns the module. */
export function identity<M extends Module>(module: M, name: string): M {
  const { orig, mask } = target(module, name, 'prune.identity');
  applyMask(module, name, orig, mask);
  return module;
}

/** Prunes the `amount` entries of smallest magnitude among those kept (torch's prune.l1_unstructured). */
export function l1Unstructured<M extends Module>(module: M, name: string, amount: PruneAmount, options?: { importanceScores?: Tensor }): M {
  const what = 'prune.l1Unstructured';
  const { orig, mask } = target(module, name, what);
  const scores = scoresOf(options?.importanceScores, orig, what);
  applyMask(module, name, orig, pruneEntries(mask, amount, what, (kept) => byKey(kept, (i) => Math.abs(scores[i]))));
  return module;
}

/** Prunes `amount` entries chosen at random among those kept (torch's prune.random_unstructured). */
export function randomUnstructured<M extends Module>(module: M, name: string, amount: PruneAmount): M {
  const what = 'prune.randomUnstructured';
  const { orig, mask } = target(module, name, what);
  const draws = new Float64Array(orig.size).map(() => uniform01());
  applyMask(module, name, orig, pruneEntries(mask, amount, what, (kept) => byKey(kept, (i) => -draws[i])));
  return module;
}

/**
 * Prunes the `amount` channels along dim (among those kept) of smallest L-n norm over the other dims
 * (torch's prune.ln_structured; n: a positive number, Infinity or -Infinity).
 */
export function lnStructured<M extends Module>(module: M, name: string, amount: PruneAmount, n: number, dim: number, options?: { importanceScores?: Tensor }): M {
  const what = 'prune.lnStructured';
  if (typeof n !== 'number' || Number.isNaN(n) || n === 0) throw new Error(`${what}: n must be a nonzero number (the norm's order), Infinity or -Infinity, got ${shown(n)}`);
  const { orig, mask } = target(module, name, what);
  const scores = scoresOf(options?.importanceScores, orig, what);
  const norm = (at: number[]): number => {
    const a = at.map((i) => Math.abs(scores[i]));
    if (n === Infinity) return Math.max(...a);
    if (n === -Infinity) return Math.min(...a);
    return Math.pow(a.reduce((s, v) => s + Math.pow(v, n), 0), 1 / n);
  };
  applyMask(module, name, orig, pruneChannels(orig, mask, amount, dim, what, (kept, offsets) => byKey(kept, (ch) => norm(offsets[ch]))));
  return module;
}

/** Prunes `amount` channels along dim chosen at random among those kept (torch's prune.random_structured). */
export function randomStructured<M extends Module>(module: M, name: string, amount: PruneAmount, dim: number): M {
  const what = 'prune.randomStructured';
  const { orig, mask } = target(module, name, what);
  applyMask(module, name, orig, pruneChannels(orig, mask, amount, dim, what, (kept, offsets) => {
    const draws = offsets.map(() => uniform01());
    return byKey(kept, (ch) => draws[ch]);
  }));
  return module;
}

/** Prunes by a mask of the parameter's shape (ones kept), on top of any mask so far (torch's prune.custom_from_mask). */
export function customFromMask<M extends Module>(module: M, name: string, mask: Tensor): M {
  const what = 'prune.customFromMask';
  const { orig, mask: before } = target(module, name, what);
  if (!(mask instanceof Tensor) || mask.shape.length !== orig.shape.length || mask.shape.some((s, i) => s !== orig.shape[i])) {
    throw new Error(`${what}: mask must be a Tensor of the parameter's shape [${orig.shape.join(', ')}], got ${mask instanceof Tensor ? `shape [${mask.shape.join(', ')}]` : shown(mask)}`);
  }
  applyMask(module, name, orig, before.map((m, i) => m * mask.data[i]));
  return module;
}

/**
 * Prunes the `amount` entries of smallest magnitude (or at random) across several parameters taken
 * together (torch's prune.global_unstructured); each [module, name] pair is then pruned by its part.
 */
export function globalUnstructured(parameters: readonly (readonly [Module, string])[], options: { amount: PruneAmount; pruningMethod?: 'l1Unstructured' | 'randomUnstructured' }): void {
  const what = 'prune.globalUnstructured';
  if (!Array.isArray(parameters) || parameters.length === 0) throw new Error(`${what}: parameters must be a non-empty list of [module, name] pairs, got ${shown(parameters)}`);
  const method = options?.pruningMethod ?? 'l1Unstructured';
  if (method !== 'l1Unstructured' && method !== 'randomUnstructured') throw new Error(`${what}: pruningMethod must be 'l1Unstructured' or 'randomUnstructured' (an unstructured method), got ${shown(method)}`);
  const parts = parameters.map(([m, name]) => {
    const t = target(m, name, what);
    // torch scores the parameter as it is now: masked where already pruned.
    const current = pruned.get(m)?.has(name) ? (fieldsOf(m)[name] as Tensor).data : t.orig.data;
    return { m, name, ...t, current };
  });
  const scores = new Float32Array(parts.reduce((n, p) => n + p.orig.size, 0));
  const mask = new Float32Array(scores.length);
  let at = 0;
  for (const p of parts) {
    scores.set(p.current, at);
    mask.set(p.mask, at);
    at += p.orig.size;
  }
  const draws = method === 'randomUnstructured' ? new Float64Array(scores.length).map(() => uniform01()) : null;
  const next = pruneEntries(mask, options.amount, what, (kept) => byKey(kept, (i) => (draws ? -draws[i] : Math.abs(scores[i]))));
  at = 0;
  for (const p of parts) {
    applyMask(p.m, p.name, p.orig, next.slice(at, at + p.orig.size));
    at += p.orig.size;
  }
}

/** Makes the pruned value module[name] a parameter again (name_orig, name_mask and the hook gone: torch's prune.remove). */
export function remove<M extends Module>(module: M, name: string): M {
  const entry = module instanceof Module ? pruned.get(module)?.get(name) : undefined;
  if (!entry) throw new Error(`prune.remove: parameter '${name}' of ${module instanceof Module ? module.constructor.name : shown(module)} has not been pruned`);
  const f = fieldsOf(module);
  const weight = noGrad(() => mul(f[`${name}_orig`] as Tensor, f[`${name}_mask`] as Tensor));
  entry.handle.remove();
  pruned.get(module)!.delete(name);
  delete f[`${name}_orig`];
  dropBuffer(module, `${name}_mask`);
  delete f[name];
  f[name] = new Parameter(weight);
  return module;
}

/** Whether any parameter of the module or its children is pruned (torch's prune.is_pruned). */
export function isPruned(module: Module): boolean {
  if (!(module instanceof Module)) throw new Error(`prune.isPruned: module must be a Module, got ${shown(module)}`);
  return module.modules().some((m) => (pruned.get(m)?.size ?? 0) > 0);
}

/** importanceScores checked against the parameter, or the parameter's own values. */
function scoresOf(scores: Tensor | undefined, orig: Parameter, what: string): Float32Array {
  if (scores === undefined) return orig.data;
  if (!(scores instanceof Tensor) || scores.size !== orig.size || scores.ndim !== orig.ndim) {
    throw new Error(`${what}: importanceScores must be a Tensor of the parameter's shape [${orig.shape.join(', ')}], got ${scores instanceof Tensor ? `shape [${scores.shape.join(', ')}]` : shown(scores)}`);
  }
  return scores.data;
}

// Tensors that a fused fit() epoch is reading and writing on a libuv worker thread (the model's
// parameters and buffers). JavaScript that would write them meanwhile (an optimizer step, a state
// dict loaded into the model or the optimizer) throws instead of racing the native loop: the
// numbers would silently depend on timing.
import type { Tensor } from './tensor';

const owned = new WeakSet<Tensor>();

/**
 * Marks `tensors` as written by a running native epoch until release() is called; throws, holding
 * none, when another running epoch holds any of them (two models that share a layer, fitted at
 * once: both workers wrote its weights, and the numbers depended on timing).
 */
export function holdForEpoch(tensors: readonly Tensor[]): { release(): void } {
  if (tensors.some((t) => owned.has(t))) {
    throw new Error('fit: another running fit() is training some of these parameters (a layer its model shares with this one); await it first');
  }
  for (const t of tensors) owned.add(t);
  return { release: () => { for (const t of tensors) owned.delete(t); } };
}

/** Whether a running native epoch is writing `t`. */
export function inEpoch(t: Tensor): boolean {
  return owned.has(t);
}

/** Throws when a running native epoch is writing any of `tensors`; `what` names the caller. */
export function assertNotInEpoch(tensors: Iterable<Tensor>, what: string): void {
  for (const t of tensors) {
    if (owned.has(t)) throw new Error(`${what}: a running fit() is training these parameters on a worker thread; await it before changing them`);
  }
}

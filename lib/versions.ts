// Version counts of storage written in place (Tensor.add_ and the rest), and the check that keeps
// backward() honest: a node whose backward reads a tensor that was written in place after the node
// was recorded throws, as torch's version counter makes it, instead of giving gradients of values
// that are gone. Every input and the output of an op count as read (torch counts only what each op
// saves: an addend written over is allowed there, refused here). Nothing is counted until the first
// in-place write: until then every storage is at version 0, and the ops record nothing extra (the
// per-op cost W1 measures).
import type { GradNode, Tensor } from './tensor';
import { fmt } from './shape';

let written = false;
// Keyed by the storage array: a tensor's reshapes and detach() share it, and see one count.
const versions = new WeakMap<Float32Array, number>();

/** Whether any storage has been written in place yet. */
export function inPlaceSeen(): boolean {
  return written;
}

/** Counts one in-place write of `a`. */
export function bumpVersion(a: Float32Array): void {
  written = true;
  versions.set(a, (versions.get(a) ?? 0) + 1);
}

/** How many in-place writes `a` has had. */
export function versionOf(a: Float32Array): number {
  return versions.get(a) ?? 0;
}

/** The tensors a node's backward reads and their versions now (recorded once in-place writes exist). */
export function versionsOf(ts: readonly Tensor[]): [Tensor, number][] {
  return ts.map((t) => [t, versionOf(t.data)]);
}

/**
 * Throws when a tensor that node's backward reads (its inputs and output `out`, and what it saved)
 * was written in place since the node was recorded. A node recorded before any in-place write saw
 * every storage at version 0.
 */
export function checkVersions(node: GradNode, out: Tensor): void {
  if (!written) return;
  const saved = node.savedVersions ?? [...node.inputs, out].map((t): [Tensor, number] => [t, 0]);
  for (const [t, v] of saved) {
    // A storage given back for reuse is no longer this tensor's: its backward cannot read it either.
    let now: number;
    try {
      now = versionOf(t.data);
    } catch {
      continue;
    }
    if (now !== v) {
      throw new Error(`backward: a tensor of shape ${fmt(t.shape)} that '${node.op}' reads for its gradient was written in place after it was recorded ` +
        `(version ${now}, expected ${v}); compute the forward pass again, or write into a copy (clone())`);
    }
  }
}

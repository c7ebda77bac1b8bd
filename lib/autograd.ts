// Reverse-mode autodiff: a topological walk of the tape from the output, and the noGrad switch.
import type { ActivationGate, BackwardContext, GradNode, Tensor } from './tensor';
import { fmt } from './shape';
import { B } from './backend/registry';
import { alloc, sharesMemory } from './storage';
import { isInternal, nodeUsedUp, POOL_MIN_LENGTH, recycleArray } from './reuse';

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

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node ? t.node.inputs : [];
    if (i < inputs.length) {
      top[1]++;
      const c = inputs[i];
      if (c.requiresGrad && !seen.has(c)) {
        seen.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/** How many gradient contributions each tensor receives: one per (node, input) edge in the graph. */
function useCounts(order: Tensor[]): Map<Tensor, number> {
  const uses = new Map<Tensor, number>();
  for (const t of order) {
    if (!t.node) continue;
    for (const c of t.node.inputs) if (c.requiresGrad) uses.set(c, (uses.get(c) ?? 0) + 1);
  }
  return uses;
}

const usedUpBackward = (): never => {
  throw new Error('internal: backward of a used-up node');
};

// A used-up node lets go of what its backward saved (the closure holds activations), of its inputs
// and of its gate, as PyTorch frees saved tensors after backward: a loss kept for logging would
// otherwise keep a step's activations alive (300 kept losses of a 256-1024-10 MLP: 326 MiB).
function release(node: GradNode): void {
  const n = node as { inputs: readonly Tensor[]; backward: GradNode['backward']; gate?: ActivationGate; usedUp?: boolean };
  if (!n.usedUp) nodeUsedUp();
  n.usedUp = true;
  n.inputs = [];
  n.backward = usedUpBackward;
  n.gate = undefined;
}

/**
 * True when gradient g, used up by its tensor's backward, lives on: returned for an input (a view of
 * it, or g itself as add's and reshape's backward pass it on) or still pending for another tensor.
 * Otherwise it goes back to the pool for the next step's activations and gradients: a new array for
 * every layer's gradient each step was fresh memory (W3: two 1 MiB arrays a step, 24 us each).
 */
function passedOn(g: Float32Array, gi: readonly (Float32Array | null)[], pending: Map<Tensor, Float32Array>): boolean {
  for (const gk of gi) if (gk && gk.buffer === g.buffer) return true;
  for (const p of pending.values()) if (p.buffer === g.buffer) return true;
  return false;
}

/**
 * Backpropagates from `root` with seed gradient `seed` (same size as root). Unless `retainGraph`,
 * the nodes it goes through are used up (GradNode.usedUp) and release what they saved: a second
 * pass through them throws, as in PyTorch (it would silently add the gradients again).
 */
export function runBackward(root: Tensor, seed: Float32Array, retainGraph = false): void {
  const grads = new Map<Tensor, Float32Array>();
  // Tensors whose gradient arrived with their node's activation gate applied (GradNode.gate). A gate
  // may be claimed only by a tensor's one consumer, and not when the tensor keeps its gradient
  // (retainGrad wants dL/dy, not dL/dz).
  const gated = new Set<Tensor>();
  const owned = new Set<Float32Array>(); // arrays we may add into; borrowed ones are copied first
  grads.set(root, seed);
  const be = B();
  const accumulate = (t: Tensor, g: Float32Array): void => {
    const prev = grads.get(t);
    if (!prev) {
      grads.set(t, g);
      return;
    }
    let dst = prev;
    if (!owned.has(prev)) {
      dst = alloc(prev.length);
      dst.set(prev);
      owned.add(dst);
      grads.set(t, dst);
    }
    be.axpy(1, g, dst);
  };
  const order = topoOrder(root);
  for (const t of order) {
    if (t.node?.usedUp) {
      throw new Error(`backward: trying to backward through the graph a second time (through '${t.node.op}', of shape ${fmt(t.shape)}); ` +
        'pass { retainGraph: true } to the earlier backward() to go through it again, or compute the forward pass again');
    }
  }
  const uses = useCounts(order);
  for (const t of order) {
    const g = grads.get(t);
    if (!g) continue;
    grads.delete(t); // free as we go: each tensor's gradient is complete once visited
    if (t.node) {
      const ins = t.node.inputs;
      const ctx: BackwardContext = {
        gated: gated.has(t),
        claimGate(k: number): ActivationGate | null {
          const c = ins[k];
          const gate = c?.node?.gate;
          if (!gate || !c.requiresGrad || c.retainsGrad || uses.get(c) !== 1) return null;
          gated.add(c);
          return gate;
        },
      };
      const gi = t.node.backward(g, ctx);
      for (let k = 0; k < ins.length; k++) {
        const gk = gi[k];
        if (gk && ins[k].requiresGrad) {
          if (gk.length !== ins[k].size) throw new Error(`internal: ${t.node.op} backward gave ${gk.length} gradient values for an input of size ${ins[k].size}`);
          // A gradient passed on as is (add's and reshape's [gy, gy]) may now be pending for several
          // tensors: adding into it for one would change the others', so it is no longer ours to add into.
          if (sharesMemory(gk, g)) owned.delete(gk);
          else owned.add(gk);
          accumulate(ins[k], gk);
        }
      }
      if (t.retainsGrad) t.accumulateGrad(g, false);
      else if (g.length > POOL_MIN_LENGTH && owned.has(g) && !passedOn(g, gi, grads)) recycleArray(g);
      if (!retainGraph) {
        release(t.node);
        if (isInternal(t)) t.releaseInternal();
      }
    } else {
      t.accumulateGrad(g, owned.has(g));
    }
  }
}

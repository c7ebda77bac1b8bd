// The createGraph walk (torch's create_graph=True): backward() through each node's graphBackward,
// its gradient rule as recorded ops, so that the gradients it gives are themselves tensors with a
// graph and can be differentiated again (gradient penalties, Hessian-vector products, the input
// derivatives of a physics-informed network). Slower than the kernels' walk and keeping every
// intermediate: only createGraph takes it. The graph is kept (torch's retain_graph defaults to
// create_graph), so the nodes' saved tensors stay readable by the new ops that read them.
import { GraphBackward, Tensor } from './tensor';
import { enableGrad, registerGraphWalk, walkOrder } from './autograd';
import { checkVersions } from './versions';
import { fmt, sameShape } from './shape';
import { shown } from './args';
import { add } from './ops/binary';

// The tensors the running createGraph walk of autograd.grad wants a gradient for: those on a path to
// an input asked for (null: every one that requires a gradient). Rules whose gradients cost a
// product skip the unwanted ones (wantsGradient): a gradient penalty's walk to the input computed
// every layer's weight gradient, a third of its products, for nothing.
let wanted: ReadonlySet<Tensor> | null = null;

/** Whether the running createGraph walk wants t's gradient (t requires one and leads to an input asked for). */
export function wantsGradient(t: Tensor): boolean {
  return t.requiresGrad && (wanted === null || wanted.has(t));
}

/** The tensors of a walk's order from which a captured tensor is reached (inputs come after their consumers). */
function leadingTo(order: readonly Tensor[], capture: ReadonlyMap<Tensor, unknown>, stops: ReadonlySet<Tensor> | null): Set<Tensor> {
  const needed = new Set<Tensor>();
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (capture.has(t) || (t.node && !stops?.has(t) && t.node.inputs.some((c) => needed.has(c)))) needed.add(t);
  }
  return needed;
}

/** The gradient after t's hooks, each given the gradient (with its graph) and free to replace it. */
function hooked(t: Tensor, g: Tensor): Tensor {
  let current = g;
  for (const hook of [...(t.gradHooks ?? [])]) {
    const r = hook(current);
    if (r === undefined) continue;
    if (!(r instanceof Tensor) || !sameShape(r.shape, t.shape)) {
      throw new Error(`backward: a gradient hook must return nothing or a tensor of the gradient's shape ${fmt(t.shape)}, got ${r instanceof Tensor ? `shape ${fmt(r.shape)}` : shown(r)}`);
    }
    current = r;
  }
  return current;
}

/** Adds g into t.grad as torch does with create_graph: the first gradient kept as it is (graph and all), later ones added by a recorded add. */
function accumulate(t: Tensor, g: Tensor): void {
  const prev = t.grad;
  t.grad = prev ? add(prev, g) : g;
  if (t.gradAdded) t.gradAdded();
}

function graphWalk(root: Tensor, seed: Tensor, capture: Map<Tensor, Tensor | null> | null, stops: ReadonlySet<Tensor> | null): void {
  const order = walkOrder(root, stops);
  // Slots by a map of this walk's own, not Tensor.walkSlot: a rule may run a walk of its own
  // (recomposed) over tensors of this one.
  const slots = new Map<Tensor, number>(order.map((t, i) => [t, i]));
  const grads: (Tensor | null)[] = new Array<Tensor | null>(order.length).fill(null);
  grads[0] = seed;
  const needed = capture ? leadingTo(order, capture, stops) : null;
  const outer = wanted;
  wanted = needed;
  try {
    enableGrad(() => walkRules(order, slots, grads, capture, stops, needed));
  } finally {
    wanted = outer;
  }
}

function walkRules(order: readonly Tensor[], slots: ReadonlyMap<Tensor, number>, grads: (Tensor | null)[], capture: Map<Tensor, Tensor | null> | null,
  stops: ReadonlySet<Tensor> | null, needed: ReadonlySet<Tensor> | null): void {
  for (let i = 0; i < order.length; i++) {
    let g = grads[i];
    if (!g) continue;
    grads[i] = null;
    const t = order[i];
    if (needed && !needed.has(t)) continue;
    if (t.gradHooks) g = hooked(t, g);
    if (capture?.has(t)) capture.set(t, g);
    const node = t.node;
    if (!node || stops?.has(t)) {
      if (!capture) accumulate(t, g);
      continue;
    }
    const rule = node.graphBackward;
    if (!rule) {
      throw new Error(`backward: createGraph needs '${node.op}' (of shape ${fmt(t.shape)}) to have its backward as recorded ops, which it has not yet; ` +
        'those with one: element-wise math, matmul/linear/conv2d, the norms, reductions, indexing, shape ops, softmax, ' +
        'the common losses, the matrix functions and decompositions (inv, solve, cholesky, qr, eigh, svd...) and what is composed of them (README.md, createGraph)');
    }
    checkVersions(node, t);
    const gi = rule(g);
    node.inputs.forEach((c, k) => {
      const gk = gi[k];
      if (!gk || !c.requiresGrad || (needed && !needed.has(c))) return;
      if (!sameShape(gk.shape, c.shape)) throw new Error(`internal: ${node.op}'s graph backward gave shape ${fmt(gk.shape)} for an input of shape ${fmt(c.shape)}`);
      const s = slots.get(c) as number;
      const prev = grads[s];
      grads[s] = prev ? add(prev, gk) : gk;
    });
    if (t.retainsGrad && !capture) accumulate(t, g);
  }
}

registerGraphWalk(graphWalk);

/**
 * The graph backward of an op whose kernels do in one node what `compose` does in recorded ops (a
 * recurrent cell): compose run again on the op's inputs, and a walk of its own from there to them,
 * seeded with gy. The gradients are those of the composition, in its rounding.
 */
export function recomposedRule(inputs: readonly Tensor[], compose: () => Tensor): GraphBackward {
  return (gy) => {
    const wanted = inputs.filter((t) => t.requiresGrad);
    const capture = new Map<Tensor, Tensor | null>(wanted.map((t) => [t, null]));
    const y = enableGrad(compose);
    graphWalk(y, gy, capture, new Set(wanted));
    return inputs.map((t) => capture.get(t) ?? null);
  };
}

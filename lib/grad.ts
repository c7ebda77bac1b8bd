// torch.autograd.grad: the gradients of outputs with respect to chosen tensors, returned rather than
// added into any .grad (leaves' or retained ones'). The walk is backward()'s (runBackward) with a
// capture map; several outputs are summed with their gradients into one scalar first, whose
// gradient with respect to each output is exactly that output's gradient. With createGraph the walk
// is autograd_graph.ts's, whose gradients are recorded tensors.
import { GradNode, Tensor } from './tensor';
import { enableGrad, runBackward, runGraphBackward } from './autograd';
import './autograd_graph';
import { fmt, sameShape } from './shape';
import { optionsOf, shown } from './args';
import { alloc, transientAlloc } from './storage';
import { add, mul } from './ops/binary';
import { sum } from './ops/reduce';
import { onesLike } from './ops/creation';

/** Options of grad. */
export interface GradOptions {
  /** Each output's gradient (null: ones, for a one-element output), one per output; default all null. */
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  /** Keep the graph for another backward (default false: its nodes are used up, as backward()'s). */
  retainGraph?: boolean;
  /** Give null for an input the outputs do not depend on (default false: an error). */
  allowUnused?: boolean;
  /**
   * Record the gradients' own computation (torch's create_graph), so that they can be differentiated
   * again: each gradient returned is then a tensor with a graph (requiresGrad when it depends on a
   * tensor that does). The graph is kept (retainGraph is implied). Every op on the way needs its
   * backward as recorded ops (GradNode.graphBackward); one without is an error naming it.
   */
  createGraph?: boolean;
}

function tensorList(v: Tensor | readonly Tensor[], what: string): Tensor[] {
  const list = v instanceof Tensor ? [v] : Array.isArray(v) ? [...v] : null;
  if (!list || list.length === 0) throw new Error(`grad: ${what} must be a Tensor or a non-empty array of them, got ${shown(v)}`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`grad: ${what}[${i}] must be a Tensor, got ${shown(t)}`);
    if (!t.requiresGrad) throw new Error(`grad: ${what}[${i}] (shape ${fmt(t.shape)}) does not require a gradient`);
  });
  return list;
}

/**
 * The gradients of `outputs` with respect to `inputs` (torch.autograd.grad), one per input in order:
 * d(sum_i outputs[i] . gradOutputs[i]) / d input. No tensor's .grad changes. An input that the
 * outputs do not depend on is an error, or null with allowUnused.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradOptions): (Tensor | null)[] {
  const o = optionsOf(options, 'grad', { gradOutputs: 'value', retainGraph: 'boolean', allowUnused: 'boolean', createGraph: 'boolean' });
  const outs = tensorList(outputs, 'outputs');
  const ins = tensorList(inputs, 'inputs');
  const given = o.gradOutputs === undefined || o.gradOutputs === null ? outs.map(() => null) : o.gradOutputs instanceof Tensor ? [o.gradOutputs] : [...o.gradOutputs];
  if (given.length !== outs.length) throw new Error(`grad: gradOutputs must have one entry per output (${outs.length}), got ${given.length}`);
  given.forEach((g, i) => {
    if (g === null) {
      if (outs[i].size !== 1) throw new Error(`grad: outputs[${i}] has shape ${fmt(outs[i].shape)}: a gradient can be implied only for one-element outputs; give gradOutputs`);
    } else if (!(g instanceof Tensor) || !sameShape(g.shape, outs[i].shape)) {
      throw new Error(`grad: gradOutputs[${i}] must be a tensor of the output's shape ${fmt(outs[i].shape)}, got ${g instanceof Tensor ? `shape ${fmt(g.shape)}` : shown(g)}`);
    }
  });
  if (o.createGraph) return graphGrad(outs, ins, given, o.allowUnused ?? false);
  let root: Tensor, seed: Float32Array;
  if (outs.length === 1) {
    root = outs[0];
    seed = transientAlloc(root.size);
    if (given[0]) seed.set(given[0].data);
    else seed.fill(1);
  } else {
    // Recorded even inside noGrad: this sum's nodes are the walk's start.
    root = enableGrad(() => outs.map((t, i) => (given[i] ? sum(mul(t, (given[i] as Tensor).detach())) : sum(t))).reduce((a, b) => add(a, b)));
    seed = transientAlloc(1);
    seed[0] = 1;
  }
  const capture = new Map<Tensor, Float32Array | null>(ins.map((t) => [t, null]));
  runBackward(root, seed, o.retainGraph ?? false, capture);
  return ins.map((t, i) => {
    const g = capture.get(t) ?? null;
    if (g === null && !o.allowUnused) throw new Error(`grad: inputs[${i}] (shape ${fmt(t.shape)}) was not used to compute the outputs (pass allowUnused: true to get null)`);
    return g && new Tensor(g, [...t.shape]);
  });
}

/**
 * grad with createGraph: the walk of recorded rules (autograd_graph.ts) from the outputs, each seeded
 * with its gradient as it is (graph and all, as torch's grad_outputs: differentiated again, not
 * through). Several outputs hang from one root whose rule hands each its seed.
 */
function graphGrad(outs: Tensor[], ins: Tensor[], given: (Tensor | null)[], allowUnused: boolean): (Tensor | null)[] {
  const seeds = outs.map((t, i) => given[i] ?? onesLike(t));
  let root = outs[0], seed = seeds[0];
  if (outs.length > 1) {
    const node: GradNode = {
      op: 'grad outputs', inputs: outs, graphBackward: () => seeds,
      backward: () => { throw new Error('internal: the outputs of grad have no kernel backward'); },
    };
    root = new Tensor(alloc(1), [], true, node);
    seed = onesLike(root);
  }
  const capture = new Map<Tensor, Tensor | null>(ins.map((t) => [t, null]));
  runGraphBackward(root, seed, capture);
  return ins.map((t, i) => {
    const g = capture.get(t) ?? null;
    if (g === null && !allowUnused) throw new Error(`grad: inputs[${i}] (shape ${fmt(t.shape)}) was not used to compute the outputs (pass allowUnused: true to get null)`);
    return g;
  });
}

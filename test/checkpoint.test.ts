// utils.checkpoint: a piece of the forward computed again in backward. The same loss and the same
// gradients, bit for bit, as without it (Dropout's masks repeat; the input needing a gradient or not,
// the latter finding the parameters by a recorded run), checkpointSequential over a Sequential, a
// piece of two outputs, a weight read both inside and outside the piece (a walk inside a walk), fewer
// tensors kept by the graph, nothing recorded under noGrad, and the mistakes named.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';

const { checkpoint, checkpointSequential } = bp.utils.checkpoint;

function mlp(seed: number): nn.Sequential {
  bp.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(6, 16), new nn.GELU(), new nn.Dropout(0.3), new nn.Linear(16, 16), new nn.Tanh(), new nn.Dropout(0.2), new nn.Linear(16, 3));
}

/** The loss and every gradient (parameters', then the input's when it takes one). */
function run(model: nn.Sequential, x: Tensor, forward: (x: Tensor) => Tensor, seed: number): number[][] {
  model.zeroGrad();
  bp.manualSeed(seed);
  const y = forward(x);
  const loss = y.mul(y).sum();
  loss.backward();
  return [Array.from(loss.data), ...model.parameters().map((p) => Array.from(p.grad!.data)), ...(x.requiresGrad ? [Array.from(x.grad!.data)] : [])];
}

/** How many tensors the graph from t holds (results and what their nodes read). */
function graphSize(t: Tensor): number {
  const seen = new Set<Tensor>();
  const stack = [t];
  while (stack.length) {
    const u = stack.pop() as Tensor;
    if (seen.has(u)) continue;
    seen.add(u);
    if (u.node) stack.push(...u.node.inputs);
  }
  return seen.size;
}

eachBackend('utils.checkpoint', () => {
  it('gives the loss and gradients of the plain forward bit for bit, Dropout included, the input taking a gradient or not', () => {
    for (const inputGrad of [true, false]) {
      const model = mlp(1);
      const x0 = bp.randn([5, 6]);
      const plain = run(model, x0.clone().requiresGrad_(inputGrad), (x) => model.forward(x), 7);
      const layers = model.children();
      const first = (x: Tensor) => layers.slice(0, 3).reduce((h, m) => m.forward(h) as Tensor, x);
      const rest = (x: Tensor) => layers.slice(3).reduce((h, m) => m.forward(h) as Tensor, x);
      const ckpt = run(model, x0.clone().requiresGrad_(inputGrad), (x) => rest(checkpoint(first, x)), 7);
      expect(ckpt, `input needs a gradient: ${inputGrad}`).toEqual(plain);
      const seq = run(model, x0.clone().requiresGrad_(inputGrad), (x) => checkpointSequential(model, 3, x), 7);
      expect(seq, `checkpointSequential, input needs a gradient: ${inputGrad}`).toEqual(plain);
    }
  });

  it('keeps fewer tensors in the graph; two outputs; a weight read inside and outside the piece', () => {
    const model = mlp(2);
    const x = bp.randn([4, 6], { requiresGrad: true });
    // One piece of all but the last layer: the graph holds x, the piece's output, the last layer's.
    const layers = model.children();
    const piece = (h: Tensor) => layers.slice(0, -1).reduce((a, m) => m.forward(a) as Tensor, h);
    const last = layers[layers.length - 1];
    expect(graphSize(last.forward(checkpoint(piece, x)) as Tensor)).toBe(5);
    expect(graphSize(model.forward(x))).toBeGreaterThan(12);
    const lin = new nn.Linear(3, 3);
    const both = (h: Tensor): Tensor[] => [lin.forward(h).tanh(), h.mul(2)];
    const grads = (f: (h: Tensor) => Tensor[]) => {
      lin.zeroGrad();
      const h = bp.tensor([[0.5, -1, 2], [1, 0, -0.5]], { requiresGrad: true });
      // The same Linear before the piece and in it: the outer walk reaches its weight after the
      // piece's node has walked the recomputed graph, which numbers that weight for itself.
      const [a, b] = f(lin.forward(h));
      a.sum().add(b.pow(2).sum()).backward();
      return [h.grad!, lin.weight.grad!, lin.bias!.grad!].map((g) => Array.from(g.data));
    };
    expect(grads((h) => checkpoint(both, h))).toEqual(grads(both));
  });

  it('records nothing under noGrad, repeats draws only with preserveRngState, names the mistakes', () => {
    const model = mlp(3);
    const x = bp.randn([2, 6], { requiresGrad: true });
    expect(bp.noGrad(() => checkpoint((h: Tensor) => model.forward(h), x)).requiresGrad).toBe(false);
    const plain = run(model, x, (h) => model.forward(h), 5);
    const redrawn = run(model, x, (h) => checkpoint((u: Tensor) => model.forward(u), h, { preserveRngState: false }), 5);
    expect(redrawn[0]).toEqual(plain[0]);
    expect(redrawn.slice(1)).not.toEqual(plain.slice(1));
    expect(() => checkpoint(3 as never, x)).toThrow('checkpoint: fn must be a function, got 3');
    expect(() => checkpoint((h: Tensor) => h.mul(2), x, { preserve: true })).toThrow("checkpoint: unknown option 'preserve' (the options are preserveRngState)");
    expect(() => checkpoint((h: Tensor) => h.mul(2), x, { preserveRngState: 1 })).toThrow('checkpoint: option preserveRngState must be true or false, got 1');
    expect(() => checkpoint((() => 5) as never, x)).toThrow('checkpoint: the function must return a Tensor or a non-empty array of Tensors, got 5');
    expect(() => checkpointSequential(model, 0, x)).toThrow('checkpointSequential: segments must be a positive integer, got 0');
    expect(() => checkpointSequential([3] as never, 1, x)).toThrow('checkpointSequential: modules must be a Sequential or an array of Modules');
  });
});

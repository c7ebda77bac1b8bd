// A Sequential's Linear layers at inference run as one linearChain call (lib/nn/linear_chain.ts):
// the same bits as the layers run one by one, only where nothing is recorded, and the layers it
// cannot take (hooks, subclasses, Dropout in training, shapes that do not fit) run as before.
import { afterEach, expect, it, vi } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import type { Tensor } from '../lib/tensor';
import { linearChainFrom } from '../lib/nn/linear_chain';
import { eachBackend } from './helpers/backends';
import { sameBits } from './helpers/golden';
import { EDGE_SIZES } from './helpers/random';

// Counts the chains that ran (a null result is a chain not taken).
vi.mock('../lib/nn/linear_chain', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../lib/nn/linear_chain')>();
  return { ...mod, linearChainFrom: vi.fn(mod.linearChainFrom) };
});
const chainsRun = (): number => vi.mocked(linearChainFrom).mock.results.filter((r) => r.type === 'return' && r.value !== null).length;
afterEach(() => vi.mocked(linearChainFrom).mockClear());

type Act = 'relu' | 'sigmoid' | 'tanh' | 'gelu';
const activation = (a: Act): nn.Module => (a === 'relu' ? new nn.ReLU() : a === 'sigmoid' ? new nn.Sigmoid() : a === 'tanh' ? new nn.Tanh() : new nn.GELU());

// The layers one at a time, as Sequential runs them without the chain: each Linear with the
// activation after it fused into its GEMM.
function oneByOne(layers: nn.Module[], x: Tensor): Tensor {
  let h = x;
  for (let i = 0; i < layers.length; i++) {
    const m = layers[i];
    const next = layers[i + 1];
    const act = next instanceof nn.ReLU ? 'relu' : next instanceof nn.Sigmoid ? 'sigmoid' : next instanceof nn.Tanh ? 'tanh' : next instanceof nn.GELU ? 'gelu' : null;
    if (m instanceof nn.Linear && act) {
      h = m.forwardWithActivation(h, act);
      i++;
    } else h = m.forward(h);
  }
  return h;
}

function bitsOf(t: Tensor): Float32Array {
  return Float32Array.from(t.data);
}

eachBackend('Sequential runs its Linear layers as one chain at inference', (backend) => {
  it('gives the bits of the layers run one by one, at the edge sizes, one and two threads', () => {
    bp.manualSeed(3);
    const threads = bp.getNumThreads();
    const acts: (Act | null)[] = ['relu', 'sigmoid', 'tanh', 'gelu', null];
    // The reference backend's products are plain loops: smaller widths there.
    const sizes = backend === 'native' ? [...EDGE_SIZES, 1024] : EDGE_SIZES.filter((s) => s <= 65);
    try {
      for (let c = 0; c < 12; c++) {
        const widths = Array.from({ length: 3 + (c % 4) }, (_, i) => sizes[(c * 5 + i * 3) % sizes.length]);
        const layers: nn.Module[] = [];
        for (let l = 0; l + 1 < widths.length; l++) {
          layers.push(new nn.Linear(widths[l], widths[l + 1], { bias: (c + l) % 3 !== 0 }));
          const act = acts[(c + 2 * l) % acts.length];
          if (act) layers.push(activation(act));
          if ((c + l) % 4 === 1) layers.push(c % 2 ? new nn.Identity() : new nn.Dropout(0.5));
        }
        const model = new nn.Sequential(...layers).eval();
        const rows = [1, 3, 64, 65][c % 4];
        const x = bp.randn(c % 3 === 0 ? [rows, 1, widths[0]] : [rows, widths[0]]);
        const want = bp.noGrad(() => oneByOne(layers, x));
        for (const t of backend === 'native' ? [1, 2] : [1]) {
          bp.setNumThreads(t);
          const before = chainsRun();
          const y = bp.noGrad(() => model.forward(x));
          expect(chainsRun(), `a chain ran for ${widths.join('-')}`).toBe(before + 1);
          expect(y.shape).toEqual(want.shape);
          expect(y.requiresGrad).toBe(false);
          expect(sameBits(bitsOf(y), bitsOf(want)), `${rows} rows through ${widths.join('-')} at ${t} threads`).toBe(true);
        }
      }
    } finally {
      bp.setNumThreads(threads);
    }
  });

  it('runs where nothing is recorded: parameters that need no gradient, inside noGrad or not', () => {
    bp.manualSeed(4);
    const model = new nn.Sequential(new nn.Linear(5, 7), new nn.Tanh(), new nn.Linear(7, 2));
    const x = bp.randn([4, 5]);
    const recorded = model.forward(x);
    expect(chainsRun()).toBe(0);
    expect(recorded.requiresGrad).toBe(true);
    for (const p of model.parameters()) p.requiresGrad = false;
    const frozen = model.forward(x);
    expect(chainsRun()).toBe(1);
    expect(sameBits(bitsOf(frozen), bitsOf(recorded))).toBe(true);
    // A 1-D input is one row, and gives a 1-D output, as the layers give it.
    const v = bp.randn([5]);
    const one = model.forward(v);
    expect(chainsRun()).toBe(2);
    expect(one.shape).toEqual([2]);
    expect(sameBits(bitsOf(one), bitsOf(bp.noGrad(() => oneByOne(model.layers, v))))).toBe(true);
    // An input that needs a gradient is recorded, and its gradient flows as before.
    const xg = bp.randn([4, 5], { requiresGrad: true });
    model.forward(xg).sum().backward();
    expect(chainsRun()).toBe(2);
    expect(xg.grad?.shape).toEqual([4, 5]);
  });

  it('leaves to the layers what it cannot take, and their errors say what did not fit', () => {
    bp.manualSeed(5);
    const x = bp.randn([2, 4]);
    // A hook on a layer, a subclass with a forward of its own, Dropout in training, one Linear.
    const hooked = new nn.Linear(4, 3);
    let fired = 0;
    hooked.registerForwardHook(() => { fired++; });
    class Doubled extends nn.Linear { override forward(t: Tensor): Tensor { return super.forward(t).mul(2); } }
    const cases: [string, nn.Module[]][] = [
      ['a forward hook', [hooked, new nn.ReLU(), new nn.Linear(3, 2)]],
      ['a subclass', [new nn.Linear(4, 3), new Doubled(3, 2)]],
      ['one Linear', [new nn.Linear(4, 3), new nn.ReLU()]],
    ];
    for (const [what, layers] of cases) {
      const y = bp.noGrad(() => new nn.Sequential(...layers).forward(x));
      expect(chainsRun(), what).toBe(0);
      expect(sameBits(bitsOf(y), bitsOf(bp.noGrad(() => oneByOne(layers, x)))), what).toBe(true);
    }
    expect(fired).toBe(1);
    // A pruned layer's weight is recomputed by a forward pre-hook: the chain leaves it to its forward.
    const pruned = nn.utils.prune.l1Unstructured(new nn.Linear(4, 3), 'weight', 0.5);
    const orig = (pruned as unknown as Record<string, Tensor>).weight_orig;
    for (let i = 0; i < orig.size; i++) orig.data[i] *= 2; // only the hook's recomputation sees this
    const withPruned = new nn.Sequential(new nn.Linear(4, 4), new nn.Tanh(), pruned, new nn.ReLU(), new nn.Linear(3, 2));
    const y = bp.noGrad(() => withPruned.forward(x));
    expect(chainsRun()).toBe(0);
    const alonePruned = bp.noGrad(() => oneByOne(withPruned.layers, x));
    expect(sameBits(bitsOf(y), bitsOf(alonePruned))).toBe(true);
    expect(Array.from((pruned as unknown as Record<string, Tensor>).weight.data)).toEqual(Array.from(orig.data).map((v, i) => v * (pruned as unknown as Record<string, Tensor>).weight_mask.data[i]));
    // Dropout in training drops: the layers after it run as a chain of their own, on dropped values.
    const training = new nn.Sequential(new nn.Linear(4, 8), new nn.Dropout(0.5), new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 1));
    bp.manualSeed(6);
    const dropped = bp.noGrad(() => training.forward(x));
    expect(chainsRun()).toBe(1);
    bp.manualSeed(6);
    const alone = bp.noGrad(() => oneByOne(training.layers, x));
    expect(sameBits(bitsOf(dropped), bitsOf(alone))).toBe(true);
    // Widths that do not follow on: linear's own error.
    const broken = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(5, 2));
    expect(() => bp.noGrad(() => broken.forward(x))).toThrow(/linear: input shape \[2, 3\] does not match weight shape \[2, 5\]/);
    expect(() => bp.noGrad(() => new nn.Sequential(new nn.Linear(3, 3), new nn.Linear(3, 2)).forward(x))).toThrow(/linear: input shape \[2, 4\] does not match weight shape \[3, 3\]/);
    // Not a tensor: the first layer's error.
    const two = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
    expect(() => bp.noGrad(() => two.forward(null as unknown as Tensor))).toThrow(/linear: expected a Tensor, got null/);
    expect(() => two.forward(undefined as unknown as Tensor)).toThrow(/linear: expected a Tensor, got undefined/);
    // No rows: the layers' own answer (an empty output of the last width).
    const none = bp.noGrad(() => new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2)).forward(bp.zeros([0, 4])));
    expect(none.shape).toEqual([0, 2]);
  });

  it('frees its intermediate arrays and keeps the caller\'s input', () => {
    bp.manualSeed(7);
    const model = new nn.Sequential(new nn.Linear(30, 200), new nn.ReLU(), new nn.Linear(200, 200), new nn.ReLU(), new nn.Linear(200, 3)).eval();
    const x = bp.randn([8, 30]);
    bp.noGrad(() => model.forward(x)); // the pool holds the hidden arrays' sizes from here on
    const fresh = bp.memory().freshBytes;
    for (let i = 0; i < 20; i++) bp.noGrad(() => model.forward(x)).dispose();
    expect(bp.memory().freshBytes - fresh).toBeLessThan(2 * 8 * 200 * 4);
    expect(x.data.length).toBe(240);
  });
});

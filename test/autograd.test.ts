// Tape behaviour as in PyTorch: accumulation, noGrad, detach, 0-d tensors, retainGrad, assignable grad.
import { expect, it, vi } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { nn, Tensor } from '../lib/index';
import { Unary, UnaryCode } from '../lib/backend/backend';
import { referenceBackend } from '../lib/backend/reference';
import { record } from '../lib/ops/core';

eachBackend('autograd', () => {
  it('gradients accumulate across backward calls and across uses of a tensor', () => {
    const x = bp.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([5, 7, 9]);
    const y = bp.tensor(2, { requiresGrad: true });
    y.add(y).mul(y).backward(); // d(2y^2)/dy = 4y
    expect(y.grad!.item()).toBe(8);
  });

  it('a graph is used up by its backward unless retainGraph, as in PyTorch', () => {
    const x = bp.tensor([1, 2, 3], { requiresGrad: true });
    const loss = x.mul(x).sum();
    loss.backward();
    // A second pass would add 2x again without saying so: PyTorch refuses it, and so do we.
    expect(() => loss.backward()).toThrow(/backward through the graph a second time \(through 'sum', of shape \[\]\)/);
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]); // the refused pass changed nothing
    // Two losses that share a part of the graph: the second goes through operations the first used up.
    const h = x.mul(2);
    h.sum().backward();
    expect(() => h.mul(h).sum().backward()).toThrow(/second time \(through 'mul', of shape \[3\]\)/);
    // retainGraph keeps it usable; the gradients then add up.
    x.grad = null;
    const kept = x.mul(x).sum();
    kept.backward(undefined, { retainGraph: true });
    kept.backward({ retainGraph: true }); // the options first, as PyTorch's backward(retain_graph=True)
    kept.backward();
    expect(Array.from(x.grad!.data)).toEqual([6, 12, 18]);
    expect(() => kept.backward()).toThrow(/second time/);
    // A new forward pass makes a new graph.
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([8, 16, 24]);
  });

  it('max over all elements shares the gradient among ties (and NaNs); along a dim it goes to the first, as PyTorch 1.13', () => {
    // Expected values printed by torch 1.13: x.max().backward() and x.max(1).values.sum().backward().
    const x = bp.tensor([[3, 1, 3], [2, 2, 0]], { requiresGrad: true });
    x.max().backward();
    expect(Array.from(x.grad!.data)).toEqual([0.5, 0, 0.5, 0, 0, 0]);
    x.grad = null;
    x.max(1).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 0, 1, 0, 0]);
    const n = bp.tensor([1, NaN, 3, NaN], { requiresGrad: true });
    n.max().backward();
    expect(Array.from(n.grad!.data)).toEqual([0, 0.5, 0, 0.5]);
  });

  it('pow with a tensor exponent has PyTorch 1.13 gradients at a zero base', () => {
    // Expected values printed by torch 1.13 for the same points (float32).
    const pts = [0, -0, 1, -1, 2, 0.5];
    const x = bp.tensor(pts, { requiresGrad: true });
    x.pow(bp.tensor(2)).sum().backward(); // was NaN at 0: 2 * y / x
    expect(Array.from(x.grad!.data)).toEqual([0, -0, 2, -2, 4, 1]);
    const e = bp.tensor(pts, { requiresGrad: true });
    bp.tensor(0).pow(e).sum().backward();
    expect(Array.from(e.grad!.data)).toEqual([0, 0, 0, -Infinity, 0, 0]);
    const s = bp.tensor(pts, { requiresGrad: true });
    s.pow(s).sum().backward();
    const g = Array.from(s.grad!.data);
    expect(g.slice(0, 3)).toEqual([0, 0, 1]);
    expect(g[3]).toBeNaN();
    expect(g[4]).toBeCloseTo(6.772588729858398, 5);
    expect(g[5]).toBeCloseTo(0.21697771549224854, 6);
    // A zero exponent zeroes the base's gradient even for an infinite or NaN upstream gradient (torch's
    // where); the exponent's gradient is the upstream one times its factor (0 * inf: NaN).
    const b = bp.tensor([3, 3, 2], { requiresGrad: true });
    const p = bp.tensor([0, 0, 0], { requiresGrad: true });
    b.pow(p).backward(bp.tensor([Infinity, NaN, 1]));
    expect(Array.from(b.grad!.data)).toEqual([0, 0, 0]);
    expect(p.grad!.data[2]).toBeCloseTo(Math.log(2), 6);
    expect(p.grad!.data[0]).toBe(Infinity);
  });

  it('matmul broadcasts batch dimensions as torch.matmul: each batch is the 2-D product of its operands', () => {
    bp.manualSeed(5);
    const a = bp.randn([2, 1, 3, 4]);
    const b = bp.randn([5, 4, 6]);
    const y = a.matmul(b);
    expect(y.shape).toEqual([2, 5, 3, 6]);
    const slice = (t: bp.Tensor, i: number, rows: number, cols: number) => bp.tensor(t.data.slice(i * rows * cols, (i + 1) * rows * cols), { shape: [rows, cols] });
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 5; j++) {
        expect(Array.from(slice(y, i * 5 + j, 3, 6).data)).toEqual(Array.from(slice(a, i, 3, 4).matmul(slice(b, j, 4, 6)).data));
      }
    }
    expect(bp.matmul(bp.randn([3, 4]), b).shape).toEqual([5, 3, 6]);
    expect(bp.matmul(bp.randn([4]), bp.randn([2, 3, 4, 5])).shape).toEqual([2, 3, 5]);
  });

  it('0-d tensors work end to end (micrograd style)', () => {
    const w = bp.tensor(3, { requiresGrad: true });
    const b = bp.tensor(1, { requiresGrad: true });
    const loss = w.mul(2).add(b).sub(5).pow(2);
    expect(loss.shape).toEqual([]);
    expect(loss.item()).toBe(4);
    loss.backward();
    expect(w.grad!.item()).toBe(8);
    expect(b.grad!.item()).toBe(4);
    expect(w.grad!.shape).toEqual([]);
  });

  it('noGrad records nothing; detach shares storage and cuts the tape', () => {
    const x = bp.ones([2], { requiresGrad: true });
    const y = bp.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(bp.isGradEnabled()).toBe(true);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.data).toBe(x.data);
    expect(() => bp.noGrad(() => Promise.resolve(1) as unknown as number)).toThrow(/synchronous/);
  });

  it('retainGrad keeps a non-leaf gradient; grad can be assigned and cleared', () => {
    const x = bp.tensor([1, -2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    h.relu().sum().backward();
    expect(Array.from(h.grad!.data)).toEqual([1, 0]);
    expect(Array.from(x.grad!.data)).toEqual([3, 0]);
    x.grad = null;
    expect(x.grad).toBeNull();
    x.grad = bp.ones([2]);
    expect(x.grad!.item === undefined).toBe(false);
  });

  it('a diamond graph sums both paths; tensor methods and free functions agree', () => {
    const x = bp.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const a = x.exp();
    const out = a.mul(a.sum(1, true)).mean();
    out.backward();
    const g = Array.from(x.grad!.data);
    const x2 = bp.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const a2 = bp.exp(x2);
    bp.mean(bp.mul(a2, bp.sum(a2, 1, true))).backward();
    expect(Array.from(x2.grad!.data)).toEqual(g);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('ops on tensors with an empty dimension give empty results, as PyTorch (the native kernels divided by zero once)', () => {
    for (const shape of [[0, 5], [5, 0], [0, 0], [1, 0, 3], [3, 1, 0]]) {
      const x = bp.zeros(shape);
      expect(x.transpose(0, shape.length - 1).shape).toEqual([...shape].reverse()); // first and last swapped
      expect(x.gelu().shape).toEqual(shape);
      for (let d = 0; d < shape.length; d++) {
        expect(x.softmax(d).shape).toEqual(shape);
        expect(x.logSoftmax(d).shape).toEqual(shape);
        const reduced = shape.filter((_, i) => i !== d);
        expect(x.sum(d).shape).toEqual(reduced);
        // max and argmax refuse only an empty reduced dimension: max([0, 5], 1) is [0].
        if (shape[d] === 0) {
          expect(() => x.max(d)).toThrow(new RegExp(`max: dim ${d} of shape \\[${shape.join(', ')}\\] is empty`));
        } else {
          expect(x.max(d).shape).toEqual(reduced);
          expect(x.argmax(d).shape).toEqual(reduced);
        }
      }
      expect(() => x.max()).toThrow(/max: the tensor is empty/);
      const g = bp.zeros(shape, { requiresGrad: true });
      g.softmax(0).sum().backward();
      expect(g.grad!.shape).toEqual(shape);
    }
  });

  it('creation functions, toArray, item, arange, eye, argmax, max, T', () => {
    expect(bp.arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(bp.arange(1, 2, 0.5).toArray()).toEqual([1, 1.5]);
    expect(bp.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(bp.full([2], 7).toArray()).toEqual([7, 7]);
    const t = bp.tensor([[1, 5, 2], [9, 0, 3]]);
    expect(t.argmax(1).toArray()).toEqual([1, 0]);
    expect(t.max(0).toArray()).toEqual([9, 5, 3]);
    expect(t.max().item()).toBe(9);
    expect(t.T.toArray()).toEqual([[1, 9], [5, 0], [2, 3]]);
    const b = bp.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { shape: [2, 2, 3] });
    expect(b.mT.toArray()).toEqual([[[1, 4], [2, 5], [3, 6]], [[7, 10], [8, 11], [9, 12]]]);
    expect(b.mH.toArray()).toEqual(b.mT.toArray());
    expect(() => bp.tensor([1, 2]).mT).toThrow('mT: expects a tensor with at least 2 dimensions, got shape [2]');
    expect(b.ndimension()).toBe(3);
    expect(b.stride()).toEqual([6, 3, 1]);
    expect(b.stride(-2)).toBe(3);
    expect(() => b.stride(3)).toThrow(/^stride: dim 3 is out of range/);
    expect(b.typeAs(t)).toBe(b);
    expect(() => b.typeAs([1] as unknown as bp.Tensor)).toThrow(/typeAs: other must be a Tensor/);
    expect(b.positive()).toBe(b);
    expect(t.where(t.gt(2), -1).toArray()).toEqual([[-1, 5, -1], [9, -1, 3]]);
    expect(bp.tensor([1, 0, 0]).cross(bp.tensor([0, 1, 0])).toArray()).toEqual([0, 0, 1]);
    expect(bp.tensor([[1, 1], [0, 1]]).matrixPower(3).toArray()).toEqual([[1, 3], [0, 1]]);
    expect(bp.tensor([1]).nextafter(2).item()).toBe(1 + 2 ** -23);
    expect(t.flatten().shape).toEqual([6]);
    expect(t.toFloat32Array()).not.toBe(t.data);
    expect(bp.tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(() => t.item()).toThrow(/only one-element tensors/);
  });

  it('manualSeed makes rand and randn repeatable, on both backends alike', () => {
    bp.manualSeed(5);
    const a = bp.randn([50]).toArray();
    const u = bp.rand([50]).toArray() as number[];
    bp.manualSeed(5);
    expect(bp.randn([50]).toArray()).toEqual(a);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('softmax and cross-entropy stay finite for logits of 1e3', () => {
    const x = bp.tensor([[1000, -1000, 0], [-1000, 1000, 999]], { requiresGrad: true });
    const s = bp.softmax(x, 1);
    expect(Array.from(s.data).every(Number.isFinite)).toBe(true);
    const loss = new bp.nn.CrossEntropyLoss().forward(x, [1, 2]);
    expect(Number.isFinite(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(x.grad!.data).every(Number.isFinite)).toBe(true);
    const bce = new bp.nn.BCEWithLogitsLoss().forward(bp.tensor([1000, -1000]), bp.tensor([0, 1]));
    expect(bce.item()).toBeCloseTo(1000, 3);
  });

  it('mean\'s backward divides the gradient by the count, as torch\'s (grad / numel), not times its reciprocal', () => {
    // torch 1.13: x = torch.rand(2100, requires_grad=True); x.mean().backward(torch.tensor(1.7))
    // gives 0.0008095238590613008 in every element; 1.7 * (1 / 2100) in float is 0.0008095238008536398.
    const x = bp.rand([2100], { requiresGrad: true });
    x.mean().backward(bp.tensor([1.7]).reshape([]));
    expect(new Set(x.grad!.data)).toEqual(new Set([0.0008095238590613008]));
    const y = bp.rand([3, 2100], { requiresGrad: true });
    y.mean(1).backward(bp.full([3], 1.7));
    expect(new Set(y.grad!.data)).toEqual(new Set([0.0008095238590613008]));
  });

  it('reductions over nothing give what PyTorch gives: sum 0, mean NaN, max an error', () => {
    expect(bp.sum(bp.tensor([])).item()).toBe(0);
    expect(bp.mean(bp.tensor([])).item()).toBeNaN();
    const z = bp.zeros([0, 3], { requiresGrad: true });
    const s = bp.sum(z, 0);
    expect([...s.shape]).toEqual([3]);
    expect(Array.from(s.data)).toEqual([0, 0, 0]);
    expect(Array.from(bp.mean(bp.zeros([3, 0]), 1).data).every(Number.isNaN)).toBe(true);
    s.sum().backward();
    expect([...z.grad!.shape]).toEqual([0, 3]);
    expect(() => bp.max(bp.zeros([0, 3]), 0)).toThrow(/empty/);
  });

  it('GELU, its gradient and the ELU gradient keep their negative tails (no cancellation)', () => {
    // Exact values: gelu(-6) = -6 Phi(-6) = -5.9195e-9, gelu(-8) = -4.9768e-15 (PyTorch in float64,
    // with 1 + erf, gives -4.885e-15), gelu'(-6) = Phi(-6) - 6 phi(-6) = -3.5469e-8.
    const x = bp.tensor([-6, -8], { requiresGrad: true });
    const y = new bp.nn.GELU().forward(x);
    expect(y.data[0] / -5.919525869479969e-9).toBeCloseTo(1, 4);
    expect(y.data[1] / -4.976768e-15).toBeCloseTo(1, 3);
    y.sum().backward();
    expect(x.grad!.data[0] / -3.546870945402639e-8).toBeCloseTo(1, 4);
    // ELU's gradient from its input, alpha e^x, as PyTorch computes it: from the output, y + alpha
    // cancelled to 0 at x = -16.5 (PyTorch: 6.97e-8).
    const z = bp.tensor([-16.479013442993164], { requiresGrad: true });
    new bp.nn.ELU().forward(z).sum().backward();
    expect(z.grad!.data[0] / 6.970363131131307e-8).toBeCloseTo(1, 5);
  });

  it('NaN and infinities pass through activations and losses as in PyTorch', () => {
    const x = bp.tensor([NaN, Infinity, -Infinity, -100]);
    const relu = Array.from(bp.relu(x).data);
    expect(relu[0]).toBeNaN(); // PyTorch: relu(nan) = nan
    expect(relu.slice(1)).toEqual([Infinity, 0, 0]);
    const sig = Array.from(bp.sigmoid(x).data);
    expect(sig[0]).toBeNaN();
    expect(sig.slice(1, 3)).toEqual([1, 0]);
    expect(sig[3]).toBeGreaterThan(0); // 3.8e-44, not cancelled to 0
    expect(Array.from(bp.exp(bp.tensor([100, NaN])).data)).toEqual([Infinity, NaN]);
    expect(Array.from(bp.softmax(bp.tensor([1, NaN, 2]), 0).data).every(Number.isNaN)).toBe(true);
    const ce = new bp.nn.CrossEntropyLoss().forward(bp.tensor([[-Infinity, 0, 1]]), [0]);
    expect(ce.item()).toBe(Infinity);
    // NLLLoss reads the target's log-probability: another class at -Infinity (a masked logit) does
    // not make it NaN. PyTorch: nll_loss([[-inf, -1], [-2, -inf]], [1, 0]) = 1.5, gradient -0.5 at
    // the targets and 0 elsewhere.
    const lp = bp.tensor([[-Infinity, -1], [-2, -Infinity]], { requiresGrad: true });
    const nll = new bp.nn.NLLLoss().forward(lp, [1, 0]);
    expect(nll.item()).toBe(1.5);
    nll.backward();
    expect(Array.from(lp.grad!.data)).toEqual([0, -0.5, -0.5, 0]);
    // Kept on purpose (README): probability targets skip classes whose target is 0 (0 log 0 = 0), so
    // a -Infinity logit there costs nothing; PyTorch returns NaN.
    const soft = new bp.nn.CrossEntropyLoss().forward(bp.tensor([[-Infinity, 0, 1]]), bp.tensor([[0, 0.5, 0.5]]));
    expect(soft.item()).toBeCloseTo(0.5 * Math.log(1 + Math.E) + 0.5 * Math.log(1 + Math.exp(-1)), 5);
  });
});

eachBackend('activation backward fused into the next GEMM', (backend) => {
  // Each hidden layer's activation backward runs in the epilogue of the next layer's input-gradient
  // GEMM when that layer is the hidden output's one use; retainGrad (which must see dL/dh) and a
  // second use turn it off. Either way the gradients are the same numbers.
  const grads = (act: 'relu' | 'sigmoid' | 'tanh' | 'gelu', variant: 'fused' | 'retained' | 'twice' | 'unfused'): Float32Array[] => {
    bp.manualSeed(3);
    const Act = { relu: nn.ReLU, sigmoid: nn.Sigmoid, tanh: nn.Tanh, gelu: nn.GELU }[act];
    const l1 = new nn.Linear(9, 65), l2 = new nn.Linear(65, 33), l3 = new nn.Linear(33, 7);
    const model = new nn.Sequential(l1, new Act(), l2, new Act());
    const x = bp.randn([17, 9]);
    // unfused: each activation its own op, and a * 1 after it, so that no GEMM takes its backward.
    const apart = (t: Tensor) => new Act().forward(t).mul(1);
    const h = variant === 'unfused' ? apart(l2.forward(apart(l1.forward(x)))) : model.forward(x);
    if (variant === 'retained') h.retainGrad();
    let out = l3.forward(h);
    if (variant === 'twice') out = out.add(l3.forward(h).mul(0)); // a second use of h, adding nothing
    out.pow(2).sum().backward();
    return [l1, l2, l3].flatMap((l) => [l.weight.grad!.data, l.bias!.grad!.data]);
  };

  it('gives the unfused gradients exactly, and skips the separate activation backward', () => {
    const be = bp.getBackend() === 'reference' ? referenceBackend : null;
    for (const act of ['relu', 'sigmoid', 'tanh', 'gelu'] as const) {
      // GELU's backward is its own op's (unaryGrad with GELU's code), the others' the fused linear's (biasActGrad).
      const spy = be ? vi.spyOn(be, act === 'gelu' ? 'unaryGrad' : 'biasActGrad') : null;
      const own = () => (spy ? spy.mock.calls.filter((c) => act !== 'gelu' || c[0] === Unary.gelu).length : 0);
      const fused = grads(act, 'fused');
      if (spy) expect(own(), `${act}: hidden layers' own activation backward`).toBe(0);
      spy?.mockClear();
      const retained = grads(act, 'retained');
      if (spy) expect(own(), `${act} with retainGrad`).toBe(1); // the retained layer's own
      spy?.mockRestore();
      const twice = grads(act, 'twice');
      const unfused = grads(act, 'unfused');
      fused.forEach((g, i) => {
        expect(g, `${act} ${backend} tensor ${i} vs no fusion at all`).toEqual(unfused[i]);
        expect(g, `${act} ${backend} tensor ${i} vs retained`).toEqual(retained[i]);
        expect(g, `${act} ${backend} tensor ${i} vs two uses`).toEqual(twice[i]);
      });
    }
  });
});

eachBackend('GELU in the GEMM epilogue', (backend) => {
  // Linear + GELU runs as one GEMM where no gradient is recorded (its derivative needs the
  // pre-activation); with gradients it is the product, then gelu(). The same numbers either way.
  it('inference fuses it (one gemm call) with the bits of the unfused layers; training gives the same values and gradients', () => {
    bp.manualSeed(5);
    const lin = new nn.Linear(9, 65), x = bp.randn([17, 9]);
    const fusedModel = new nn.Sequential(lin, new nn.GELU());
    const unfused = () => bp.gelu(lin.forward(x));
    const be = bp.getBackend() === 'reference' ? referenceBackend : null;
    const gemm = be ? vi.spyOn(be, 'gemm') : null;
    const unary = be ? vi.spyOn(be, 'unary') : null;
    const inferred = bp.noGrad(() => fusedModel.forward(x));
    if (gemm && unary) {
      expect(gemm).toHaveBeenCalledTimes(1);
      expect(unary, 'no separate GELU pass').toHaveBeenCalledTimes(0);
    }
    gemm?.mockRestore();
    unary?.mockRestore();
    const reference = bp.noGrad(unfused);
    expect(inferred.data, `${backend}: fused vs unfused`).toEqual(reference.data);
    const trained = fusedModel.forward(x);
    expect(trained.requiresGrad).toBe(true);
    expect(trained.data).toEqual(reference.data);
    trained.pow(2).sum().backward();
    const fusedGrads = [lin.weight.grad!.data.slice(), lin.bias!.grad!.data.slice()];
    lin.zeroGrad();
    unfused().pow(2).sum().backward();
    expect(fusedGrads).toEqual([lin.weight.grad!.data, lin.bias!.grad!.data]);
  });
  it('every fused activation gives the bits of the activation applied after, on each GEMM path', () => {
    // 7x9x5 goes to the tiny path, 17x65x9 the small one, 67x257x130 the in-place tiles and
    // 256x300x256 the packed ones (where sigmoid, tanh and GELU run over each block of C).
    const sizes: [number, number, number][] = [[7, 5, 9], [17, 65, 9], [67, 257, 130], [256, 300, 256]];
    for (const [batch, out, inF] of sizes) {
      bp.manualSeed(batch);
      const x = bp.randn([batch, inF]).mul(3), w = bp.randn([out, inF]).mul(0.3), b = bp.randn([out]);
      const z = bp.linear(x, w, b);
      for (const [act, after] of [['relu', bp.relu], ['sigmoid', bp.sigmoid], ['tanh', bp.tanh], ['gelu', bp.gelu]] as const) {
        const fused = bp.noGrad(() => bp.linear(x, w, b, act));
        expect(fused.data, `${backend} ${batch}x${out}x${inF} ${act}`).toEqual(after(z).data);
      }
    }
  });
  it('linear() names an activation it does not know', () => {
    expect(() => bp.linear(bp.zeros([2, 3]), bp.zeros([4, 3]), null, 'swish' as 'relu')).toThrow(/linear: activation must be one of 'none', 'relu', 'sigmoid', 'tanh', 'gelu', got "swish"/);
  });
});

it('the engine hands a gate to a consumer only for a tensor it is the one use of', () => {
  const seen: string[] = [];
  const x = bp.tensor([1, -2, 3], { requiresGrad: true });
  // producer: relu with a gate; consumer: identity that claims the gate when offered.
  const producer = (t: Tensor) => {
    const yd = t.data.map((v) => Math.max(v, 0));
    return record(yd, t.shape, [t], 'producer', (gy, ctx) => {
      seen.push(`producer gated=${ctx?.gated}`);
      return [ctx?.gated ? gy : gy.map((g, i) => (yd[i] > 0 ? g : 0))];
    }, { act: Unary.relu as UnaryCode, y: yd });
  };
  const consumer = (t: Tensor) => record(t.data.slice(), t.shape, [t], 'consumer', (gy, ctx) => {
    const gate = ctx?.claimGate(0) ?? null;
    seen.push(`consumer claimed=${gate !== null}`);
    return [gate ? gy.map((g, i) => (gate.y[i] > 0 ? g : 0)) : gy.slice()];
  });
  consumer(producer(x)).sum().backward();
  expect(seen).toEqual(['consumer claimed=true', 'producer gated=true']);
  expect(Array.from(x.grad!.data)).toEqual([1, 0, 1]);
  seen.length = 0;
  x.grad = null;
  const h = producer(x);
  consumer(h).add(consumer(h)).sum().backward(); // two uses: neither may claim
  expect(seen).toEqual(['consumer claimed=false', 'consumer claimed=false', 'producer gated=false']);
  expect(Array.from(x.grad!.data)).toEqual([2, 0, 2]);
});

it('a backward that gives one fresh array to two inputs: a later contribution to one leaves the other as it was', () => {
  const a = bp.tensor([1, 2], { requiresGrad: true });
  const b = bp.tensor([5, 6], { requiresGrad: true });
  // twin(a, b) = a + b, whose backward hands the same new array to both inputs.
  const twin = record(a.data.map((v, i) => v + b.data[i]), [2], [a, b], 'twin', (gy) => {
    const g = gy.slice();
    return [g, g];
  });
  // twin's backward runs before mul's: a's second contribution arrives after b took its gradient.
  a.mul(3).sum().add(twin.sum()).backward();
  expect(Array.from(b.grad!.data)).toEqual([1, 1]);
  expect(Array.from(a.grad!.data)).toEqual([4, 4]);
});

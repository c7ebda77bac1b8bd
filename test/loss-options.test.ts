// The losses' torch options: class weights, ignoreIndex, label smoothing with both, inputs of one
// sample or a class per position ([N, C, d...]), BCE weights and posWeight. Checked on both backends
// against identities that need nothing else, and against torch 1.13 itself when it is here.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, randomArray, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { Encoded, encodeNumber, expectLike, PY_ENCODE } from './helpers/torch_ops';

type Kind = 'ce' | 'ceProb' | 'nll' | 'bce' | 'bceLogits';

interface Case {
  kind: Kind;
  shape: number[];
  input: number[];
  target: number[];
  targetShape: number[];
  weight: number[] | null;
  weightShape: number[] | null;
  posWeight: number[] | null;
  ignoreIndex: number;
  smoothing: number;
  reduction: 'mean' | 'sum' | 'none';
  upstream: number[]; // d(loss)/d(output), shaped as the output ([] for 'mean' and 'sum')
}

function lossModule(c: Case): nn.Loss {
  const weight = c.weight ? bp.tensor(c.weight, { shape: c.weightShape ?? undefined }) : null;
  const reduction = c.reduction;
  switch (c.kind) {
    case 'ce':
    case 'ceProb': return new nn.CrossEntropyLoss({ weight, ignoreIndex: c.ignoreIndex, labelSmoothing: c.smoothing, reduction });
    case 'nll': return new nn.NLLLoss({ weight, ignoreIndex: c.ignoreIndex, reduction });
    case 'bce': return new nn.BCELoss({ weight, reduction });
    case 'bceLogits': return new nn.BCEWithLogitsLoss({ weight, posWeight: c.posWeight ? bp.tensor(c.posWeight) : null, reduction });
  }
}

/** Our loss values and input gradient for a case. */
function ours(c: Case): { loss: number[]; grad: number[] } {
  const x = bp.tensor(c.input, { shape: c.shape, requiresGrad: true });
  const target = bp.tensor(c.target, { shape: c.targetShape });
  const out = lossModule(c).forward(x, target);
  out.backward(c.reduction === 'none' ? bp.tensor(c.upstream, { shape: out.shape as number[] }) : undefined);
  return { loss: Array.from(out.data), grad: Array.from(x.grad!.data) };
}

function randomCase(r: () => number): Case {
  const kinds: Kind[] = ['ce', 'ceProb', 'nll', 'bce', 'bceLogits'];
  const kind = kinds[Math.floor(r() * kinds.length)];
  const { pick } = drawsOf(r);
  const classes = pick([1, 2, 5]);
  const layout = pick(['one', 'batch', 'batch', 'positions', 'positions2']);
  const shape = layout === 'one' ? [classes]
    : layout === 'batch' ? [pick([1, 3, 7]), classes]
      : layout === 'positions' ? [pick([1, 3]), classes, pick([1, 4])] : [2, classes, 3, 2];
  const n = shape.reduce((a, b) => a * b, 1);
  const positions = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];
  const reduction = pick(['mean', 'sum', 'none'] as const);
  // torch refuses an ignore_index of 0 or more with probability targets (tested below).
  const ignoreIndex = r() < 0.5 || kind === 'ceProb' ? -100 : Math.floor(r() * classes);
  const c: Case = {
    kind, shape, input: [], target: [], targetShape: [], weight: null, weightShape: null, posWeight: null,
    ignoreIndex, smoothing: kind === 'ce' || kind === 'ceProb' ? pick([0, 0, 0.1, 0.3]) : 0, reduction, upstream: [],
  };
  if (kind === 'ce' || kind === 'nll') {
    const count = positions.reduce((a, b) => a * b, 1);
    c.targetShape = positions;
    c.target = Array.from({ length: count }, () => (r() < 0.25 ? ignoreIndex : Math.floor(r() * classes)));
    // Now and then every target is ignored (a NaN mean, as torch's); mostly not.
    if (r() < 0.9 && c.target.every((t) => t === ignoreIndex) && classes > 1) c.target[0] = ignoreIndex === 0 ? 1 : 0;
    if (r() < 0.7) c.weight = Array.from(randomArray(classes, r, 0, 2)).map((v, i) => (i === 0 && r() < 0.2 ? 0 : v));
    c.input = Array.from(randomArray(n, r, kind === 'nll' ? -4 : -3, kind === 'nll' ? 0 : 3));
  } else if (kind === 'ceProb') {
    c.targetShape = shape;
    const t = randomArray(n, r, 0, 1);
    c.target = Array.from(t);
    if (r() < 0.7) c.weight = Array.from(randomArray(classes, r, 0, 2));
    c.input = Array.from(randomArray(n, r, -3, 3));
  } else {
    c.targetShape = shape;
    c.target = Array.from({ length: n }, () => (r() < 0.3 ? Math.fround(r()) : Math.floor(r() * 2)));
    c.input = kind === 'bce' ? Array.from(randomArray(n, r, 0.02, 0.98)) : Array.from(randomArray(n, r, -6, 6));
    if (r() < 0.6) {
      c.weightShape = pick([[shape[shape.length - 1]], shape, shape.length > 1 ? [shape[0], ...shape.slice(1).map(() => 1)] : [1]]);
      c.weight = Array.from(randomArray(c.weightShape.reduce((a, b) => a * b, 1), r, 0, 2));
    }
    if (kind === 'bceLogits' && r() < 0.7) c.posWeight = Array.from(randomArray(shape[shape.length - 1], r, 0.2, 4));
  }
  const outSize = reduction === 'none' ? (kind === 'bce' || kind === 'bceLogits' ? n : positions.reduce((a, b) => a * b, 1)) : 0;
  c.upstream = Array.from(randomArray(outSize, r));
  c.input = c.input.map(Math.fround);
  c.weight = c.weight?.map(Math.fround) ?? null;
  c.posWeight = c.posWeight?.map(Math.fround) ?? null;
  c.target = c.target.map(Math.fround);
  c.upstream = c.upstream.map(Math.fround);
  return c;
}

// torch's answer in float64 from the same float32 values.
const TORCH_SCRIPT = `
import torch, json, sys
import torch.nn.functional as F
out = []
for c in json.loads(sys.stdin.read()):
    d = torch.float64
    x = torch.tensor(c["input"], dtype=d).reshape(c["shape"]).requires_grad_()
    w = None if c["weight"] is None else torch.tensor(c["weight"], dtype=d).reshape(c["weightShape"] or [-1])
    k = c["kind"]
    if k in ("ce", "nll"):
        t = torch.tensor(c["target"], dtype=torch.int64).reshape(c["targetShape"])
    else:
        t = torch.tensor(c["target"], dtype=d).reshape(c["targetShape"])
    if k in ("ce", "ceProb"):
        y = F.cross_entropy(x, t, weight=w, ignore_index=c["ignoreIndex"], reduction=c["reduction"], label_smoothing=c["smoothing"])
    elif k == "nll":
        y = F.nll_loss(x, t, weight=w, ignore_index=c["ignoreIndex"], reduction=c["reduction"])
    elif k == "bce":
        y = F.binary_cross_entropy(x, t, weight=w, reduction=c["reduction"])
    else:
        pw = None if c["posWeight"] is None else torch.tensor(c["posWeight"], dtype=d)
        y = F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction=c["reduction"])
    g = torch.ones_like(y) if c["reduction"] != "none" else torch.tensor(c["upstream"], dtype=d).reshape(y.shape)
    y.backward(g)
    num = lambda t: [None if v != v else float(v) for v in t.reshape(-1).tolist()]  # NaN as null
    out.append({"loss": num(y.detach()), "grad": num(x.grad)})
print(json.dumps(out))
`;

function expectClose(got: number[], want: Array<number | null>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === null) expect(got[i], `${what} [${i}]`).toBeNaN();
    else expect(Math.abs(got[i] - w), `${what} [${i}]: ${got[i]} vs torch ${w}`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(w)));
  }
}

eachBackend('loss options', () => {
  it('L1Loss (one op) gives the gradients of its composition (abs of the difference, mean or sum) bit for bit, 0 where the difference is', () => {
    const r = rng(5);
    const x = bp.tensor(randomArray(300 * 7, r, -2, 2), { shape: [300, 7] });
    const t = bp.tensor(randomArray(300 * 7, r, -2, 2), { shape: [300, 7] });
    for (let i = 0; i < 300 * 7; i += 5) t.data[i] = x.data[i];
    const grads = (f: (a: Tensor, b: Tensor) => Tensor) => {
      const [a, b] = [x.detach().requiresGrad_(), t.detach().requiresGrad_()];
      const loss = f(a, b);
      loss.backward(bp.tensor([1.7]).reshape([])); // 1.7 / 2100 is not 1.7 * (1 / 2100) in float
      return { loss: loss.item(), ga: Array.from(a.grad!.data), gb: Array.from(b.grad!.data) };
    };
    for (const reduction of ['mean', 'sum'] as const) {
      const ours = grads((a, b) => new nn.L1Loss({ reduction }).forward(a, b));
      const theirs = grads((a, b) => (reduction === 'sum' ? a.sub(b).abs().sum() : a.sub(b).abs().mean()));
      expect(ours.loss, reduction).toBeCloseTo(theirs.loss, reduction === 'sum' ? 2 : 5);
      expect(ours.ga, reduction).toEqual(theirs.ga);
      expect(ours.gb, reduction).toEqual(theirs.gb);
      expect(ours.ga.filter((v) => v === 0).length).toBe(420);
    }
  });

  it('weights of 1 and an index no target uses change nothing', () => {
    const r = rng(3);
    const x = bp.tensor(randomArray(7 * 5, r, -2, 2), { shape: [7, 5] });
    const y = [0, 4, 2, 2, 1, 3, 0];
    for (const labelSmoothing of [0, 0.2]) {
      const plain = new nn.CrossEntropyLoss({ labelSmoothing }).forward(x, y).item();
      const weighted = new nn.CrossEntropyLoss({ labelSmoothing, weight: bp.ones([5]), ignoreIndex: 9 }).forward(x, y).item();
      expect(weighted).toBeCloseTo(plain, 6);
    }
  });

  it('an ignored target adds nothing: the mean is over the others and its row gets no gradient', () => {
    const r = rng(4);
    const data = randomArray(6 * 4, r, -2, 2);
    const x = bp.tensor(data, { shape: [6, 4], requiresGrad: true });
    const loss = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(x, [1, -100, 3, 0, -100, 2]);
    loss.backward();
    const kept = [0, 2, 3, 5];
    const sub = bp.tensor(kept.flatMap((i) => Array.from(data.subarray(i * 4, i * 4 + 4))), { shape: [4, 4] });
    expect(loss.item()).toBeCloseTo(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(sub, [1, 3, 0, 2]).item(), 6);
    const g = x.grad!.toArray() as number[][];
    expect(g[1].every((v) => v === 0) && g[4].every((v) => v === 0), `${g[1]} / ${g[4]}`).toBe(true);
    // Every target ignored: 0 / 0, NaN, as torch gives.
    expect(new nn.NLLLoss().forward(x, [-100, -100, -100, -100, -100, -100]).item()).toBeNaN();
  });

  it('[N, C, d] is the loss of its positions as rows; one sample [C] is a batch of one', () => {
    const r = rng(5);
    const x = bp.tensor(randomArray(2 * 3 * 4, r, -2, 2), { shape: [2, 3, 4] });
    const y = bp.tensor([0, 2, 1, 1, 2, 2, 0, 1], { shape: [2, 4] });
    const rows = x.transpose(1, 2).reshape([8, 3]);
    const each = new nn.CrossEntropyLoss({ reduction: 'none' }).forward(x, y);
    expect(each.shape).toEqual([2, 4]);
    const flat = new nn.CrossEntropyLoss({ reduction: 'none' }).forward(rows, Array.from(y.data));
    expect(Array.from(each.data)).toEqual(Array.from(flat.data));
    const one = new nn.CrossEntropyLoss({ reduction: 'none' }).forward(bp.tensor([1, 2, 3]), bp.tensor(2));
    expect(one.shape).toEqual([]);
    expect(one.item()).toBeCloseTo(new nn.CrossEntropyLoss().forward(bp.tensor([[1, 2, 3]]), [2]).item(), 6);
  });

  it('posWeight p multiplies the positive term: at a target of 1 the loss is p times the plain one', () => {
    const x = bp.tensor([[-1, 0.5, 2]]);
    const ones = bp.ones([1, 3]);
    const plain = new nn.BCEWithLogitsLoss({ reduction: 'none' }).forward(x, ones).toArray() as number[][];
    const weighted = new nn.BCEWithLogitsLoss({ reduction: 'none', posWeight: bp.tensor([3, 1, 0.5]) }).forward(x, ones).toArray() as number[][];
    [3, 1, 0.5].forEach((p, i) => expect(weighted[0][i]).toBeCloseTo(p * plain[0][i], 6));
    const zeros = bp.zeros([1, 3]);
    expect(new nn.BCEWithLogitsLoss({ posWeight: bp.tensor([3, 1, 0.5]) }).forward(x, zeros).item())
      .toBeCloseTo(new nn.BCEWithLogitsLoss().forward(x, zeros).item(), 6);
  });

  it('bad options and shapes are named', () => {
    const x = bp.zeros([4, 3]);
    expect(() => new nn.CrossEntropyLoss({ weight: bp.ones([4]) }).forward(x, [0, 1, 2, 0])).toThrow(/CrossEntropyLoss: weight must have one value per class \(\[3\]\), got shape \[4\]/);
    expect(() => new nn.NLLLoss({ ignoreIndex: 1.5 })).toThrow(/NLLLoss: ignoreIndex must be an integer, got 1.5/);
    expect(() => new nn.CrossEntropyLoss({ weight: [1, 2, 3] as unknown as Tensor })).toThrow(/CrossEntropyLoss: weight: expected a Tensor/);
    expect(() => new nn.NLLLoss().forward(x, bp.zeros([4, 3]))).toThrow(/NLLLoss: target must hold class indices/);
    expect(() => new nn.CrossEntropyLoss({ ignoreIndex: 0 }).forward(x, bp.zeros([4, 3]))).toThrow(/CrossEntropyLoss: ignoreIndex 0 does not apply to probability targets/);
    expect(() => new nn.CrossEntropyLoss().forward(bp.zeros([2, 3, 4]), bp.zeros([2, 5]))).toThrow(/class-index target shape \[2, 5\] does not match the input's positions \[2, 4\]/);
    expect(() => new nn.CrossEntropyLoss().forward(x, [0, 1, 3, -100])).toThrow(/target class index 3 at position 2 is out of range \[0, 3\)/);
    expect(() => new nn.CrossEntropyLoss().forward(bp.tensor(1), [0])).toThrow(/CrossEntropyLoss: input must be \[classes\]/);
    expect(() => new nn.BCELoss({ weight: bp.ones([2, 4, 3]) }).forward(bp.full([4, 3], 0.5), bp.zeros([4, 3]))).toThrow(/BCELoss: weight of shape \[2, 4, 3\] does not broadcast to the input's shape \[4, 3\]/);
    expect(() => new nn.BCEWithLogitsLoss({ posWeight: bp.ones([2]) }).forward(x, bp.zeros([4, 3]))).toThrow(/BCEWithLogitsLoss/);
  });

  it('fit trains with weights and ignored targets (on the eager loop) as a hand-written loop does', async () => {
    const make = () => {
      bp.manualSeed(7);
      const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
      return { model, opt: new bp.optim.SGD(model.parameters(), { lr: 0.1 }) };
    };
    const r = rng(6);
    const x = bp.tensor(randomArray(12 * 4, r), { shape: [12, 4] });
    const y = bp.tensor([0, 1, 2, -100, 1, 1, 0, 2, -100, 2, 0, 1]);
    const loss = new nn.CrossEntropyLoss({ weight: bp.tensor([1, 2, 0.5]) });
    const a = make();
    const history = await bp.fit(a.model, { x, y }, { loss, optimizer: a.opt, epochs: 2, batchSize: 4, shuffle: false, verbose: false });
    const b = make();
    const losses: number[] = [];
    const classWeight = [1, 2, 0.5];
    for (let e = 0; e < 2; e++) {
      // The epoch's loss: each batch's mean weighted by what it averages over (its kept targets'
      // class weights), which is the mean over the whole epoch as torch's loss takes it.
      let s = 0;
      let total = 0;
      for (let i = 0; i < 12; i += 4) {
        b.opt.zeroGrad();
        const xb = bp.tensor(x.toFloat32Array().subarray(i * 4, i * 4 + 16), { shape: [4, 4] });
        const targets = Array.from(y.data.subarray(i, i + 4));
        const l = loss.forward(b.model.forward(xb), targets);
        l.backward();
        b.opt.step();
        const w = targets.reduce((sum, t) => sum + (t === -100 ? 0 : classWeight[t]), 0);
        s += l.item() * w;
        total += w;
      }
      losses.push(s / total);
    }
    history.loss.forEach((v, e) => expect(v).toBeCloseTo(losses[e], 6));
    expect(Array.from(a.model.parameters()[0].data)).toEqual(Array.from(b.model.parameters()[0].data));
  });
});

// The cases and torch's answers, made once for both backends.
type Answer = { loss: Array<number | null>; grad: Array<number | null> };
let torchRun: { cases: Case[]; answers: Answer[] } | null = null;
function torchCases(): { cases: Case[]; answers: Answer[] } {
  if (torchRun) return torchRun;
  const r = rng(21);
  const cases = Array.from({ length: 300 }, () => randomCase(r));
  torchRun = { cases, answers: torchJson<Answer[]>(TORCH_SCRIPT, JSON.stringify(cases)) };
  return torchRun;
}

noteIfNoTorch('the comparison of the losses\' options with PyTorch');
// MSE and L1 in float32, as torch computes them, with a seed gradient of 1.7: the gradients' bits.
const DIFFERENCE_SCRIPT = `
import torch, json, sys
import torch.nn.functional as F
c = json.loads(sys.stdin.read())
out = []
for kind in ("mse", "l1"):
    for red in ("mean", "sum"):
        x = torch.tensor(c["x"]).reshape(300, 7).requires_grad_()
        t = torch.tensor(c["t"]).reshape(300, 7).requires_grad_()
        y = (F.mse_loss if kind == "mse" else F.l1_loss)(x, t, reduction=red)
        y.backward(torch.tensor(1.7))
        out.append({"loss": y.item(), "gx": x.grad.reshape(-1).tolist(), "gt": t.grad.reshape(-1).tolist()})
print(json.dumps(out))
`;

eachBackend('loss options compared with torch', () => {
  it.runIf(haveTorch)('MSELoss and L1Loss, mean and sum, a seed of 1.7: the gradients of input and target bit for bit', () => {
    const r = rng(8);
    const x = randomArray(2100, r, -2, 2);
    const t = randomArray(2100, r, -2, 2);
    for (let i = 0; i < 2100; i += 9) t[i] = x[i];
    const theirs = torchJson<Array<{ loss: number; gx: number[]; gt: number[] }>>(DIFFERENCE_SCRIPT, JSON.stringify({ x: Array.from(x), t: Array.from(t) }));
    let k = 0;
    for (const kind of ['mse', 'l1'] as const) {
      for (const reduction of ['mean', 'sum'] as const) {
        const xt = bp.tensor(x, { shape: [300, 7], requiresGrad: true });
        const tt = bp.tensor(t, { shape: [300, 7], requiresGrad: true });
        const loss = (kind === 'mse' ? new nn.MSELoss({ reduction }) : new nn.L1Loss({ reduction })).forward(xt, tt);
        loss.backward(bp.tensor([1.7]).reshape([]));
        const want = theirs[k++];
        expect(loss.item(), `${kind} ${reduction}`).toBeCloseTo(want.loss, reduction === 'sum' ? 2 : 5);
        expect(Array.from(xt.grad!.data), `${kind} ${reduction} input`).toEqual(want.gx.map(Math.fround));
        expect(Array.from(tt.grad!.data), `${kind} ${reduction} target`).toEqual(want.gt.map(Math.fround));
      }
    }
  });

  it.runIf(haveTorch)('SmoothL1Loss and HuberLoss at several turning points and each reduction: losses and gradients of input and target', () => {
    // Differences in both regions, at the turning points exactly, 0, and non-finite ones.
    const r = rng(12);
    const t = Array.from(randomArray(240, r, -2, 2));
    const x = t.map((v, i) => Math.fround(v + [0, 0.5, -0.5, 1, -1, 0.3, 2, NaN, Infinity][i % 9] * (i % 18 < 9 ? 1 : 0) + (i % 18 >= 9 ? 6 * r() - 3 : 0)));
    const configs: [string, number, 'none' | 'mean' | 'sum'][] = [];
    for (const [kind, points] of [['smooth_l1', [1, 0.5, 0]], ['huber', [1, 0.3, 2]]] as const) {
      for (const p of points) for (const red of ['none', 'mean', 'sum'] as const) configs.push([kind, p, red]);
    }
    const theirs = torchJson<Array<{ loss: Encoded[]; gx: Encoded[]; gt: Encoded[] }>>(`
import torch, json, sys
import torch.nn.functional as F
${PY_ENCODE}
c = json.loads(sys.stdin.read())
out = []
for kind, p, red in c["configs"]:
    x = torch.tensor([float(v) for v in c["x"]]).reshape(24, 10).requires_grad_()
    t = torch.tensor(c["t"]).reshape(24, 10).requires_grad_()
    y = F.smooth_l1_loss(x, t, reduction=red, beta=p) if kind == "smooth_l1" else F.huber_loss(x, t, reduction=red, delta=p)
    y.backward(torch.arange(240.).reshape(24, 10) % 7 - 3 if red == "none" else torch.tensor(1.7))
    out.append({"loss": enc(y.detach()), "gx": enc(x.grad), "gt": enc(t.grad)})
print(json.dumps(out))
`, JSON.stringify({ configs, x: x.map(encodeNumber), t }));
    configs.forEach(([kind, p, reduction], k) => {
      const xt = bp.tensor(x, { shape: [24, 10], requiresGrad: true });
      const tt = bp.tensor(t, { shape: [24, 10], requiresGrad: true });
      const loss = (kind === 'smooth_l1' ? new nn.SmoothL1Loss({ beta: p, reduction }) : new nn.HuberLoss({ delta: p, reduction })).forward(xt, tt);
      loss.backward(reduction === 'none' ? bp.tensor(Array.from({ length: 240 }, (_, i) => (i % 7) - 3), { shape: [24, 10] }) : bp.tensor(1.7));
      const what = `${kind} ${p} ${reduction}`;
      // torch sums a mean's elements in its own order, and folds 1 / n into the gradient differently.
      expectLike(Array.from(loss.data), theirs[k].loss, `${what} loss`, 1e-6);
      expectLike(Array.from(xt.grad!.data), theirs[k].gx, `${what} input gradient`, reduction === 'mean' ? 1e-6 : 0);
      expectLike(Array.from(tt.grad!.data), theirs[k].gt, `${what} target gradient`, reduction === 'mean' ? 1e-6 : 0);
    });
    expect(() => new nn.SmoothL1Loss({ beta: -1 })).toThrow(/^SmoothL1Loss: invalid beta: -1 \(must be a non-negative finite number\)$/);
    expect(() => new nn.HuberLoss({ delta: 0 })).toThrow(/^HuberLoss: delta must be positive, got 0$/);
    expect(() => new nn.HuberLoss({ delta: 1, beta: 1 } as nn.HuberOptions)).toThrow(/^HuberLoss: unknown option 'beta' \(the options are reduction, delta\)$/);
    expect(() => new nn.HuberLoss().forward(bp.zeros([2, 3]), bp.zeros([3, 2]))).toThrow(/HuberLoss/);
  });

  it.runIf(haveTorch)('300 random cases: weights, ignoreIndex, smoothing, reductions, [C] / [N, C] / [N, C, d...]', () => {
    const { cases, answers: theirs } = torchCases();
    cases.forEach((c, i) => {
      const what = `case ${i} (${c.kind}, shape [${c.shape}], ${c.reduction}, weight ${c.weight ? `[${c.weightShape ?? c.weight.length}]` : 'none'}, ignore ${c.ignoreIndex}, smoothing ${c.smoothing}${c.posWeight ? ', posWeight' : ''})`;
      const got = ours(c);
      expectClose(got.loss, theirs[i].loss, `${what} loss`);
      expectClose(got.grad, theirs[i].grad, `${what} grad`);
    });
  });
});

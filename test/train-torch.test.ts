// Random models trained a few steps here and in torch 1.13 from the same weights and data: stacks of
// Linear, every activation module, LayerNorm, BatchNorm1d, Dropout(0) and Identity at small widths,
// each loss with its options (class weights, ignored targets, label smoothing, posWeight, 'sum'),
// SGD's options, gradient clipping and a scheduler. The first step's gradients, every step's loss,
// the trained state (running statistics included) and the eval-mode outputs must agree.
//
// Left out, because there the two answers part by more than rounding without either being wrong:
// a norm layer over one feature (its output is its bias exactly here; torch's fused x * scale +
// shift leaves ~1e-6 of noise, which a kink at 0 such as ELU's turns into a different gradient), a
// bias that reaches a BatchNorm through linear layers only (its true gradient is 0, both compute
// rounding noise, and the weights between see it too), and Adam-like optimizers, which scale such noise up to whole steps (optim-torch.test.ts compares
// every optimizer on given gradients instead).
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { Encoded, PY_ENCODE } from './helpers/torch_ops';

type Spec = [kind: string, options: Record<string, number | boolean | null>];
interface Case {
  layers: Spec[]; inF: number; rows: number; steps: number; batch: number; loss: string; lossOptions: Record<string, unknown>;
  sgd: Record<string, unknown>; clip: number | null; schedule: [string, Record<string, number>] | null;
  x: number[]; y: number[]; yShape: number[]; state: Record<string, number[]>;
}
interface Outcome { error?: string; losses: Encoded[]; grads: Encoded[][]; state: Record<string, Encoded[]>; out: Encoded[] }

const WIDTHS = [1, 2, 3, 7, 8, 9, 16];
const NORMS = ['LayerNorm', 'BatchNorm1d'];
const CLASS_LOSSES = ['CrossEntropy', 'CrossEntropyWeighted', 'NLL'];

function makeCase(seed: number): Omit<Case, 'state'> {
  const r = rng(Math.imul(seed, 0x9e3779b1) >>> 0);
  for (let i = 0; i < 4; i++) r();
  const { pick } = drawsOf(r);
  const maybe = (p: number) => r() < p;
  const inF = pick(WIDTHS);
  let width = inF;
  const layers: Spec[] = [];
  // The last layer that changes values (Identity and Dropout(0) do not): a norm layer may not follow a norm.
  let last = '';
  for (let i = 1 + Math.floor(r() * 6); i > 0; i--) {
    const kind = pick(['Linear', 'Linear', 'Linear', 'ReLU', 'GELU', 'SiLU', 'ELU', 'LeakyReLU', 'Softplus', 'Tanh', 'Sigmoid', 'LayerNorm', 'BatchNorm1d', 'Dropout0', 'Identity']);
    if (NORMS.includes(kind) && (width < 2 || NORMS.includes(last))) continue;
    if (kind === 'Linear') {
      const out = pick(WIDTHS);
      layers.push([kind, { in: width, out, bias: true }]);
      width = out;
    } else if (kind === 'ELU') layers.push([kind, { alpha: pick([1, 0.5]) }]);
    else if (kind === 'LeakyReLU') layers.push([kind, { slope: pick([0.01, 0.2]) }]);
    else if (kind === 'Softplus') layers.push([kind, { beta: pick([1, 2]), threshold: pick([20, 1]) }]);
    else if (kind === 'LayerNorm') layers.push([kind, { n: width, eps: pick([1e-5, 1e-3]), affine: maybe(0.8) }]);
    else if (kind === 'BatchNorm1d') layers.push([kind, { n: width, eps: pick([1e-5, 1e-3]), momentum: pick([0.1, null]), affine: maybe(0.8) }]);
    else layers.push([kind, {}]);
    // BatchNorm centres each unit over the batch: a bias that reaches it through linear layers only
    // adds a constant it takes away again.
    if (kind === 'BatchNorm1d') {
      for (const [k, o] of layers.slice(0, -1).reverse()) {
        if (k === 'Linear') o.bias = false;
        else if (k !== 'Identity' && k !== 'Dropout0') break;
      }
    }
    if (kind !== 'Identity' && kind !== 'Dropout0') last = kind;
  }
  const loss = pick(['CrossEntropy', 'CrossEntropyWeighted', 'NLL', 'MSE', 'L1', 'BCEWithLogits', 'BCE']);
  const outF = loss.startsWith('BCE') ? pick([1, 3]) : pick([2, 3, 5]);
  layers.push(['Linear', { in: width, out: outF, bias: true }]);
  if (loss === 'NLL') layers.push(['LogSoftmax', {}]);
  if (loss === 'BCE') layers.push(['Sigmoid', {}]);
  const lossOptions: Record<string, unknown> = { reduction: pick(['mean', 'mean', 'sum']) };
  if (loss === 'CrossEntropy' && maybe(0.4)) lossOptions.labelSmoothing = 0.1;
  if (loss === 'CrossEntropyWeighted') lossOptions.weight = Array.from({ length: outF }, () => Math.fround(0.5 + r()));
  if (CLASS_LOSSES.includes(loss) && maybe(0.3)) lossOptions.ignoreIndex = 0;
  if (loss === 'BCEWithLogits' && maybe(0.5)) lossOptions.posWeight = Array.from({ length: outF }, () => Math.fround(0.5 + r()));
  // Steps that stay finite: a 'sum' over up to 43 rows takes a smaller rate (at 0.1 with momentum
  // one run in 3000 overflowed, where inf and NaN come out of the products' own orders), and no
  // maximize (ascending BCE saturates its probabilities: 1 - p cancels; optim-torch and fit-fuzz
  // cover maximize).
  const sgd: Record<string, unknown> = { lr: lossOptions.reduction === 'sum' ? pick([0.01, 0.003]) : pick([0.1, 0.03]) };
  if (maybe(0.6)) sgd.momentum = 0.9;
  if (sgd.momentum && maybe(0.5)) sgd.nesterov = true;
  if (maybe(0.4)) sgd.weightDecay = 0.01;
  const rows = 4 + Math.floor(r() * 40);
  const classes = CLASS_LOSSES.includes(loss);
  return {
    layers, inF, rows, steps: 2 + Math.floor(r() * 3), batch: pick([rows, Math.ceil(rows / 2), 4]), loss, lossOptions, sgd,
    clip: maybe(0.3) ? pick([0.5, 1]) : null,
    schedule: maybe(0.5) ? pick([['StepLR', { stepSize: 2, gamma: 0.5 }], ['ExponentialLR', { gamma: 0.9 }], ['CosineAnnealingLR', { tMax: 5 }]] as [string, Record<string, number>][]) : null,
    x: Array.from({ length: rows * inF }, () => Math.fround(4 * r() - 2)),
    y: classes ? Array.from({ length: rows }, () => Math.floor(r() * outF))
      : Array.from({ length: rows * outF }, () => (loss.startsWith('BCE') ? (maybe(0.5) ? 1 : 0) : Math.fround(2 * r() - 1))),
    yShape: classes ? [rows] : [rows, outF],
  };
}

function layerOf([kind, o]: Spec): nn.Module {
  switch (kind) {
    case 'Linear': return new nn.Linear(o.in as number, o.out as number, { bias: o.bias as boolean });
    case 'ELU': return new nn.ELU(o.alpha as number);
    case 'LeakyReLU': return new nn.LeakyReLU(o.slope as number);
    case 'Softplus': return new nn.Softplus(o.beta as number, o.threshold as number);
    case 'LayerNorm': return new nn.LayerNorm(o.n as number, { eps: o.eps as number, elementwiseAffine: o.affine as boolean });
    case 'BatchNorm1d': return new nn.BatchNorm1d(o.n as number, { eps: o.eps as number, momentum: o.momentum as number | null, affine: o.affine as boolean });
    case 'Dropout0': return new nn.Dropout(0);
    case 'LogSoftmax': return new nn.LogSoftmax(1);
    default: return new (nn as unknown as Record<string, new () => nn.Module>)[kind]();
  }
}

function lossOf(c: Case): nn.Loss {
  const o = c.lossOptions;
  const base = { reduction: o.reduction as 'mean' | 'sum' };
  const ignored = o.ignoreIndex === undefined ? {} : { ignoreIndex: o.ignoreIndex as number };
  switch (c.loss) {
    case 'CrossEntropy': return new nn.CrossEntropyLoss({ ...base, ...ignored, labelSmoothing: (o.labelSmoothing as number | undefined) ?? 0 });
    case 'CrossEntropyWeighted': return new nn.CrossEntropyLoss({ ...base, ...ignored, weight: bp.tensor(o.weight as number[]) });
    case 'NLL': return new nn.NLLLoss({ ...base, ...ignored });
    case 'MSE': return new nn.MSELoss(base);
    case 'L1': return new nn.L1Loss(base);
    case 'BCEWithLogits': return new nn.BCEWithLogitsLoss({ ...base, ...(o.posWeight ? { posWeight: bp.tensor(o.posWeight as number[]) } : {}) });
    default: return new nn.BCELoss(base);
  }
}

const encode = (v: ArrayLike<number>): Encoded[] => Array.from(v, (x) => (Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x));

/** Builds the model (its initial weights become the case's), trains it and reports as the torch script does. */
function ours(c: Case, seed: number): Outcome {
  bp.manualSeed(seed);
  const model = new nn.Sequential(...c.layers.map(layerOf));
  c.state = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
  const loss = lossOf(c);
  const opt = new optim.SGD(model.parameters(), c.sgd);
  const schedulers = bp.lrScheduler as unknown as Record<string, new (o: optim.Optimizer, x: Record<string, number>) => { step(): void }>;
  const schedule = c.schedule ? new schedulers[c.schedule[0]](opt, c.schedule[1]) : null;
  const x = bp.tensor(c.x, { shape: [c.rows, c.inF] });
  const y = bp.tensor(c.y, { shape: c.yShape });
  const losses: number[] = [];
  let grads: Encoded[][] = [];
  try {
    for (let s = 0; s < c.steps; s++) {
      const from = (s * c.batch) % c.rows;
      const len = Math.min(c.batch, c.rows - from);
      opt.zeroGrad();
      const l = loss.forward(model.forward(x.narrow(0, from, len)), y.narrow(0, from, len));
      l.backward();
      if (s === 0) grads = model.parameters().map((p) => encode(p.grad?.data ?? new Float32Array(p.size)));
      if (c.clip !== null) optim.clipGradNorm(model.parameters(), c.clip);
      opt.step();
      schedule?.step();
      losses.push(l.item());
    }
  } catch (e) {
    return { error: (e as Error).message, losses: [], grads: [], state: {}, out: [] };
  }
  model.eval();
  return {
    losses: encode(losses), grads, out: encode(bp.noGrad(() => model.forward(x)).data),
    state: Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, encode(t.data)])),
  };
}

const TORCH_SCRIPT = `
import torch, json, sys
import torch.nn as nn
${PY_ENCODE}
def layer(k, o):
    if k == "Linear": return nn.Linear(o["in"], o["out"], bias=o["bias"])
    if k == "ELU": return nn.ELU(o["alpha"])
    if k == "LeakyReLU": return nn.LeakyReLU(o["slope"])
    if k == "Softplus": return nn.Softplus(o["beta"], o["threshold"])
    if k == "LayerNorm": return nn.LayerNorm(o["n"], eps=o["eps"], elementwise_affine=o["affine"])
    if k == "BatchNorm1d": return nn.BatchNorm1d(o["n"], eps=o["eps"], momentum=o["momentum"], affine=o["affine"])
    if k == "Dropout0": return nn.Dropout(0.0)
    if k == "LogSoftmax": return nn.LogSoftmax(1)
    return getattr(nn, k)()
def loss_of(k, o):
    kw = {"reduction": o["reduction"]}
    if "ignoreIndex" in o: kw["ignore_index"] = o["ignoreIndex"]
    if k == "CrossEntropy": return nn.CrossEntropyLoss(label_smoothing=o.get("labelSmoothing", 0.0), **kw)
    if k == "CrossEntropyWeighted": return nn.CrossEntropyLoss(weight=torch.tensor(o["weight"]), **kw)
    if k == "NLL": return nn.NLLLoss(**kw)
    if k == "MSE": return nn.MSELoss(**kw)
    if k == "L1": return nn.L1Loss(**kw)
    if k == "BCEWithLogits": return nn.BCEWithLogitsLoss(pos_weight=torch.tensor(o["posWeight"]) if "posWeight" in o else None, **kw)
    return nn.BCELoss(**kw)
names = {"weightDecay": "weight_decay", "stepSize": "step_size", "tMax": "T_max"}
out = []
for c in json.loads(sys.stdin.read()):
    model = nn.Sequential(*[layer(k, o) for k, o in c["layers"]])
    sd = model.state_dict()
    model.load_state_dict({k: torch.tensor(v, dtype=sd[k].dtype).reshape(sd[k].shape) for k, v in c["state"].items()})
    lf = loss_of(c["loss"], c["lossOptions"])
    opt = torch.optim.SGD(model.parameters(), **{names.get(k, k): v for k, v in c["sgd"].items()})
    sched = getattr(torch.optim.lr_scheduler, c["schedule"][0])(opt, **{names.get(k, k): v for k, v in c["schedule"][1].items()}) if c["schedule"] else None
    x = torch.tensor(c["x"], dtype=torch.float32).reshape(c["rows"], c["inF"])
    y = torch.tensor(c["y"], dtype=torch.float32).reshape(c["yShape"])
    if len(c["yShape"]) == 1: y = y.long()
    losses, grads = [], []
    try:
        for s in range(c["steps"]):
            start = (s * c["batch"]) % c["rows"]; n = min(c["batch"], c["rows"] - start)
            opt.zero_grad(set_to_none=True)
            l = lf(model(x[start:start + n]), y[start:start + n])
            l.backward()
            if s == 0: grads = [enc(p.grad if p.grad is not None else torch.zeros_like(p)) for p in model.parameters()]
            if c["clip"] is not None: torch.nn.utils.clip_grad_norm_(model.parameters(), c["clip"])
            opt.step()
            if sched: sched.step()
            losses.append(l.item())
    except Exception as e:
        out.append({"error": str(e), "losses": [], "grads": [], "state": {}, "out": []}); continue
    model.eval()
    with torch.no_grad(): y_eval = model(x)
    out.append({"losses": enc(torch.tensor(losses)), "grads": grads, "out": enc(y_eval), "state": {k: enc(v.float()) for k, v in model.state_dict().items()}})
print(json.dumps(out))
`;

const decode = (v: Encoded): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

/**
 * got within `rel` of want relative to want's largest finite magnitude, or within 1e-6: the rounding
 * noise of a gradient that is 0 in exact arithmetic (a bias whose unit a later BatchNorm centres, all
 * its rows on one side of a LeakyReLU) is ~1e-7 of the gradients around it. NaN and infinities exactly.
 */
function expectNear(got: Encoded[], want: Encoded[], rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  const w = want.map(decode);
  const scale = Math.max(0, ...w.filter(Number.isFinite).map(Math.abs));
  got.map(decode).forEach((g, i) => {
    if (!Number.isFinite(w[i])) expect(g, `${what}[${i}]`).toBe(w[i]);
    else if (!(Math.abs(g - w[i]) <= rel * scale + 1e-6)) expect.fail(`${what}[${i}]: ${g}, torch ${w[i]} (scale ${scale})`);
  });
}

const COUNT = 120;
noteIfNoTorch('the random training runs against torch');
eachBackend('random models trained as torch trains them', () => {
  it.runIf(haveTorch)(`${COUNT} models: first gradients, losses, trained state and outputs`, () => {
    const cases = Array.from({ length: COUNT }, (_, i) => makeCase(i + 1) as Case);
    const mine = cases.map((c, i) => ours(c, i + 1));
    // In batches: one answer of every case at once passes spawnSync's output limit.
    const theirs: Outcome[] = [];
    for (let i = 0; i < COUNT; i += 40) theirs.push(...torchJson<Outcome[]>(TORCH_SCRIPT, JSON.stringify(cases.slice(i, i + 40))));
    cases.forEach((c, i) => {
      const m = mine[i];
      const t = theirs[i];
      const what = `case ${i + 1} ${JSON.stringify({ ...c, x: undefined, y: undefined, state: undefined })}`;
      // A batch of one row before BatchNorm: both refuse it.
      if (t.error || m.error) return expect(Boolean(m.error), `${what}: ours ${m.error}, torch ${t.error}`).toBe(Boolean(t.error));
      expectNear(m.losses, t.losses, 1e-5, `${what} losses`);
      // Gradients summed over rows of a BatchNorm's output cancel to ~1% of their terms (its backward
      // centres them): 1e-3 leaves room for that, and a wrong rule still misses by far more.
      m.grads.forEach((g, k) => expectNear(g, t.grads[k], 1e-3, `${what} first gradient of parameter ${k}`));
      for (const key of Object.keys(t.state)) expectNear(m.state[key], t.state[key], 1e-3, `${what} ${key}`);
      expectNear(m.out, t.out, 1e-3, `${what} eval outputs`);
    });
  }, 60_000);
});

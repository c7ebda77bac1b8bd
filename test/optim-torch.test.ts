// Every optimizer under random combinations of its options (nesterov with weight decay, amsgrad
// with decay, centered RMSprop with momentum, Adagrad's lr decay, maximize, ...) against torch 1.13
// at the kernels' edge sizes, over steps where some parameters get no gradient (torch skips them;
// its zero_grad(set_to_none=True), as our zeroGrad).
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { EDGE_SIZES, randomArray, rng, drawsOf } from './helpers/random';
import { OPTIMIZER_KINDS, OptimizerKind, randomOptimizerOptions } from './helpers/optim_options';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';


interface Case { kind: OptimizerKind; options: Record<string, unknown>; init: number[][]; grads: (number[] | null)[][] }

function cases(): Case[] {
  const r = rng(71);
  const { pick } = drawsOf(r);
  const maybe = (p: number) => r() < p;
  const out: Case[] = [];
  for (let c = 0; c < 100; c++) {
    const kind = pick(OPTIMIZER_KINDS);
    const o = randomOptimizerOptions(kind, r);
    if (!['SGD', 'Rprop', 'ASGD'].includes(kind) && maybe(0.3)) o.eps = 1e-6; // torch's SGD, Rprop and ASGD have no eps
    const sizes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(EDGE_SIZES));
    // RAdam's rectified steps start at step 6 with beta2 0.9: some runs go that far.
    const steps = 2 + Math.floor(r() * (kind === 'RAdam' ? 8 : 4));
    out.push({
      kind, options: o,
      init: sizes.map((n) => Array.from(randomArray(n, r, -2, 2))),
      grads: Array.from({ length: steps }, () => sizes.map((n) => (maybe(0.15) ? null : Array.from(randomArray(n, r, -2, 2))))),
    });
  }
  return out;
}

function ours(c: Case): number[][] {
  const ps = c.init.map((v) => bp.tensor(v, { requiresGrad: true }));
  const ctor = optim[c.kind] as unknown as new (p: bp.Tensor[], o: Record<string, unknown>) => optim.Optimizer;
  const opt = new ctor(ps, c.options);
  for (const step of c.grads) {
    opt.zeroGrad();
    ps.forEach((p, i) => {
      const g = step[i];
      if (g) p.mul(bp.tensor(g)).sum().backward();
    });
    opt.step();
  }
  return ps.map((p) => Array.from(p.data));
}

const TORCH_SCRIPT = `
import torch, json, sys
names = {"weightDecay": "weight_decay", "lrDecay": "lr_decay", "initialAccumulatorValue": "initial_accumulator_value", "momentumDecay": "momentum_decay", "stepSizes": "step_sizes"}
out = []
for c in json.loads(sys.stdin.read()):
    ps = [torch.tensor(v, dtype=torch.float32).requires_grad_() for v in c["init"]]
    opt = getattr(torch.optim, c["kind"])(ps, **{names.get(k, k): (tuple(v) if k in ("betas", "etas", "stepSizes") else v) for k, v in c["options"].items()})
    for step in c["grads"]:
        opt.zero_grad(set_to_none=True)
        for p, g in zip(ps, step):
            if g is not None: (p * torch.tensor(g, dtype=torch.float32)).sum().backward()
        opt.step()
    out.append([p.detach().tolist() for p in ps])
print(json.dumps(out))
`;

const CASES = cases();
let theirs: number[][][] | null = null;
function torchAnswers(): number[][][] {
  if (!theirs) {
    theirs = torchJson<number[][][]>(TORCH_SCRIPT, JSON.stringify(CASES));
  }
  return theirs;
}

noteIfNoTorch('the comparison of optimizers under random options with torch.optim');
eachBackend('optimizers under random options', () => {
  it.runIf(haveTorch)(`${CASES.length} runs as torch.optim's`, () => {
    const want = torchAnswers();
    CASES.forEach((c, i) => {
      const got = ours(c);
      got.forEach((p, j) => p.forEach((v, k) => {
        const w = want[i][j][k];
        // float32 updates in another order of operations than torch's: a few ulps over the steps.
        expect(Math.abs(v - w) <= 2e-6 + 2e-5 * Math.abs(w), `case ${i} ${c.kind} ${JSON.stringify(c.options)}: parameter ${j}[${k}] ${v} vs torch ${w}`).toBe(true);
      }));
    });
  });
});

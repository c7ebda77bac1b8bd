// KLDivLoss against torch 1.13: every reduction ('batchmean' included), probability and
// log-probability targets with zeros among them, 1- to 3-D shapes; values and the input's and the
// target's gradients. fit and evaluate combine its batches as one call over all rows would.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const REDUCTIONS = ['mean', 'batchmean', 'sum', 'none'] as const;

function cases(): OpCase[] {
  const r = rng(41);
  const { int, pick } = drawsOf(r);
  const out: OpCase[] = [];
  for (let i = 0; i < 120; i++) {
    const as = Array.from({ length: 1 + int(3) }, () => pick([1, 2, 3, 5, 8]));
    const n = as.reduce((a, b) => a * b, 1);
    const logTarget = r() < 0.4;
    const a = Array.from({ length: n }, () => Math.fround(Math.log(0.05 + r())));
    const b = Array.from({ length: n }, () => (logTarget ? Math.fround(Math.log(0.05 + r())) : r() < 0.25 ? 0 : Math.fround(r())));
    out.push({ op: 'kl', a, as, b, bs: as, args: [pick(REDUCTIONS), logTarget] });
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  const [reduction, logTarget] = c.args as [(typeof REDUCTIONS)[number], boolean];
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const t = bp.tensor(c.b!, { shape: c.bs, requiresGrad: true });
  const y = new nn.KLDivLoss({ reduction, logTarget }).forward(a, t);
  y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad!.data), gb: Array.from(t.grad!.data) };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    t = T(c["b"], c["bs"], True)
    y = torch.nn.KLDivLoss(reduction=p[0], log_target=p[1])(a, t)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad), "gb": enc(t.grad)})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of KLDivLoss with torch');
eachBackend('KLDivLoss', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values, input and target gradients; zero targets)`, () => {
    expect(CASES.filter((c) => c.b!.includes(0)).length).toBeGreaterThan(30);
    // torch's log and sums are its own (Sleef, vector lanes): within rounding.
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 1e-5);
  });

  it("evaluate's loss over uneven batches is the loss of one call over every row ('batchmean' and 'mean')", () => {
    bp.manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(4, 5), new nn.LogSoftmax(1));
    const x = bp.randn([37, 4]);
    const y = bp.softmax(bp.randn([37, 5]), 1);
    for (const reduction of ['batchmean', 'mean', 'sum'] as const) {
      const loss = new nn.KLDivLoss({ reduction });
      const whole = bp.noGrad(() => loss.forward(model.forward(x), y)).item();
      const batched = bp.evaluate(model, { x, y }, { loss, batchSize: 8 }).loss;
      expect(Math.abs(batched - whole), reduction).toBeLessThan(1e-6 * Math.max(1, Math.abs(whole)));
    }
  });

  it('bad arguments are named', () => {
    expect(() => new nn.KLDivLoss({ reduction: 'avg' as 'sum' })).toThrow(/^KLDivLoss: reduction must be 'mean', 'batchmean', 'sum' or 'none', got "avg"$/);
    expect(() => new nn.MSELoss({ reduction: 'batchmean' as 'sum' })).toThrow(/^MSELoss: reduction must be 'mean', 'sum' or 'none', got "batchmean"$/);
    expect(() => new nn.KLDivLoss({ logTarget: 1 as unknown as boolean })).toThrow(/^KLDivLoss: option logTarget must be true or false, got 1$/);
    expect(() => new nn.KLDivLoss().forward(bp.zeros([2, 3]), bp.zeros([3, 2]))).toThrow(/^KLDivLoss: /);
    expect(() => new nn.KLDivLoss().forward(bp.zeros([2, 3]), [0, 1] as unknown as bp.Tensor)).toThrow(/^KLDivLoss: target must be a Tensor$/);
  });
});

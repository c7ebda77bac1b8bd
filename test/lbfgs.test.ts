// optim.LBFGS against torch.optim.LBFGS 1.13: the parameters, the closure's evaluation count and the
// iteration count after each step, with a fixed step and with the strong-Wolfe line search, a history
// shorter than the run (so that it shifts), and an MLP's two layers as one flat vector; a state dict
// that resumes the run exactly; and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

interface Run { name: string; start: number[]; problem: 'rosenbrock' | 'quartic'; steps: number; options: optim.LBFGSOptions; py: string }
const RUNS: Run[] = [
  { name: 'Rosenbrock, fixed step', start: [-1.2, 1, -0.5, 0.8], problem: 'rosenbrock', steps: 3, options: { lr: 0.05, maxIter: 8 }, py: 'lr=0.05, max_iter=8' },
  { name: 'Rosenbrock, strong Wolfe', start: [-1.2, 1, -0.5, 0.8], problem: 'rosenbrock', steps: 3, options: { maxIter: 10, lineSearchFn: 'strong_wolfe' }, py: "max_iter=10, line_search_fn='strong_wolfe'" },
  { name: 'quartic, strong Wolfe, history of 3', start: [0.5, -1.5, 2, 0.3, -0.7, 1.1, -0.05], problem: 'quartic', steps: 2, options: { maxIter: 12, historySize: 3, lineSearchFn: 'strong_wolfe' }, py: "max_iter=12, history_size=3, line_search_fn='strong_wolfe'" },
  { name: 'quartic, fixed step, maxEval 7', start: [0.5, -1.5, 2, 0.3, -0.7, 1.1, -0.05], problem: 'quartic', steps: 3, options: { lr: 0.3, maxIter: 10, maxEval: 7, historySize: 4 }, py: 'lr=0.3, max_iter=10, max_eval=7, history_size=4' },
];

// f over the parameters x (a 1-d tensor): the extended Rosenbrock function, or a quartic bowl.
function objective(problem: Run['problem'], x: bp.Tensor): bp.Tensor {
  if (problem === 'rosenbrock') {
    const n = x.shape[0];
    const odd = x.narrow(0, 0, n - 1), even = x.narrow(0, 1, n - 1);
    return even.sub(odd.mul(odd)).pow(2).mul(100).add(odd.neg().add(1).pow(2)).sum();
  }
  const w = bp.arange(1, x.shape[0] + 1).mul(0.5);
  return x.sub(0.25).pow(2).mul(w).sum().add(x.pow(4).sum().mul(0.1));
}

const PY_OBJECTIVE = `
def objective(problem, x):
    if problem == 'rosenbrock':
        odd, even = x[:-1], x[1:]
        return ((even - odd * odd) ** 2 * 100 + (1 - odd) ** 2).sum()
    w = torch.arange(1, x.shape[0] + 1, dtype=x.dtype) * 0.5
    return ((x - 0.25) ** 2 * w).sum() + (x ** 4).sum() * 0.1
`;

const SCRIPT = `
import json, sys, torch
${PY_OBJECTIVE}
out = []
def steps_of(run, dtype):
    x = torch.tensor(run['start'], dtype=dtype, requires_grad=True)
    opt = eval('torch.optim.LBFGS([x], ' + run['py'] + ')')
    def closure():
        opt.zero_grad()
        loss = objective(run['problem'], x)
        loss.backward()
        return loss
    steps = []
    for i in range(run['steps']):
        first = float(opt.step(closure))
        st = opt.state[x]
        steps.append({'x': x.tolist(), 'first': first, 'evals': st['func_evals'], 'iters': st['n_iter']})
    return steps
for run in json.load(sys.stdin):
    out.append([steps_of(run, torch.float32), steps_of(run, torch.float64)])
print(json.dumps(out))
`;

interface Step { x: number[]; first: number; evals: number; iters: number }

/** Our run: the parameters, the first loss and the counts after each step. */
function ours(run: Run): Step[] {
  const x = bp.tensor(run.start, { requiresGrad: true });
  const opt = new optim.LBFGS([x], run.options);
  const closure = () => {
    opt.zeroGrad();
    const loss = objective(run.problem, x);
    loss.backward();
    return loss;
  };
  const steps: Step[] = [];
  for (let i = 0; i < run.steps; i++) {
    const first = opt.step(closure);
    const m = opt.stateDict().lbfgs!;
    steps.push({ x: Array.from(x.data), first: typeof first === 'number' ? first : first.item(), evals: m.funcEvals, iters: m.nIter });
  }
  return steps;
}

const MLP_SCRIPT = `
import json, sys, torch
d = json.load(sys.stdin)
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))
with torch.no_grad():
    for p, v in zip(m.parameters(), d['params']): p.copy_(torch.tensor(v).reshape(p.shape))
x, y = torch.tensor(d['x']), torch.tensor(d['y'])
opt = torch.optim.LBFGS(m.parameters(), history_size=5, max_iter=15, line_search_fn='strong_wolfe')
def closure():
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(m(x), y)
    loss.backward()
    return loss
losses = [float(opt.step(closure)) for _ in range(2)]
print(json.dumps({'params': [p.detach().reshape(-1).tolist() for p in m.parameters()], 'losses': losses, 'evals': opt.state[next(m.parameters())]['func_evals']}))
`;
// The same run in float64 (torch's default dtype switched before the model is made).
const MLP_SCRIPT64 = MLP_SCRIPT.replace('torch.manual_seed(0)', 'torch.manual_seed(0)\ntorch.set_default_dtype(torch.float64)');

noteIfNoTorch('optim.LBFGS against torch.optim.LBFGS');
eachBackend('optim.LBFGS', () => {
  it.runIf(haveTorch)(`${RUNS.length} runs as torch's: parameters, first losses, evaluations and iterations after each step`, () => {
    const theirs = torchJson<[Step[], Step[]][]>(SCRIPT, JSON.stringify(RUNS.map(({ start, problem, steps, py }) => ({ start, problem, steps, py }))));
    RUNS.forEach((run, k) => {
      ours(run).forEach((s, i) => {
        // torch's float32 run, and its float64 run: their largest distance is how far float32 rounding
        // alone moves the iterate (Rosenbrock's third step: 8e-4), and ours may be a few times that.
        const [t, t64] = [theirs[k][0][i], theirs[k][1][i]];
        const what = `${run.name}, step ${i + 1}`;
        expect([s.evals, s.iters], `${what}: evaluations and iterations`).toEqual([t.evals, t.iters]);
        expect(Math.abs(s.first - t.first), `${what}: first loss ${s.first} vs ${t.first}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(t.first)) + 2 * Math.abs(t64.first - t.first));
        const spread = Math.max(...t.x.map((v, j) => Math.abs(t64.x[j] - v)));
        s.x.forEach((v, j) => expect(Math.abs(v - t.x[j]), `${what}: x[${j}] ${v} vs ${t.x[j]} (float64: ${t64.x[j]})`)
          .toBeLessThanOrEqual(1e-5 * (1 + Math.abs(t.x[j])) + 3 * spread));
      });
    });
  });

  it.runIf(haveTorch)("an MLP's parameters as one vector (strong Wolfe, history of 5): torch's after two steps", () => {
    bp.manualSeed(3);
    const m = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 1));
    const x = bp.randn([16, 3]), y = bp.randn([16, 1]);
    const params = m.parameters().map((p) => Array.from(p.data));
    type Answer = { params: number[][]; losses: number[]; evals: number };
    const input = JSON.stringify({ params, x: x.tolist(), y: y.tolist() });
    const [theirs, theirs64] = [torchJson<Answer>(MLP_SCRIPT, input), torchJson<Answer>(MLP_SCRIPT64, input)];
    const opt = new optim.LBFGS(m.parameters(), { historySize: 5, maxIter: 15, lineSearchFn: 'strong_wolfe' });
    const closure = () => {
      opt.zeroGrad();
      const loss = nn.functional.mseLoss(m.forward(x), y);
      loss.backward();
      return loss;
    };
    const losses = [0, 1].map(() => (opt.step(closure) as bp.Tensor).item());
    expect(opt.stateDict().lbfgs!.funcEvals).toBe(theirs.evals);
    losses.forEach((l, i) => expect(Math.abs(l - theirs.losses[i]), `loss ${i}: ${l} vs ${theirs.losses[i]}`).toBeLessThanOrEqual(1e-5));
    // As far from torch's float32 run as a few times its float64 run is, at most (see above).
    const spread = Math.max(...theirs.params.flatMap((ps, i) => ps.map((t, j) => Math.abs(theirs64.params[i][j] - t))));
    m.parameters().forEach((p, i) => p.data.forEach((v, j) => {
      const [t, t64] = [theirs.params[i][j], theirs64.params[i][j]];
      expect(Math.abs(v - t), `parameter ${i}[${j}]: ${v} vs ${t} (float64: ${t64})`).toBeLessThanOrEqual(1e-5 + 3 * spread);
    }));
  });

  it('a state dict (through JSON) resumes the run exactly; steps stop at an optimum', () => {
    const run = RUNS[2];
    const whole = ours({ ...run, steps: 3 }).at(-1)!.x;
    const x = bp.tensor(run.start, { requiresGrad: true });
    const first = new optim.LBFGS([x], run.options);
    const closure = (opt: optim.LBFGS, p: bp.Tensor) => () => {
      opt.zeroGrad();
      const loss = objective(run.problem, p);
      loss.backward();
      return loss;
    };
    first.step(closure(first, x));
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    const x2 = bp.tensor(Array.from(x.data), { requiresGrad: true });
    const second = new optim.LBFGS([x2], run.options);
    second.loadStateDict(saved);
    second.step(closure(second, x2));
    second.step(closure(second, x2));
    expect(Array.from(x2.data)).toEqual(whole);
    // At the minimum of a bowl the gradient is zero: step() evaluates once and returns.
    const z = bp.tensor([0.25, 0.25], { requiresGrad: true });
    const still = new optim.LBFGS([z]);
    const loss = still.step(() => { still.zeroGrad(); const l = z.sub(0.25).pow(2).sum(); l.backward(); return l; });
    expect([(loss as bp.Tensor).item(), still.stateDict().lbfgs!.funcEvals, still.stateDict().lbfgs!.nIter]).toEqual([0, 1, 0]);
  });

  it('names the bad option, closure or state', () => {
    const p = bp.zeros([2], { requiresGrad: true });
    expect(() => new optim.LBFGS([p], { maxIter: 0 })).toThrow('LBFGS: maxIter must be a positive integer, got 0');
    expect(() => new optim.LBFGS([p], { historySize: 2.5 })).toThrow('LBFGS: historySize must be a positive integer, got 2.5');
    expect(() => new optim.LBFGS([p], { lineSearchFn: 'wolfe' as 'strong_wolfe' })).toThrow(`LBFGS: lineSearchFn must be 'strong_wolfe' or null, got "wolfe"`);
    expect(() => new optim.LBFGS([p], { toleranceGrad: -1 })).toThrow(/LBFGS: invalid toleranceGrad/);
    expect(() => new optim.LBFGS([p], { lr: 1, betas: [0.9, 0.9] } as optim.LBFGSOptions)).toThrow(/LBFGS: unknown option 'betas'/);
    const q = bp.zeros([1], { requiresGrad: true });
    expect(() => new optim.LBFGS([{ params: [p] }, { params: [q] }] as unknown as bp.Tensor[])).toThrow("LBFGS: doesn't support per-parameter options (parameter groups)");
    const opt = new optim.LBFGS([p]);
    expect(() => opt.step()).toThrow(/LBFGS.step: needs a closure/);
    expect(() => opt.step(() => { opt.zeroGrad(); const l = p.mul(2); l.sum().backward(); return l; })).toThrow('LBFGS.step: the closure must return the loss (a one-element Tensor or a number), got a tensor of shape [2]');
    expect(() => opt.loadStateDict({ state: [], hyper: { lr: -1 } })).toThrow('LBFGS.loadStateDict: hyper.lr must be a non-negative number, got -1');
    const bad = { state: [], hyper: { lr: 1 }, lbfgs: { funcEvals: 1, nIter: 1, d: [1], t: 1, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: null } };
    expect(() => opt.loadStateDict(bad)).toThrow('LBFGS.loadStateDict: lbfgs.d must be 2 numbers (all parameters\' elements), got [1]');
  });

  it('fit() refuses it with the reason', async () => {
    const m = new nn.Linear(2, 1);
    const data = { x: bp.randn([8, 2]), y: bp.randn([8, 1]) };
    await expect(bp.fit(m, data, { loss: new nn.MSELoss(), optimizer: new optim.LBFGS(m.parameters()), epochs: 1, batchSize: 4 })).rejects.toThrow(/LBFGS.step: needs a closure/);
  });
});

// Every case in ../shared/golden (PyTorch's float64 answers) on both backends, within the case's tolerance.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor, nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { expectClose, expectTensor, goldenNames, GoldenCase, loadGolden, T, TensorJson } from './helpers/golden';
import { sigmoidMlp, train as trainMlp } from '../examples/seed1-numpy-mlp';
import { denseModel, makeAdam, trainStep } from '../examples/seed2-dense-softmax-adam';
import { SimpleNN, step as simpleStep } from '../examples/seed3-simple-nn';
import { fitLine } from '../examples/seed4-scalar-autograd';
import { workedStep } from '../examples/seed5-worked-example';

type UnaryFn = (x: Tensor) => Tensor;
type BinaryFn = (a: Tensor, b: Tensor) => Tensor;

const UNARY_OPS: Record<string, UnaryFn> = {
  op_elu: (x) => bp.elu(x, 1),
  op_exp: bp.exp,
  op_gelu: bp.gelu,
  op_leaky_relu: (x) => bp.leakyRelu(x, 0.01),
  op_log: bp.log,
  op_log_softmax_dim1: (x) => bp.logSoftmax(x, 1),
  op_mean_dim1_keepdim: (x) => bp.mean(x, 1, true),
  op_relu: bp.relu,
  op_reshape: (x) => bp.reshape(x, [7, 5]),
  op_sigmoid: bp.sigmoid,
  op_softmax_big_logits: (x) => bp.softmax(x, 1),
  op_softmax_dim1: (x) => bp.softmax(x, 1),
  op_sqrt: bp.sqrt,
  op_sum_all: (x) => bp.sum(x),
  op_sum_dim0: (x) => bp.sum(x, 0),
  op_tanh: bp.tanh,
  op_transpose: (x) => bp.transpose(x, 0, 1),
};

const BINARY_OPS: Record<string, BinaryFn> = {
  op_add_broadcast_row: bp.add,
  op_div: bp.div,
  op_sub: bp.sub,
  op_mul_broadcast_col_row: bp.mul,
  op_matmul: bp.matmul,
};

const LOSSES: Record<string, () => nn.Loss> = {
  loss_bce_mean: () => new nn.BCELoss(),
  loss_bce_with_logits: () => new nn.BCEWithLogitsLoss(),
  loss_cross_entropy_mean: () => new nn.CrossEntropyLoss(),
  loss_cross_entropy_sum: () => new nn.CrossEntropyLoss({ reduction: 'sum' }),
  loss_l1_mean: () => new nn.L1Loss(),
  loss_mse_mean: () => new nn.MSELoss(),
  loss_mse_sum: () => new nn.MSELoss({ reduction: 'sum' }),
  loss_nll_mean: () => new nn.NLLLoss(),
};

const OPTIMIZERS: Record<string, (p: Tensor[]) => optim.Optimizer> = {
  optim_adagrad: (p) => new optim.Adagrad(p, { lr: 0.1 }),
  optim_adam: (p) => new optim.Adam(p, { lr: 0.01 }),
  optim_adam_wd: (p) => new optim.Adam(p, { lr: 0.01, weightDecay: 0.1 }),
  optim_adamw: (p) => new optim.AdamW(p, { lr: 0.01 }),
  optim_rmsprop: (p) => new optim.RMSprop(p, { lr: 0.01 }),
  optim_sgd: (p) => new optim.SGD(p, { lr: 0.1 }),
  optim_sgd_momentum: (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
  optim_sgd_nesterov_wd: (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
};

const SCHEDULERS: Record<string, (o: optim.Optimizer) => { step(): void }> = {
  sched_cosine: (o) => new bp.lrScheduler.CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }),
  sched_exponential: (o) => new bp.lrScheduler.ExponentialLR(o, { gamma: 0.9 }),
  sched_step: (o) => new bp.lrScheduler.StepLR(o, { stepSize: 3, gamma: 0.5 }),
};

function runOpCase(c: GoldenCase): void {
  const i = c.inputs;
  const tol = c.tolerance;
  if (c.name in UNARY_OPS) {
    const x = T(i.x, true);
    const y = UNARY_OPS[c.name](x);
    expectTensor(y, c.expected.y, tol, 'y');
    y.backward(T(i.grad_out));
    expectTensor(x.grad, c.expected.grad_x, tol, 'grad_x');
  } else {
    const a = T(i.a, true);
    const b = T(i.b, true);
    const y = BINARY_OPS[c.name](a, b);
    expectTensor(y, c.expected.y, tol, 'y');
    y.backward(T(i.grad_out));
    expectTensor(a.grad, c.expected.grad_a, tol, 'grad_a');
    expectTensor(b.grad, c.expected.grad_b, tol, 'grad_b');
  }
}

function runLossCase(c: GoldenCase): void {
  const input = T(c.inputs.input, true);
  const tgt = c.inputs.target;
  const target = Array.isArray(tgt) ? (tgt as number[]) : T(tgt);
  const loss = LOSSES[c.name]().forward(input, target);
  expect(loss.shape).toEqual([]);
  expectClose(loss.item(), c.expected.loss as number, c.tolerance, 'loss');
  loss.backward();
  expectTensor(input.grad, c.expected.grad_input, c.tolerance, 'grad_input');
}

function runOptimCase(c: GoldenCase): void {
  const params = (c.inputs.params as TensorJson[]).map((p) => new nn.Parameter(T(p)));
  const opt = OPTIMIZERS[c.name](params);
  const grads = c.inputs.grads as TensorJson[][];
  const after = c.expected.params_after_each_step as TensorJson[][];
  grads.forEach((gs, s) => {
    gs.forEach((g, k) => { params[k].grad = T(g); });
    opt.step();
    params.forEach((p, k) => expectTensor(p, after[s][k], c.tolerance, `step ${s + 1} param ${k}`));
  });
}

function runSchedCase(c: GoldenCase): void {
  const p = new nn.Parameter(bp.zeros([1]));
  const opt = new optim.SGD([p], { lr: c.inputs.lr as number });
  const sched = SCHEDULERS[c.name](opt);
  const lrs: number[] = [];
  for (let e = 0; e < (c.expected.lrs as number[]).length; e++) {
    lrs.push(opt.lr);
    opt.step();
    sched.step();
  }
  expectClose(lrs, c.expected.lrs as number[], c.tolerance, 'lrs');
}

function runClipCase(c: GoldenCase): void {
  const params = (c.inputs.grads as TensorJson[]).map((g) => {
    const p = new nn.Parameter(bp.zeros(g.shape));
    p.grad = T(g);
    return p;
  });
  const total = bp.clipGradNorm(params, c.inputs.max_norm as number);
  expectClose(total, c.expected.total_norm as number, c.tolerance, 'total_norm');
  params.forEach((p, k) => expectTensor(p.grad, (c.expected.grads_after as TensorJson[])[k], c.tolerance, `grad ${k}`));
}

function runBatchNormCase(c: GoldenCase): void {
  const i = c.inputs;
  const e = c.expected;
  const bn = new nn.BatchNorm1d(3);
  bn.weight?.data.set(T(i.gamma).data);
  bn.bias?.data.set(T(i.beta).data);
  const x = T(i.x, true);
  const y = bn.forward(x);
  expectTensor(y, e.y, c.tolerance, 'y');
  y.backward(T(i.grad_out));
  expectTensor(x.grad, e.grad_x, c.tolerance, 'grad_x');
  expectTensor(bn.weight?.grad ?? null, e.grad_gamma, c.tolerance, 'grad_gamma');
  expectTensor(bn.bias?.grad ?? null, e.grad_beta, c.tolerance, 'grad_beta');
  expectTensor(bn.running_mean, e.running_mean, c.tolerance, 'running_mean');
  expectTensor(bn.running_var, e.running_var, c.tolerance, 'running_var');
  bn.eval();
  expectTensor(bn.forward(T(i.x_eval)), e.y_eval, c.tolerance, 'y_eval');
}

function runSeedCase(c: GoldenCase): void {
  const i = c.inputs;
  const e = c.expected;
  const tol = c.tolerance;
  switch (c.name) {
    case 'seed000_numpy_mlp': {
      const model = sigmoidMlp({ W1: T(i.W1), b1: T(i.b1), W2: T(i.W2), b2: T(i.b2) });
      const losses = trainMlp(model, T(i.X), T(i.y), i.lr as number, i.steps as number);
      expectClose(losses, e.losses as number[], tol, 'losses');
      const sd = model.stateDict();
      expectTensor(sd['0.weight'], e.W1, tol, 'W1');
      expectTensor(sd['0.bias'], e.b1, tol, 'b1');
      expectTensor(sd['2.weight'], e.W2, tol, 'W2');
      expectTensor(sd['2.bias'], e.b2, tol, 'b2');
      break;
    }
    case 'seed001_dense_softmax_adam': {
      const model = denseModel();
      model.loadStateDict({ '0.weight': T(i.W1), '0.bias': T(i.b1), '2.weight': T(i.W2), '2.bias': T(i.b2) });
      const opt = makeAdam(model, i.lr as number);
      expect(i.eps).toBe(1e-7);
      const losses: number[] = [];
      for (let s = 0; s < (i.steps as number); s++) losses.push(trainStep(model, opt, T(i.X), T(i.onehot)));
      expectClose(losses, e.losses as number[], tol, 'losses');
      const sd = model.stateDict();
      expectTensor(sd['0.weight'], e.W1, tol, 'W1');
      expectTensor(sd['2.bias'], e.b2, tol, 'b2');
      break;
    }
    case 'seed002_simplenn_step': {
      const model = new SimpleNN();
      model.loadStateDict({ 'fc1.weight': T(i.W1), 'fc1.bias': T(i.b1), 'fc2.weight': T(i.W2), 'fc2.bias': T(i.b2) });
      const { outputs, loss } = simpleStep(model, T(i.x, true), T(i.label), i.lr as number);
      expectTensor(outputs, e.out, tol, 'out');
      expectClose(loss, e.loss as number, tol, 'loss');
      expectTensor(model.fc1.weight.grad, e.dW1, tol, 'dW1');
      expectTensor(model.fc1.bias?.grad ?? null, e.db1, tol, 'db1');
      expectTensor(model.fc2.weight.grad, e.dW2, tol, 'dW2');
      expectTensor(model.fc2.bias?.grad ?? null, e.db2, tol, 'db2');
      expectTensor(model.fc1.weight, e.W1_next, tol, 'W1_next');
      expectTensor(model.fc2.weight, e.W2_next, tol, 'W2_next');
      break;
    }
    case 'seed003_linear_regression': {
      const r = fitLine(Array.from(T(i.x).data), Array.from(T(i.y).data), i.w as number, i.b as number, i.lr as number, i.steps as number);
      expectClose(r.losses, e.losses as number[], tol, 'losses');
      expectClose(r.w, e.w as number, tol, 'w');
      expectClose(r.b, e.b as number, tol, 'b');
      break;
    }
    case 'seed004_worked_example': {
      const r = workedStep({ x: T(i.x), W1: T(i.W1), b1: T(i.b1), W2: T(i.W2), b2: T(i.b2), t: T(i.t), lr: i.lr as number });
      expectTensor(r.h, e.h, tol, 'h');
      expectTensor(r.o, e.o, tol, 'o');
      expectClose(r.E, e.E as number, tol, 'E');
      for (const k of ['dW1', 'db1', 'dW2', 'db2'] as const) expectTensor(r[k], e[k], tol, k);
      expectTensor(r.W1, e.W1_next, tol, 'W1_next');
      expectTensor(r.b1, e.b1_next, tol, 'b1_next');
      expectTensor(r.W2, e.W2_next, tol, 'W2_next');
      expectTensor(r.b2, e.b2_next, tol, 'b2_next');
      break;
    }
    case 'train_mlp_adam': {
      const model = new nn.Sequential(new nn.Linear(12, 16), new nn.ReLU(), new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 5));
      const sd0 = i.state_dict as Record<string, TensorJson>;
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(sd0));
      model.loadStateDict(Object.fromEntries(Object.entries(sd0).map(([k, v]) => [k, T(v)])));
      const opt = new optim.Adam(model.parameters(), { lr: i.lr as number });
      const lossFn = new nn.CrossEntropyLoss();
      const X = T(i.X);
      const labels = i.labels as number[];
      const losses: number[] = [];
      for (let s = 0; s < (i.steps as number); s++) {
        const loss = lossFn.forward(model.forward(X), labels);
        losses.push(loss.item());
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }
      expectClose(losses, e.losses as number[], tol, 'losses');
      const sd = model.stateDict();
      for (const [k, v] of Object.entries(e.state_dict as Record<string, TensorJson>)) expectTensor(sd[k], v, tol, k);
      break;
    }
    default:
      throw new Error(`no runner for golden case ${c.name}`);
  }
}

function runnerFor(name: string): (c: GoldenCase) => void {
  if (name.startsWith('op_')) return runOpCase;
  if (name.startsWith('loss_')) return runLossCase;
  if (name.startsWith('optim_')) return runOptimCase;
  if (name.startsWith('sched_')) return runSchedCase;
  if (name === 'clip_grad_norm') return runClipCase;
  if (name === 'module_batchnorm1d') return runBatchNormCase;
  return runSeedCase;
}

describe('golden index', () => {
  it('has a runner for every case', () => {
    for (const n of goldenNames()) {
      const c = loadGolden(n);
      expect(c.name).toBe(n);
      expect(runnerFor(n)).toBeTypeOf('function');
    }
  });
});

eachBackend('golden', () => {
  for (const name of goldenNames()) {
    it(name, () => {
      bp.manualSeed(0);
      const c = loadGolden(name);
      runnerFor(name)(c);
    });
  }
});

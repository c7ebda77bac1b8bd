// The standard workloads of ../shared/bench/WORKLOADS.md on backprop itself (eager autograd path:
// forward, backward, step in JavaScript; and fit). Each returns the figure WORKLOADS.md reports.
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { timeIt, timeItAsync } from './timing';

export interface Sizes { quick: boolean }

function stepper(model: nn.Module, loss: nn.Loss, opt: optim.Optimizer, x: Tensor, y: Tensor | number[]): () => void {
  return () => {
    opt.zeroGrad();
    loss.forward(model.forward(x), y).backward();
    opt.step();
  };
}

function labels(n: number, classes: number): number[] {
  return Array.from({ length: n }, (_, i) => i % classes);
}

function w1Data(): { x: Tensor; y: Tensor } {
  bp.manualSeed(0);
  const x = bp.rand([100, 2]);
  const y = bp.zeros([100, 1]);
  for (let i = 0; i < 100; i++) y.data[i] = x.data[2 * i] + x.data[2 * i + 1] > 1 ? 1 : 0;
  return { x, y };
}

function w1Model(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(2, 4), new nn.Sigmoid(), new nn.Linear(4, 1), new nn.Sigmoid());
}

/** W1: microseconds per training step of the 2-4-1 sigmoid MLP, full batch of 100. */
export function w1(s: Sizes): number {
  const { x, y } = w1Data();
  const model = w1Model();
  const step = stepper(model, new nn.BCELoss(), new optim.SGD(model.parameters(), { lr: 0.01 }), x, y);
  const per = s.quick ? 100 : 500;
  // Steady state: the JIT needs a few thousand small steps before the step's code is optimized.
  return (timeIt(() => { for (let i = 0; i < per; i++) step(); }, 5, s.quick ? 2 : 6) / per) * 1e6;
}

/** W1 through fit: the workload's 1000 full-batch steps as one fit() call of 1000 epochs; us per step. */
export async function w1Fit(s: Sizes): Promise<number> {
  const { x, y } = w1Data();
  const model = w1Model();
  const opts = { loss: new nn.BCELoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), batchSize: 100, shuffle: false };
  const epochs = s.quick ? 200 : 1000;
  return ((await timeItAsync(async () => { await bp.fit(model, { x, y }, { ...opts, epochs }); }, 5)) / epochs) * 1e6;
}

/** W2: training samples/s of 784-128-10 ReLU, SGD 0.1, batch 64. */
export function w2(s: Sizes): number {
  bp.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const step = stepper(model, new nn.CrossEntropyLoss(), new optim.SGD(model.parameters(), { lr: 0.1 }), bp.rand([64, 784]), labels(64, 10));
  const per = s.quick ? 20 : 50;
  return (64 * per) / timeIt(() => { for (let i = 0; i < per; i++) step(); }, 5);
}

export function w3Model(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10));
}

/** Multiply-adds of the W3 weights: the GFLOP/s figure counts 6 * weights * batch per step. */
export const W3_WEIGHTS = 784 * 1024 + 1024 * 1024 + 1024 * 10;

/** W3: training samples/s of 784-1024-1024-10 ReLU, Adam 1e-3, batch 256. */
export function w3(s: Sizes): number {
  bp.manualSeed(0);
  const model = w3Model();
  const step = stepper(model, new nn.CrossEntropyLoss(), new optim.Adam(model.parameters(), { lr: 1e-3 }), bp.rand([256, 784]), labels(256, 10));
  const per = s.quick ? 2 : 5;
  return (256 * per) / timeIt(() => { for (let i = 0; i < per; i++) step(); }, 5);
}

/**
 * W3 through fit (the fused native plan on the native backend): training samples/s of one fit() call
 * over 20 batches, as a training job runs it: the per-call set-up (plan, gradient buffers, the hop to
 * the worker thread) is paid once per call, not once per five batches.
 */
export async function w3Fit(s: Sizes): Promise<number> {
  bp.manualSeed(0);
  const model = w3Model();
  const n = 256 * (s.quick ? 2 : 20);
  const x = bp.rand([n, 784]);
  const y = bp.tensor(labels(n, 10));
  const opts = { loss: new nn.CrossEntropyLoss(), optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), epochs: 1, batchSize: 256, shuffle: false };
  return n / (await timeItAsync(async () => { await bp.fit(model, { x, y }, opts); }, s.quick ? 3 : 5));
}

/** W5: forward only; batch-1 latency in microseconds and batch-256 samples/s. */
export function w5(s: Sizes): { latencyUs: number; samplesPerSec: number } {
  bp.manualSeed(0);
  const model = w3Model().eval();
  const x1 = bp.rand([1, 784]);
  const x256 = bp.rand([256, 784]);
  const per1 = s.quick ? 50 : 200;
  const lat = bp.noGrad(() => timeIt(() => { for (let i = 0; i < per1; i++) model.forward(x1); }, 5) / per1);
  const per = s.quick ? 3 : 10;
  const t = bp.noGrad(() => timeIt(() => { for (let i = 0; i < per; i++) model.forward(x256); }, 5) / per);
  return { latencyUs: lat * 1e6, samplesPerSec: 256 / t };
}

/** W4: Fashion-MNIST, 784-256-128-10 ReLU, Adam 1e-3, batch 128, 3 shuffled epochs through fit. */
export async function w4(): Promise<{ seconds: number; accuracy: number } | null> {
  let d;
  try {
    d = bp.data.fashionMnist();
  } catch {
    return null;
  }
  bp.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const loss = new nn.CrossEntropyLoss();
  const t0 = process.hrtime.bigint();
  await bp.fit(model, d.train, { loss, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), epochs: 3, batchSize: 128, shuffle: true, seed: 0 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, accuracy: bp.evaluate(model, d.test, { loss, metrics: ['accuracy'] }).accuracy ?? 0 };
}

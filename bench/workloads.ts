// The standard workloads of ../shared/bench/WORKLOADS.md on backprop itself (eager autograd path:
// forward, backward, step in JavaScript; and fit). Each returns the figure WORKLOADS.md reports.
import * as bp from '../dist/index';
import { nn, optim, Tensor } from '../dist/index';
import { median, rewarmedSeconds, warm, warmSteps } from './timing';

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

/**
 * A workload prepared and warmed up: each call runs one timed repetition and returns the figure the
 * workload reports. The bench alternates repetitions of ours with a peer's, so that both sides of a
 * ratio meet the same minutes of this machine's drifting speed.
 */
export type Runner = () => Promise<number>;

/** The median of `reps` repetitions of a runner. */
export async function medianOf(run: Runner, reps: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) xs.push(await run());
  return median(xs);
}

/** Steps (W3) or batches (W3 through fit) in one timed repetition; torch_workloads.py times as many. */
const W3_STEPS = 20;

/** Seconds of one call of a workload's repetition, after REWARM_SECONDS of untimed calls. */
const timed = (call: () => unknown) => (): Promise<number> => rewarmedSeconds(call);

/** `per` calls of step, as one repetition. */
const repeat = (step: () => void, per: number) => () => { for (let i = 0; i < per; i++) step(); };

/** W1: microseconds per training step of the 2-4-1 sigmoid MLP, full batch of 100. */
export function w1Runner(s: Sizes): Runner {
  const { x, y } = w1Data();
  const model = w1Model();
  const step = stepper(model, new nn.BCELoss(), new optim.SGD(model.parameters(), { lr: 0.01 }), x, y);
  warm(step, warmSteps(s.quick).w1);
  const per = s.quick ? 100 : 500;
  const seconds = timed(repeat(step, per));
  return async () => ((await seconds()) / per) * 1e6;
}

/** W1 through fit: the workload's 1000 full-batch steps as one fit() call of 1000 epochs; us per step. */
export function w1FitRunner(s: Sizes): Runner {
  const { x, y } = w1Data();
  const model = w1Model();
  const opts = { loss: new nn.BCELoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), batchSize: 100, shuffle: false };
  const epochs = s.quick ? 200 : 1000;
  const seconds = timed(() => bp.fit(model, { x, y }, { ...opts, epochs }));
  return async () => ((await seconds()) / epochs) * 1e6;
}

/** W2: training samples/s of 784-128-10 ReLU, SGD 0.1, batch 64. */
export function w2Runner(s: Sizes): Runner {
  bp.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const step = stepper(model, new nn.CrossEntropyLoss(), new optim.SGD(model.parameters(), { lr: 0.1 }), bp.rand([64, 784]), labels(64, 10));
  warm(step, warmSteps(s.quick).w2);
  const per = s.quick ? 20 : 200;
  const seconds = timed(repeat(step, per));
  return async () => (64 * per) / (await seconds());
}

export function w3Model(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10));
}

/** Multiply-adds of the W3 weights: the GFLOP/s figure counts 6 * weights * batch per step. */
export const W3_WEIGHTS = 784 * 1024 + 1024 * 1024 + 1024 * 10;
/** W3's bias elements (the optimizer updates them with the weights). */
export const W3_BIASES = 1024 + 1024 + 10;

/** W3: training samples/s of 784-1024-1024-10 ReLU, Adam 1e-3, batch 256. */
export function w3Runner(s: Sizes): Runner {
  bp.manualSeed(0);
  const model = w3Model();
  const step = stepper(model, new nn.CrossEntropyLoss(), new optim.Adam(model.parameters(), { lr: 1e-3 }), bp.rand([256, 784]), labels(256, 10));
  warm(step, warmSteps(s.quick).w3);
  // 20 steps a repetition, as w3FitRunner's 20 batches: a 5-step window (45 ms at two threads) caught
  // the host's bursts whole (two-thread repetitions of one run spread 21.6k-32.9k samples/s).
  const per = s.quick ? 2 : W3_STEPS;
  const seconds = timed(repeat(step, per));
  return async () => (256 * per) / (await seconds());
}

/**
 * W3 through fit (the fused native plan on the native backend): training samples/s of one fit() call
 * over 20 batches, as a training job runs it: the per-call set-up (plan, gradient buffers, the hop to
 * the worker thread) is paid once per call, not once per five batches.
 */
export function w3FitRunner(s: Sizes): Runner {
  bp.manualSeed(0);
  const model = w3Model();
  const n = 256 * (s.quick ? 2 : W3_STEPS);
  const x = bp.rand([n, 784]);
  const y = bp.tensor(labels(n, 10));
  const opts = { loss: new nn.CrossEntropyLoss(), optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), epochs: 1, batchSize: 256, shuffle: false };
  const seconds = timed(() => bp.fit(model, { x, y }, opts));
  return async () => n / (await seconds());
}

/**
 * C1 (an addition to WORKLOADS.md's workloads, as O1 is): a LeNet-sized CNN's eager training step,
 * Conv2d 1->32 and 32->64 (3x3, padding 1) each with ReLU and MaxPool2d(2), then Linear 3136-128-10,
 * batch 64 of 1x28x28, SGD with momentum 0.9; training samples/s.
 */
export function c1Model(): nn.Sequential {
  return new nn.Sequential(new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(64 * 49, 128), new nn.ReLU(), new nn.Linear(128, 10));
}

export function c1Runner(s: Sizes): Runner {
  return cnnRunner(c1Model, [64, 1, 28, 28], s.quick ? 2 : 10, s.quick ? 2 : 20);
}

/** A CNN's training step on random images of `shape` (ten classes, SGD with momentum 0.9), in samples/s. */
function cnnRunner(model: () => nn.Sequential, shape: number[], warmSteps: number, per: number): Runner {
  bp.manualSeed(0);
  const m = model();
  const step = stepper(m, new nn.CrossEntropyLoss(), new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }), bp.rand(shape), labels(shape[0], 10));
  warm(step, warmSteps);
  const seconds = timed(repeat(step, per));
  return async () => (shape[0] * per) / (await seconds());
}

/**
 * C2 (an addition to WORKLOADS.md's, as C1 is): a ResNet stage's size, two 3x3 convolutions 64 -> 64
 * with ReLU over batch 32 of 64x56x56 (rows too large for one GEMM over the batch: conv2d runs
 * them one image at a time), then global average pooling and Linear 64-10, SGD with momentum 0.9;
 * training samples/s.
 */
export function c2Model(): nn.Sequential {
  return new nn.Sequential(new nn.Conv2d(64, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(64, 64, 3, { padding: 1 }), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(64, 10));
}

export function c2Runner(s: Sizes): Runner {
  return cnnRunner(c2Model, [32, 64, 56, 56], s.quick ? 1 : 2, s.quick ? 1 : 4);
}

/**
 * C3 (an addition to WORKLOADS.md's, as C1 is): a 3-D CNN's step, 3x3x3 convolutions 16 -> 32 -> 32
 * with padding 1 and ReLU over a batch of 4 volumes of 16 x 16 x 16, global average pooling and Linear
 * 32-10, SGD with momentum 0.9; training samples/s.
 */
export function c3Model(): nn.Sequential {
  return new nn.Sequential(new nn.Conv3d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv3d(32, 32, 3, { padding: 1 }), new nn.ReLU(),
    new nn.AdaptiveAvgPool3d(1), new nn.Flatten(), new nn.Linear(32, 10));
}

export function c3Runner(s: Sizes): Runner {
  return cnnRunner(c3Model, [4, 16, 16, 16, 16], s.quick ? 1 : 5, s.quick ? 1 : 10);
}

/**
 * T1 (an addition to WORKLOADS.md's, as C1 is): a Transformer encoder's eager training step, two
 * TransformerEncoderLayers (d_model 256, 8 heads, feed-forward 1024, no dropout) over 64 positions
 * of a batch of 32 with a causal mask, the mean square of the output as the loss, Adam 1e-4;
 * training sequences/s.
 */
export const T1 = { seq: 64, batch: 32, dModel: 256, heads: 8, ff: 1024, layers: 2 };

export function t1Runner(s: Sizes): Runner {
  bp.manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(T1.dModel, T1.heads, { dimFeedforward: T1.ff, dropout: 0 });
  const model = new nn.TransformerEncoder(layer, T1.layers);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-4 });
  const x = bp.randn([T1.seq, T1.batch, T1.dModel]);
  const mask = bp.triu(bp.ones([T1.seq, T1.seq]), 1);
  const step = () => {
    opt.zeroGrad();
    model.forward(x, mask).square().mean().backward();
    opt.step();
  };
  // Until V8 frees dead ArrayBuffers at its steady pace a step faults in ~1000 fresh pages (~10 ms
  // of its ~70 at two threads; W3's warm-up says the same): 20 steps reach the steady state.
  warm(step, s.quick ? 1 : 20);
  const per = s.quick ? 1 : 5;
  const seconds = timed(repeat(step, per));
  return async () => (T1.batch * per) / (await seconds());
}

/** GP1: a WGAN-GP critic, 784-512-256-1 with LeakyReLU(0.2), batch 64, Adam 1e-4, penalty weight 10. */
export const GP1 = { batch: 64, weight: 10 };

/**
 * GP1's step (not in WORKLOADS.md; torch_workloads.py's gp1): the gradient of the critic at points
 * between real and fake samples with createGraph, the penalty (||g|| - 1)^2 on it, and one backward
 * through the penalty and the critic's Wasserstein estimate. Samples/s.
 */
export function gp1Runner(s: Sizes): Runner {
  bp.manualSeed(0);
  const critic = new nn.Sequential(new nn.Linear(784, 512), new nn.LeakyReLU(0.2), new nn.Linear(512, 256), new nn.LeakyReLU(0.2), new nn.Linear(256, 1));
  const opt = new optim.Adam(critic.parameters(), { lr: 1e-4 });
  const real = bp.randn([GP1.batch, 784]), fake = bp.randn([GP1.batch, 784]);
  const step = () => {
    const eps = bp.rand([GP1.batch, 1]);
    const between = real.mul(eps).add(fake.mul(eps.neg().add(1))).requiresGrad_();
    const [g] = bp.autograd.grad(critic.forward(between).sum(), between, { createGraph: true }) as bp.Tensor[];
    const penalty = g.square().sum(1).add(1e-12).sqrt().sub(1).square().mean();
    opt.zeroGrad();
    critic.forward(fake).mean().sub(critic.forward(real).mean()).add(penalty.mul(GP1.weight)).backward();
    opt.step();
  };
  warm(step, s.quick ? 1 : 20);
  const per = s.quick ? 1 : 5;
  const seconds = timed(repeat(step, per));
  return async () => (GP1.batch * per) / (await seconds());
}

/** W5: forward only; batch-1 latency in microseconds (`latency`) or batch-256 samples/s (`throughput`). */
export function w5Runner(s: Sizes, what: 'latency' | 'throughput'): Runner {
  bp.manualSeed(0);
  const model = w3Model().eval();
  const batch = what === 'latency' ? 1 : 256;
  const x = bp.rand([batch, 784]);
  const forward = () => { bp.noGrad(() => model.forward(x)); };
  const per = what === 'latency' ? (s.quick ? 50 : 200) : (s.quick ? 3 : 10);
  // Batch 1 needs no warm-up of its own (the 0.2 s re-warm of every repetition is over a thousand
  // passes); batch 256 warms as W3 does, until the heap has settled (55 page faults a pass before).
  if (what === 'throughput') warm(forward, warmSteps(s.quick).w3);
  const seconds = timed(repeat(forward, per));
  return async () => { const t = await seconds(); return what === 'latency' ? (t / per) * 1e6 : (batch * per) / t; };
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

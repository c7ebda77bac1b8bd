// A small convolutional network on Fashion-MNIST, as one writes it in PyTorch: two Conv2d blocks
// (BatchNorm2d, ReLU, MaxPool2d) and a Linear head, trained by fit() with Adam, then scored on the
// 10k test images. `tsx examples/cnn-fashion-mnist.ts [training images, default 60000] [epochs,
// default 1]`. Without the dataset (apt-get install dataset-fashion-mnist) it says so and stops.
import { data, evaluate, fit, getNumThreads, manualSeed, nn, optim, Tensor } from '../lib/index';

function images(split: { x: Tensor; y: Tensor }, count: number): { x: Tensor; y: Tensor } {
  const n = Math.min(count, split.x.shape[0]);
  // [n, 784] rows as [n, 1, 28, 28] images (NCHW, one channel): a view, no copy.
  return { x: split.x.narrow(0, 0, n).reshape([n, 1, 28, 28]), y: split.y.narrow(0, 0, n) };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 60000);
  const epochs = Number(process.argv[3] ?? 1);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(epochs) || epochs < 1) {
    throw new Error(`usage: cnn-fashion-mnist.ts [training images >= 1] [epochs >= 1], got ${process.argv.slice(2).join(' ')}`);
  }
  let d: ReturnType<typeof data.fashionMnist>;
  try {
    d = data.fashionMnist();
  } catch (e) {
    console.log(`${(e as Error).message}\nNo dataset, no training: this example needs Fashion-MNIST.`);
    return;
  }
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2), // 16 x 14 x 14
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), // 32 x 7 x 7
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
  );
  console.log(String(model));
  const train = images(d.train, count);
  const test = images(d.test, 10000);
  console.log(`training on ${train.x.shape[0]} images, ${epochs} epoch(s), ${getNumThreads()} thread(s)`);
  const lossFn = new nn.CrossEntropyLoss();
  const t0 = Date.now();
  await fit(model, train, {
    loss: lossFn, optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }), epochs, batchSize: 64, shuffle: true, seed: 0, verbose: false,
  });
  const seconds = (Date.now() - t0) / 1000;
  const r = evaluate(model, test, { loss: lossFn, metrics: ['accuracy'] });
  console.log(`trained in ${seconds.toFixed(1)} s (${((train.x.shape[0] * epochs) / seconds).toFixed(0)} images/s)`);
  console.log(`test accuracy ${(100 * (r.accuracy ?? 0)).toFixed(2)}%, test loss ${r.loss.toFixed(4)}`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});

// The addon sets glibc's malloc thresholds when it loads (native/src/runtime/allocator.cc), so that
// a training loop's 1 MiB activations land on warm pages instead of fresh ones the kernel faults in.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { allocatorTuned, mallocLeftToUser } from '../lib/backend/native';

const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
const glibc = Boolean(report?.header?.glibcVersionRuntime);
const why = !bp.hasNative() ? 'the native addon is not built' : !glibc ? 'the C library is not glibc' : mallocLeftToUser() ? 'the malloc settings were chosen by the environment' : '';
if (why) console.log(`allocator tests skipped: ${why}`);

/**
 * Median page faults per training step of a wide MLP (784-1024-1024-10, batch 256: five 1 MiB
 * activations and gradients a step, beside 3-4 MiB weight gradients), over blocks of steps.
 */
function faultsPerStep(): number {
  bp.setBackend('native');
  bp.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10));
  const opt = new optim.Adam(model.parameters());
  const lossFn = new nn.CrossEntropyLoss();
  const x = bp.rand([256, 784]);
  const y = bp.tensor(Array.from({ length: 256 }, (_, i) => i % 10));
  const step = () => {
    opt.zeroGrad();
    lossFn.forward(model.forward(x), y).backward();
    opt.step();
  };
  for (let i = 0; i < 30; i++) step();
  const blockMedian = (): number => {
    const perBlock: number[] = [];
    for (let b = 0; b < 5; b++) {
      const f0 = process.resourceUsage().minorPageFault;
      for (let i = 0; i < 8; i++) step();
      perBlock.push((process.resourceUsage().minorPageFault - f0) / 8);
    }
    return perBlock.sort((p, q) => p - q)[2];
  };
  // A second measurement when the first is high: one run of the whole suite in seven (a fresh CI
  // clone, 2026-11-30) measured 62 faults a step over the first 40 steps after warm-up and ~0 in
  // every rerun, while glibc's own thresholds give 55-115 a step every time.
  const first = blockMedian();
  return first < 16 ? first : Math.min(first, blockMedian());
}

describe.skipIf(why !== '')('allocator thresholds', () => {
  it('are set when the addon loads', () => {
    expect(allocatorTuned()).toBe(true);
  });

  it('let a training loop reuse warm pages for its activations and gradients', () => {
    // With glibc's own thresholds this loop faulted 55-115 times per step (BACKPROP_MALLOC=default).
    const faults = faultsPerStep();
    console.log(`page faults per training step: ${faults}`);
    expect(faults).toBeLessThan(16);
  });
});

// Timing helpers: warm up, then the median of repeated runs (WORKLOADS.md asks for >= 5).

/**
 * Untimed work before every timed repetition, on every side of a comparison (bench/workloads.ts,
 * the TensorFlow.js runner, and REWARM_SECONDS in bench/peers/torch_workloads.py): a core that sat
 * idle (while a peer ran, or for just 300 ms) runs the next ~100 ms slower on this VM: the gap cost
 * W2 25-30%.
 */
export const REWARM_SECONDS = 0.2;

/** Seconds of one call of `call`, after REWARM_SECONDS of untimed calls (awaited when async). */
export async function rewarmedSeconds(call: () => unknown): Promise<number> {
  const w0 = process.hrtime.bigint();
  do await call(); while (Number(process.hrtime.bigint() - w0) / 1e9 < REWARM_SECONDS);
  const t0 = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// Warm-up in steps: the JIT needs a few thousand small steps before a step's code is optimized
// (W2 measured 115k samples/s on its first 300 steps and 138-148k after), and a large step wants its
// heap settled (a W3 step faults in 500-600 fresh pages over its first ~20 steps, none after ~30).
// Ours (workloads.ts) and TensorFlow.js's (peers/tfjs.ts) warm up by these counts, PyTorch's
// (peers/torch_workloads.py) by the same numbers; W3's count also warms W5 at batch 256.
export function warmSteps(quick: boolean): { w1: number; w2: number; w3: number } {
  return quick ? { w1: 500, w2: 200, w3: 2 } : { w1: 3000, w2: 1000, w3: 30 };
}

/** Runs step `steps` times, or until maxSeconds have passed. */
export function warm(step: () => void, steps: number, maxSeconds = Infinity): void {
  const t0 = performance.now();
  for (let i = 0; i < steps && performance.now() - t0 < maxSeconds * 1000; i++) step();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

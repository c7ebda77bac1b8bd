// Where an eager training step of W2 or W3 spends its time: every call into the addon is timed by
// name (GEMMs by shape and transposes), and what is left of the step is JavaScript (ops, tape,
// allocation, GC). w5 times W5's batch-256 forward pass instead of a training step, w5b1 its
// batch-1 pass; c1, c2 and c3 are the bench's CNN steps (C1, C2, C3), t1 its Transformer encoder's (T1).
// npx tsx bench/step_profile.ts [w2|w3|w5|w5b1|c1|c2|c3|t1] [threads] [steps]
import './built';
import { addonPath } from '../dist/backend/native';

type Fn = (...args: unknown[]) => unknown;
const time: Record<string, { ms: number; calls: number }> = {};
// The addon's time so far, all calls: a phase of the step (phase()) subtracts it from its own.
let addonMs = 0;

/** f wrapped to add its time (the call alone, not the wrapper's bookkeeping) to time[key(args)]. */
function timed(name: string, f: Fn): Fn {
  return (...args: unknown[]) => {
    const t0 = performance.now();
    const r = f(...args);
    const ms = performance.now() - t0;
    addonMs += ms;
    const product = (at: number) => `${args.slice(at + 2, at + 5).join('x')} ${args[at] ? 'T' : 'N'}${args[at + 1] ? 'T' : 'N'}`;
    const key = name === 'gemm' || name === 'gemmWindows' ? `${name} ${product(0)}` : name === 'gemmPair' ? `gemmPair ${product(0)} + ${product(14)}` : name;
    const slot = (time[key] ??= { ms: 0, calls: 0 });
    slot.ms += ms;
    slot.calls++;
    return r;
  };
}

// Wrap the addon's exports before the library loads it: loadNative() copies them once.
const addon = require(process.env.BACKPROP_ADDON ?? addonPath()) as Record<string, unknown>;
for (const name of Object.keys(addon)) {
  const f = addon[name];
  if (typeof f === 'function') addon[name] = timed(name, f as Fn);
}

/** What the wrapper itself adds to a call, in ms, outside the time it records: a wrapped no-op
 * called as gemm is (its key is the dearest to build). */
function wrapperCost(): number {
  const noop = timed('gemm', () => undefined);
  const args = [false, true, 256, 1024, 784, 1, null, null, 0, null, null, 0, null, 0];
  const key = 'gemm 256x1024x784 NT';
  // The real entry is set aside while the no-op runs: its warm-up calls would otherwise add to it
  // (they did: W3's 256x1024x784 NT row counted 10001 calls a step).
  const saved = time[key];
  delete time[key];
  const n = 200000;
  for (let i = 0; i < n; i++) noop(...args);
  time[key] = { ms: 0, calls: 0 };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) noop(...args);
  const cost = (performance.now() - t0 - time[key].ms) / n;
  if (saved) time[key] = saved;
  else delete time[key];
  return cost;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bp = require('../dist/index') as typeof import('../dist/index');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { w3Model, c1Model, c2Model, c3Model, T1 } = require('./workloads') as typeof import('./workloads');
const { nn, optim } = bp;

function main(): void {
  const which = process.argv[2] ?? 'w3';
  const threads = Number(process.argv[3] ?? 1);
  const steps = Number(process.argv[4] ?? (which === 'w2' ? 400 : which === 'w5b1' ? 2000 : 20));
  if (!['w2', 'w3', 'w5', 'w5b1', 'c1', 'c2', 'c3', 't1'].includes(which)) throw new Error(`step_profile: workload must be w2, w3, w5, w5b1, c1, c2, c3 or t1, got '${which}'`);
  const forwardOnly = which === 'w5' || which === 'w5b1';
  bp.setNumThreads(threads);
  bp.manualSeed(0);
  const cnn = which === 'c1' || which === 'c2' || which === 'c3';
  const transformer = which === 't1';
  const big = which !== 'w2' && !cnn && !transformer;
  const model = transformer
    ? new nn.TransformerEncoder(new nn.TransformerEncoderLayer(T1.dModel, T1.heads, { dimFeedforward: T1.ff, dropout: 0 }), T1.layers)
    : cnn ? (which === 'c3' ? c3Model() : which === 'c2' ? c2Model() : c1Model()) : big ? w3Model() : new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = big ? new optim.Adam(model.parameters(), { lr: 1e-3 }) : transformer ? new optim.Adam(model.parameters(), { lr: 1e-4 })
    : cnn ? new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }) : new optim.SGD(model.parameters(), { lr: 0.1 });
  const batch = which === 'w5b1' ? 1 : big ? 256 : transformer ? T1.batch : which === 'c2' ? 32 : which === 'c3' ? 4 : 64;
  const x = transformer ? bp.randn([T1.seq, T1.batch, T1.dModel])
    : bp.rand(which === 'c2' ? [batch, 64, 56, 56] : which === 'c3' ? [batch, 16, 16, 16, 16] : cnn ? [batch, 1, 28, 28] : [batch, 784]);
  const y = Array.from({ length: batch }, (_, i) => i % 10);
  const mask = bp.triu(bp.ones([T1.seq, T1.seq]), 1);
  const classLoss = new nn.CrossEntropyLoss();
  const loss = { forward: (out: import('../dist/index').Tensor, target: number[]) => (transformer ? out.square().mean() : classLoss.forward(out, target)) };
  // Each phase's JavaScript: its time less the addon calls inside it. In W3's step each phase's
  // JavaScript runs several times slower than the same code in a loop of its own (it runs cold,
  // between products that stream tens of MB through the caches).
  const phaseJs: Record<string, number> = {};
  const phase = <T>(name: string, f: () => T): T => {
    const a0 = addonMs;
    const t0 = performance.now();
    const r = f();
    phaseJs[name] = (phaseJs[name] ?? 0) + performance.now() - t0 - (addonMs - a0);
    return r;
  };
  const step = forwardOnly
    ? () => { bp.noGrad(() => phase('forward', () => model.forward(x))); }
    : () => {
      phase('zeroGrad', () => opt.zeroGrad());
      const out = phase('forward', () => (transformer ? model.forward(x, mask) : model.forward(x)));
      const l = phase('loss', () => loss.forward(out, y));
      phase('backward', () => l.backward());
      phase('step', () => opt.step());
    };
  if (forwardOnly) model.eval();
  // Warm-up: the JIT, and the heap: until V8 frees dead ArrayBuffers at its steady pace a W3 step
  // faults in fresh pages (500-600 faults a step over its first ~20 steps). And for at least half a
  // second: W5's batch-1 pass at two threads ran at 87 us in the 2000 passes after 500 warm-up
  // passes (~35 ms), at 58-61 in the windows after (the cores, like the bench's REWARM_SECONDS says).
  const warmUntil = performance.now() + 500;
  for (let i = 0; i < Math.max(big ? 40 : 5, steps / 4) || performance.now() < warmUntil; i++) step();
  for (const k of Object.keys(time)) delete time[k];
  for (const k of Object.keys(phaseJs)) delete phaseJs[k];
  const usage0 = process.resourceUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const total = (performance.now() - t0) / steps;
  const usage1 = process.resourceUsage();
  let inAddon = 0;
  let callsPerStep = 0;
  for (const v of Object.values(time)) callsPerStep += v.calls / steps;
  const perCall = wrapperCost();
  const nameWidth = Math.max(28, ...Object.keys(time).map((k) => k.length));
  console.log(`${which.toUpperCase()} ${forwardOnly ? 'forward pass' : 'eager step'} at ${threads} thread(s), ${steps} steps`);
  for (const [k, v] of Object.entries(time).sort((a, b) => b[1].ms - a[1].ms)) {
    inAddon += v.ms / steps;
    console.log(`  ${k.padEnd(nameWidth)} ${(v.ms / steps).toFixed(4).padStart(8)} ms/step  ${(v.calls / steps).toFixed(1)} calls`);
  }
  const rest = total - inAddon;
  console.log(`  ${'JavaScript (the rest)'.padEnd(nameWidth)} ${rest.toFixed(4).padStart(8)} ms/step, of which this wrapper ~${(callsPerStep * perCall).toFixed(4)} (${callsPerStep.toFixed(0)} calls x ${(perCall * 1000).toFixed(2)} us)`);
  console.log(`    by phase: ${Object.entries(phaseJs).map(([k, ms]) => `${k} ${((ms / steps) * 1000).toFixed(1)}`).join(', ')} us/step (the wrapper's share included)`);
  console.log(`  total ${total.toFixed(4)} ms/step, ${((batch / total) * 1000).toFixed(0)} samples/s`);
  // Fresh pages (the kernel zeroes each) and context switches show up in the JavaScript row.
  const perStep = (a: number, b: number) => ((b - a) / steps).toFixed(1);
  console.log(`  page faults ${perStep(usage0.minorPageFault, usage1.minorPageFault)}/step, context switches ${perStep(usage0.voluntaryContextSwitches + usage0.involuntaryContextSwitches, usage1.voluntaryContextSwitches + usage1.involuntaryContextSwitches)}/step`);
}

main();

// npm run bench [-- --quick] [-- --only=G1,W1,W2,W3,W4,W5,O1,C1,C2,C3,T1,GP1,L1,P1]: the standard workloads of
// ../shared/bench/WORKLOADS.md, single ops on large tensors (O1, bench/ops.ts), products with a small
// side (P1, bench/small_side.ts), a small CNN's
// training step (C1), a ResNet-stage-sized one's (C2), a 3-D one's (C3), a Transformer encoder's (T1) and a WGAN-GP
// critic's, through a gradient penalty (GP1, bench/workloads.ts), on our native
// and reference backends and, in the same run, on the peers that are present (PyTorch via
// /usr/bin/python3, TensorFlow.js cpu and wasm). Prints a table with ratios and writes
// bench/results/<timestamp>.json. This machine's speed drifts by 20% or more over minutes, so
// the peers' repetitions alternate with ours (a server process per PyTorch thread count and per
// TensorFlow.js backend, bench/peers/peer_worker.ts) and both medians come from the same minutes.
import './built';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as bp from '../dist/index';
import { loadNative } from '../dist/backend/native';
import { referenceBackend } from '../dist/backend/reference';
import { dramStreamBandwidth, fmaPeak, l3ReadBandwidth, openblasAvailable, openblasGflops, W3_ADAM_BYTES, W5_WEIGHT_BYTES } from './machine';
import { gemmRunner, squareShapes, w3Shapes } from './gemm';
import type { PeerWorker } from './peers/peer_worker';
import { TFJS_WORKLOADS, TfjsWorker } from './peers/tfjs_worker';
import { TorchWorker, torchAvailable } from './peers/torch_worker';
import { PIN_CPU, peersPinned, useThreads } from './pin';
import { median } from './timing';
import { O1_OPS, o1Runner, o1Size } from './ops';
import { L1_OPS, l1Runner, l1Size } from './linalg';
import { P1_OPS, p1Runner } from './small_side';
import * as W from './workloads';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (k: string) => !only || only.has(k);
const THREADS = [1, 2];
const sizes = { quick };
// Repetitions of each workload, ours alternating with PyTorch's (WORKLOADS.md: medians of >= 5).
const ROUNDS = quick ? 3 : 5;
const SETTLE_MS = 300; // after each peer's turn in a round (interleaved's settle)

type Row = { workload: string; metric: string; better: 'higher' | 'lower'; values: Record<string, number | null> };
const rows: Row[] = [];
/** Every repetition of every series, by workload: what the medians in `rows` were taken from. */
const series: Record<string, Record<string, number[]>> = {};
const log = (s: string) => process.stderr.write(`${s}\n`);

function row(workload: string, metric: string, better: 'higher' | 'lower', values: Record<string, number | null>): void {
  rows.push({ workload, metric, better, values });
}

/** o[key] when it is a number (a peer's figure), else null. */
function get(o: Record<string, unknown> | undefined, key: string): number | null {
  const v = o?.[key];
  return typeof v === 'number' ? v : null;
}

const med = (xs: number[] | undefined): number | null => (xs && xs.length ? median(xs) : null);

async function main(): Promise<void> {
  const nat = loadNative().backend;
  if (!nat) throw new Error('bench: the native addon is not built (npm run build:native)');
  const started = new Date();
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, kernels: (nat as unknown as { kernelSet(): string }).kernelSet() };
  const pinnedCpu = useThreads(1) && peersPinned ? PIN_CPU : null;
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.kernels}; ${quick ? 'quick' : 'full'} run`);
  log(pinnedCpu !== null ? `one-thread runs (ours and the peers') pinned to CPU ${pinnedCpu}` : 'one-thread runs not pinned (no taskset, or not Linux)');
  const peak: Record<number, number | null> = {};
  for (const t of THREADS) peak[t] = fmaPeak(t, machine.kernels);
  log(`FMA peak (${machine.kernels === 'avx512' ? '512-bit vectors, as the avx512 kernels use' : machine.kernels === 'generic' ? "256-bit vectors; the generic set's SSE2 multiplies and adds, 128-bit, reach at most half of it" : '256-bit vectors, as the avx2+fma kernels use'}): ${THREADS.map((t) => `${t} thread(s) ${peak[t]?.toFixed(1) ?? 'n/a'} GFLOP/s`).join(', ')}`);
  const l3: Record<number, number | null> = {};
  for (const t of THREADS) l3[t] = l3ReadBandwidth(t, machine.kernels);
  // A batch-1 pass reads every weight once from the L3: no pass can be faster than this.
  const l3BoundUs = (t: number): number | null => (l3[t] ? (W5_WEIGHT_BYTES / (l3[t] as number) / 1e9) * 1e6 : null);
  log(`L3 read (W5's ${(W5_WEIGHT_BYTES / 2 ** 20).toFixed(1)} MiB of weights): ${THREADS.map((t) => `${t} thread(s) ${l3[t]?.toFixed(1) ?? 'n/a'} GB/s = ${l3BoundUs(t)?.toFixed(1) ?? 'n/a'} us per pass`).join(', ')}`);
  const dram: Record<number, number | null> = {};
  for (const t of THREADS) dram[t] = dramStreamBandwidth(t);
  // W3's optimizer step at 2 threads takes about as long as at 1 (bench/step_profile.ts): not for
  // lack of memory bandwidth, which this shows doubling; see optim.cc.
  log(`memory, W3's Adam traffic from DRAM: ${THREADS.map((t) => `${t} thread(s) ${dram[t]?.toFixed(1) ?? 'n/a'} GB/s = ${dram[t] ? ((W3_ADAM_BYTES / (dram[t] as number) / 1e9) * 1e3).toFixed(2) : 'n/a'} ms per step`).join(', ')}`);
  const haveBlas = openblasAvailable();
  if (!haveBlas) log('OpenBLAS: absent (apt-get install libopenblas-dev)');
  let workers: TorchWorker[] = [];
  let torchVersion: unknown = null;
  if (torchAvailable()) {
    workers = THREADS.map((t) => new TorchWorker(t, quick));
    // With our AVX-512 kernels, PyTorch also runs at one thread with OpenBLAS's AVX-512 kernels
    // forced: not its idiomatic path (the targets compare with that), but what it can do here.
    if (machine.kernels === 'avx512') workers.push(new TorchWorker(1, quick, 'SKYLAKEX'));
    try {
      const hello = (await Promise.all(workers.map((w) => w.ready)))[0];
      torchVersion = { version: hello.torch, blas: hello.blas };
      log(`PyTorch ${String(hello.torch)}, its products on ${String(hello.blas)}`);
      // Debian's torch calls whatever libblas.so.3 is installed: without an OpenBLAS package that is
      // the reference BLAS, and every PyTorch figure below is ~20x slow (W3 356 samples/s, not 7k).
      if (String(hello.blas).includes('/blas/libblas')) {
        log('PyTorch: WARNING: on the reference BLAS, so its figures are not what PyTorch users see; ' +
          'apt-get install libopenblas-dev (the targets compare with PyTorch on OpenBLAS)');
      }
    } catch (e) {
      log(`PyTorch: the server did not start, so no PyTorch figures this run: ${(e as Error).message}`);
      for (const w of workers) w.close();
      workers = [];
    }
  } else {
    log('PyTorch: absent (/usr/bin/python3 cannot import torch; apt-get install python3-torch)');
  }
  // TensorFlow.js's version and backend are kept for the JSON.
  const tfjs: Record<string, Record<string, unknown>> = {};
  const tfjsWorkers: TfjsWorker[] = [];
  if (TFJS_WORKLOADS.some(want)) {
    for (const b of ['cpu', 'wasm'] as const) {
      const w = new TfjsWorker(b, quick);
      try {
        tfjs[b] = await w.ready;
        tfjsWorkers.push(w);
      } catch (e) {
        log(`TensorFlow.js ${b}: the server did not start, so no figures of it this run: ${(e as Error).message}`);
        w.close();
      }
    }
  }
  const peers: PeerWorker[] = [...workers, ...tfjsWorkers];
  // A failed peer request is reported and leaves its figures out; the run goes on.
  const ask = (w: PeerWorker, workload: string): Promise<Record<string, number>> =>
    w.measure(workload).catch((e: Error) => { log(e.message); return {}; });
  // PyTorch's figures of a whole measurement (G1, W4), by thread count.
  const torchWhole = async (workload: string): Promise<Record<number, Record<string, number>>> => {
    const out: Record<number, Record<string, number>> = {};
    for (const w of workers.filter((x) => x.idiomatic)) {
      log(`${workload} PyTorch ${w.threads} thread(s)...`);
      out[w.threads] = await ask(w, workload);
    }
    return out;
  };

  /**
   * ROUNDS rounds of: one repetition of each peer (PyTorch per thread count, then TensorFlow.js per
   * backend where it serves the workload), then one repetition of each of ours.
   * Every repetition starts with REWARM_SECONDS (timing.ts) of untimed work, which also outlasts the 100-200 ms
   * that PyTorch's idle pools (OpenBLAS, OpenMP) keep spinning after its repetition.
   * Series are named `<peer label> <key>` (`PyTorch 1t W2`, `tfjs wasm W5.latencyUs`: keys as the
   * peers print them) and by our labels.
   */
  // A runner of ours gives one figure, or several by key (O1: one per op), kept as `<label> <key>`.
  type Ours = { label: string; threads: number; run: () => Promise<number | Record<string, number>> };
  // OpenBLAS's threads in a peer's process spin for a while after its last product (its default
  // THREAD_TIMEOUT, 2^28 cycles, ~0.1 s here) on the CPUs the next runner wants: P1's products of ours
  // (~10 ms a round) run right after the peers took 3-8x as long at two threads in some rounds (the
  // pool's barrier waiting for a thread that shared its CPU with a spinning one), and a PyTorch run
  // right after the two-thread one had the same neighbours. So every peer's turn is followed by a
  // wait, busy: idle (a timer), the vCPUs came back slow, one-thread figures 1.5-3x as long.
  const settle = (): void => {
    const until = performance.now() + SETTLE_MS;
    while (performance.now() < until) {
      // busy on purpose
    }
  };
  const interleaved = async (workload: string, ours: Ours[]): Promise<Record<string, number[]>> => {
    const s: Record<string, number[]> = (series[workload] = {});
    const push = (k: string, v: number) => (s[k] ??= []).push(v);
    const serving = peers.filter((w) => w.serves(workload));
    for (let r = 0; r < ROUNDS; r++) {
      log(`${workload} round ${r + 1}/${ROUNDS}`);
      for (const w of serving) {
        for (const [k, v] of Object.entries(await ask(w, workload))) push(`${w.label} ${k}`, v);
        settle();
      }
      for (const o of ours) {
        useThreads(o.threads);
        const v = await o.run();
        if (typeof v === 'number') push(o.label, v);
        else for (const [k, x] of Object.entries(v)) push(`${o.label} ${k}`, x);
      }
    }
    return s;
  };
  // One runner of ours per thread count (sharing one would interleave their models' steps), labelled
  // `native <t>t`, `native fit <t>t`, `native <t>t latency`...
  const perThread = (label: (t: number) => string, make: () => Ours['run']) => THREADS.map((t) => ({ label: label(t), threads: t, run: make() }));
  const eager = (make: () => W.Runner) => perThread((t) => `native ${t}t`, make);
  const fit = (make: () => W.Runner) => perThread((t) => `native fit ${t}t`, make);
  const torchCols = (s: Record<string, number[]>, key: string, better: 'higher' | 'lower'): Record<string, number | null> => {
    const v = THREADS.map((t) => med(s[`PyTorch ${t}t ${key}`])).filter((x): x is number => x !== null);
    const best = v.length ? (better === 'higher' ? Math.max(...v) : Math.min(...v)) : null;
    const avx512 = med(s[`PyTorch avx512 1t ${key}`]);
    return { 'PyTorch 1t': med(s[`PyTorch 1t ${key}`]), 'PyTorch best': best, ...(avx512 === null ? {} : { 'PyTorch avx512 1t': avx512 }) };
  };
  const tfjsCols = (s: Record<string, number[]>, key: string): Record<string, number | null> => ({ 'tfjs cpu': med(s[`tfjs cpu ${key}`]), 'tfjs wasm': med(s[`tfjs wasm ${key}`]) });
  const medians = (s: Record<string, number[]>, labels: string[]) => Object.fromEntries(labels.map((l) => [l, med(s[l])]));
  // The reference backend is two orders slower: a median of 3 short repetitions, outside the rounds.
  const reference = async (make: (s: W.Sizes) => W.Runner): Promise<number> => {
    bp.setBackend('reference');
    useThreads(1);
    const v = await W.medianOf(make({ quick: true }), 3);
    bp.setBackend('native');
    return v;
  };

  if (want('G1')) {
    // ROUNDS rounds, as the W rows: in each, every shape runs one repetition of ours and of each
    // OpenBLAS, side by side. One window per shape let a slow minute of the host decide a figure
    // (session 18: n = 256 at 0.78x OpenBLAS in one window, 1.00x an hour later).
    // PyTorch's products come last: its idle OpenBLAS threads spin for 100-200 ms after them, and
    // our 2-thread n = 64 run next to them once measured 2.9 GFLOP/s instead of ~40.
    const shapes = [...squareShapes(quick), ...(quick ? [] : w3Shapes())];
    const s: Record<string, number[]> = (series.G1 = {});
    const push = (k: string, v: number | null) => { if (v !== null) (s[k] ??= []).push(v); };
    const ours = shapes.map((shape) => gemmRunner(nat, shape));
    for (let r = 0; r < ROUNDS; r++) {
      log(`G1 round ${r + 1}/${ROUNDS}`);
      for (const [i, shape] of shapes.entries()) {
        for (const t of THREADS) {
          useThreads(t);
          push(`${shape.label} native ${t}t`, await ours[i]());
          if (!haveBlas) continue;
          push(`${shape.label} OpenBLAS ${t}t`, openblasGflops(t, shape));
          if (machine.kernels === 'avx512') push(`${shape.label} OpenBLAS avx512 ${t}t`, openblasGflops(t, shape, 'SKYLAKEX'));
        }
      }
    }
    const tg = await torchWhole('G1');
    for (const shape of shapes) {
      const v: Record<string, number | null> = {};
      for (const t of THREADS) {
        for (const who of ['native', 'OpenBLAS', 'OpenBLAS avx512']) v[`${who} ${t}t`] = med(s[`${shape.label} ${who} ${t}t`]);
        v[`%peak ${t}t`] = peak[t] && v[`native ${t}t`] !== null ? (100 * (v[`native ${t}t`] as number)) / (peak[t] as number) : null;
      }
      if (machine.kernels !== 'avx512') for (const t of THREADS) delete v[`OpenBLAS avx512 ${t}t`];
      if (shape.n <= 128 && shape.m === shape.n) {
        useThreads(1);
        const run = gemmRunner(referenceBackend, shape);
        v.reference = median([await run(), await run(), await run()]);
      }
      const tv = THREADS.map((t) => get(tg[t], `G1.${shape.n}`)).filter((x): x is number => x !== null);
      v['PyTorch best'] = shape.m === shape.n && shape.k === shape.n && tv.length ? Math.max(...tv) : null;
      row(`G1 ${shape.label}`, 'GFLOP/s', 'higher', v);
    }
  }

  if (want('W1')) {
    const s = await interleaved('W1', [...eager(() => W.w1Runner(sizes)), ...fit(() => W.w1FitRunner(sizes))]);
    const v = medians(s, [...THREADS.map((t) => `native ${t}t`), ...THREADS.map((t) => `native fit ${t}t`)]);
    v.reference = await reference(W.w1Runner);
    Object.assign(v, torchCols(s, 'W1', 'lower'), tfjsCols(s, 'W1'));
    row('W1 tiny 2-4-1', 'us/step', 'lower', v);
  }
  if (want('W2')) {
    const s = await interleaved('W2', eager(() => W.w2Runner(sizes)));
    const v = medians(s, THREADS.map((t) => `native ${t}t`));
    if (!quick) v.reference = await reference(W.w2Runner);
    Object.assign(v, torchCols(s, 'W2', 'higher'), tfjsCols(s, 'W2'));
    row('W2 small 784-128-10', 'samples/s', 'higher', v);
  }
  if (want('W3')) {
    const s = await interleaved('W3', [...eager(() => W.w3Runner(sizes)), ...fit(() => W.w3FitRunner(sizes))]);
    const v = medians(s, [...THREADS.map((t) => `native ${t}t`), ...THREADS.map((t) => `native fit ${t}t`)]);
    Object.assign(v, torchCols(s, 'W3', 'higher'), tfjsCols(s, 'W3'));
    row('W3 large 784-1024-1024-10', 'samples/s', 'higher', v);
    const gf: Record<string, number | null> = {};
    for (const k of Object.keys(v).filter((k) => k.startsWith('native'))) gf[k] = ((v[k] as number) * 6 * W.W3_WEIGHTS) / 1e9;
    row('W3 achieved', 'GFLOP/s', 'higher', gf);
    // Issue 4 asks two threads for at least 1.8x one thread here: the ratio of the medians, and the
    // median of each round's own ratio (a round runs its one- and two-thread repetitions seconds
    // apart, so a drift of the host's speed over minutes moves both).
    const scaling: Record<string, number | null> = {};
    for (const kind of ['native', 'native fit']) {
      const one = s[`${kind} 1t`], two = s[`${kind} 2t`];
      if (!one?.length || two?.length !== one.length) continue;
      scaling[`${kind} medians`] = median(two) / median(one);
      scaling[`${kind} rounds`] = median(one.map((x, i) => two[i] / x));
    }
    if (Object.keys(scaling).length) row('W3 2t / 1t', 'x', 'higher', scaling);
  }
  if (want('W5')) {
    const lat = perThread((t) => `native ${t}t latency`, () => W.w5Runner(sizes, 'latency'));
    const thr = perThread((t) => `native ${t}t throughput`, () => W.w5Runner(sizes, 'throughput'));
    const s = await interleaved('W5', [...lat, ...thr]);
    const pick = (what: string) => Object.fromEntries(THREADS.map((t) => [`native ${t}t`, med(s[`native ${t}t ${what}`])]));
    row('W5 infer batch 1', 'us', 'lower', { ...pick('latency'), ...torchCols(s, 'W5.latencyUs', 'lower'), ...tfjsCols(s, 'W5.latencyUs') });
    row('W5 batch 1 L3-read bound', 'us', 'lower', Object.fromEntries(THREADS.map((t) => [`native ${t}t`, l3BoundUs(t)])));
    row('W5 infer batch 256', 'samples/s', 'higher', { ...pick('throughput'), ...torchCols(s, 'W5.samplesPerSec', 'higher'), ...tfjsCols(s, 'W5.samplesPerSec') });
  }
  if (want('C1')) {
    const s = await interleaved('C1', eager(() => W.c1Runner(sizes)));
    row('C1 CNN LeNet batch 64', 'samples/s', 'higher', { ...medians(s, THREADS.map((t) => `native ${t}t`)), ...torchCols(s, 'C1', 'higher') });
  }
  if (want('C2')) {
    const s = await interleaved('C2', eager(() => W.c2Runner(sizes)));
    row('C2 CNN 2x conv 64x56x56 batch 32', 'samples/s', 'higher', { ...medians(s, THREADS.map((t) => `native ${t}t`)), ...torchCols(s, 'C2', 'higher') });
  }
  if (want('C3')) {
    const s = await interleaved('C3', eager(() => W.c3Runner(sizes)));
    row('C3 3-D CNN 2x conv3d 32x16^3 batch 4', 'samples/s', 'higher', { ...medians(s, THREADS.map((t) => `native ${t}t`)), ...torchCols(s, 'C3', 'higher') });
  }
  if (want('GP1')) {
    const s = await interleaved('GP1', eager(() => W.gp1Runner(sizes)));
    row('GP1 WGAN-GP critic step 784-512-256-1 batch 64', 'samples/s', 'higher', { ...medians(s, THREADS.map((t) => `native ${t}t`)), ...torchCols(s, 'GP1', 'higher') });
  }
  if (want('T1')) {
    const s = await interleaved('T1', eager(() => W.t1Runner(sizes)));
    row('T1 Transformer encoder 2x256 seq 64 batch 32', 'sequences/s', 'higher', { ...medians(s, THREADS.map((t) => `native ${t}t`)), ...torchCols(s, 'T1', 'higher') });
  }
  if (want('O1')) {
    // Single ops: each repetition times every op (bench/ops.ts).
    // Each round times every op plainly, then (a runner of its own) with each result disposed.
    const runners = (disposed: boolean) => perThread((t) => `native ${t}t${disposed ? ' disposed' : ''}`, () => { const run = o1Runner(quick, disposed); return async () => run(); });
    const s = await interleaved('O1', [...runners(false), ...runners(true)]);
    const n = o1Size(quick);
    for (const [name] of O1_OPS) {
      const v = Object.fromEntries(THREADS.flatMap((t) => [[`native ${t}t`, med(s[`native ${t}t O1.${name}`])], [`native ${t}t disposed`, med(s[`native ${t}t disposed O1.${name}`])]]));
      row(`O1 ${name} ${n}x${n}`, 'ms', 'lower', { ...v, ...torchCols(s, `O1.${name}`, 'lower') });
    }
  }
  if (want('L1')) {
    // The LU, Cholesky and QR families, svd and eigh: each repetition times every op (bench/linalg.ts).
    const s = await interleaved('L1', perThread((t) => `native ${t}t`, () => { const run = l1Runner(quick); return async () => run(); }));
    const n = l1Size(quick);
    for (const [name] of L1_OPS) {
      const v = Object.fromEntries(THREADS.map((t) => [`native ${t}t`, med(s[`native ${t}t L1.${name}`])]));
      // Names that end in a size ('svd 256x256') carry their own.
      row(/\d+x\d+$/.test(name) ? `L1 ${name}` : `L1 ${name} ${n}x${n}`, 'ms', 'lower', { ...v, ...torchCols(s, `L1.${name}`, 'lower') });
    }
  }
  if (want('P1')) {
    // Products with a small side: each repetition times every one (bench/small_side.ts), in us.
    const s = await interleaved('P1', perThread((t) => `native ${t}t`, () => { const run = p1Runner(); return async () => run(); }));
    const us = (v: number | null): number | null => (v === null ? null : v * 1e3);
    for (const [name] of P1_OPS) {
      const v = Object.fromEntries(THREADS.map((t) => [`native ${t}t`, us(med(s[`native ${t}t P1.${name}`]))]));
      const peers = Object.fromEntries(Object.entries(torchCols(s, `P1.${name}`, 'lower')).map(([k, x]) => [k, us(x)]));
      row(`P1 ${name}`, 'us', 'lower', { ...v, ...peers });
    }
  }
  if (want('W4') && !quick) {
    const tw = await torchWhole('W4');
    await new Promise((r) => setTimeout(r, 500));  // PyTorch's idle pools stop spinning
    const secs: Record<string, number | null> = {};
    const acc: Record<string, number | null> = {};
    for (const t of THREADS) {
      useThreads(t);
      log(`W4 native fit ${t} thread(s)...`);
      const r = await W.w4();
      secs[`native fit ${t}t`] = r?.seconds ?? null;
      acc[`native fit ${t}t`] = r ? 100 * r.accuracy : null;
    }
    for (const t of THREADS) {
      secs[`PyTorch ${t}t`] = get(tw[t], 'W4.seconds');
      const a = get(tw[t], 'W4.accuracy');
      acc[`PyTorch ${t}t`] = a !== null ? 100 * a : null;
    }
    row('W4 Fashion-MNIST 3 epochs', 'seconds', 'lower', secs);
    row('W4 test accuracy', '%', 'higher', acc);
  }
  for (const w of peers) w.close();

  printTable();
  const out = path.join(__dirname, 'results', `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ started: started.toISOString(), quick, machine, pinnedCpu, fmaPeak: peak, l3ReadGBs: l3, dramStreamGBs: dram, torch: torchVersion, rounds: ROUNDS, series, tfjs, rows }, null, 1));
  log(`wrote ${path.relative(process.cwd(), out)}`);
}

function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function printTable(): void {
  for (const r of rows) {
    const ratio = (ours: number | null | undefined, peer: number | null | undefined): string | null =>
      ours === null || ours === undefined || peer === null || peer === undefined ? null : (r.better === 'higher' ? ours / peer : peer / ours).toFixed(2);
    const ourBest = Object.entries(r.values).filter(([k, v]) => k.startsWith('native') && v !== null).map(([, v]) => v as number);
    const best = ourBest.length ? (r.better === 'higher' ? Math.max(...ourBest) : Math.min(...ourBest)) : null;
    const ratios: string[] = [];
    // Like for like first (the targets of issue 4 are stated so), then our best against each peer's.
    for (const t of THREADS) {
      for (const blas of ['OpenBLAS', 'OpenBLAS avx512']) {
        const x = ratio(r.values[`native ${t}t`], r.values[`${blas} ${t}t`]);
        if (x) ratios.push(`${t}t x${x} vs ${blas} ${t}t`);
      }
    }
    for (const peer of ['PyTorch 1t', 'PyTorch avx512 1t']) {
      const x = ratio(r.values['native 1t'], r.values[peer]);
      if (x) ratios.push(`1t x${x} vs ${peer}`);
    }
    for (const peer of ['PyTorch best', 'tfjs cpu', 'tfjs wasm']) {
      const x = ratio(best, r.values[peer]);
      if (x) ratios.push(`best x${x} vs ${peer}`);
    }
    const cells = Object.entries(r.values).map(([k, v]) => `${k} ${fmtNum(v)}`).join(' | ');
    console.log(`${r.workload.padEnd(30)} ${r.metric.padEnd(10)} ${cells}`);
    if (ratios.length) console.log(`${''.padEnd(41)} ${ratios.join(', ')}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

// npm run bench [-- --quick] [-- --only=G1,W1,W2,W3,W4,W5]: the standard workloads of
// ../shared/bench/WORKLOADS.md on our native and reference backends and, in the same run, on the
// peers that are present (PyTorch via /usr/bin/python3, TensorFlow.js cpu and wasm). Prints a table
// with ratios and writes bench/results/<timestamp>.json.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as bp from '../lib/index';
import { loadNative } from '../lib/backend/native';
import { referenceBackend } from '../lib/backend/reference';
import { fmaPeak, openblasAvailable, openblasGflops } from './machine';
import { gemmGflops, squareShapes, w3Shapes } from './gemm';
import * as W from './workloads';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (k: string) => !only || only.has(k);
const THREADS = [1, 2];
const sizes = { quick };
const reps = 5;

type Row = { workload: string; metric: string; better: 'higher' | 'lower'; values: Record<string, number | null> };
const rows: Row[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);

function row(workload: string, metric: string, better: 'higher' | 'lower', values: Record<string, number | null>): void {
  rows.push({ workload, metric, better, values });
}

function torchAvailable(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0;
}

// Peers run one workload at a time, right before ours: this machine's speed drifts by 20% or more
// over minutes, and a ratio is only worth quoting when both sides ran in the same minute.
function runTorch(threads: number, workload: string): Record<string, unknown> | null {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'peers', 'torch_workloads.py'), String(threads), quick ? 'quick' : 'full', workload], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) { log(`PyTorch run failed: ${r.stderr.slice(-500)}`); return null; }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

function runTfjs(backend: 'cpu' | 'wasm', workload: string): Record<string, unknown> | null {
  const tsx = require.resolve('tsx/cli');
  const r = spawnSync(process.execPath, [tsx, path.join(__dirname, 'peers', 'tfjs.ts'), backend, quick ? 'quick' : 'full', workload], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) { log(`TensorFlow.js ${backend} run failed: ${r.stderr.slice(-500)}`); return null; }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

function get(o: Record<string, unknown> | null | undefined, ...keys: string[]): number | null {
  let cur: unknown = o;
  for (const k of keys) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'number' ? cur : null;
}

async function main(): Promise<void> {
  const nat = loadNative().backend;
  if (!nat) throw new Error('bench: the native addon is not built (npm run build:native)');
  const started = new Date();
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, kernels: (nat as unknown as { kernelSet(): string }).kernelSet() };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.kernels}; ${quick ? 'quick' : 'full'} run`);
  const peak: Record<number, number | null> = {};
  for (const t of THREADS) peak[t] = fmaPeak(t);
  log(`FMA peak: ${THREADS.map((t) => `${t} thread(s) ${peak[t]?.toFixed(1) ?? 'n/a'} GFLOP/s`).join(', ')}`);
  const haveTorch = torchAvailable();
  if (!haveTorch) log('PyTorch: absent (/usr/bin/python3 cannot import torch; apt-get install python3-torch)');
  const haveBlas = openblasAvailable();
  if (!haveBlas) log('OpenBLAS: absent (apt-get install libopenblas-dev)');

  // Peer results by thread count (PyTorch) and backend (TF.js), filled workload by workload.
  const torch: Record<number, Record<string, unknown> | null> = {};
  const tfjs: Record<string, Record<string, unknown> | null> = {};
  const peers = (workload: string, withTfjs: boolean): void => {
    if (haveTorch) {
      for (const t of THREADS) {
        log(`${workload} PyTorch ${t} thread(s)...`);
        const r = runTorch(t, workload);
        torch[t] = { ...torch[t], ...r };
      }
    }
    if (!withTfjs) return;
    for (const b of ['cpu', 'wasm'] as const) {
      log(`${workload} TensorFlow.js ${b}...`);
      const r = runTfjs(b, workload);
      tfjs[b] = { ...tfjs[b], ...r };
    }
  };
  const torchBest = (key: string, sub?: string, better: 'higher' | 'lower' = 'higher'): number | null => {
    const v = THREADS.map((t) => (sub ? get(torch[t], key, sub) : get(torch[t], key))).filter((x): x is number => x !== null);
    if (!v.length) return null;
    return better === 'higher' ? Math.max(...v) : Math.min(...v);
  };

  if (want('G1')) {
    peers('G1', false);
    for (const s of [...squareShapes(quick), ...(quick ? [] : w3Shapes())]) {
      log(`G1 ${s.label}...`);
      const v: Record<string, number | null> = {};
      for (const t of THREADS) {
        bp.setNumThreads(t);
        v[`native ${t}t`] = gemmGflops(nat, s, reps);
        v[`OpenBLAS ${t}t`] = haveBlas ? openblasGflops(t, s.n, reps, s.ta, s.tb, s.m, s.k) : null;
        v[`%peak ${t}t`] = peak[t] ? (100 * (v[`native ${t}t`] as number)) / (peak[t] as number) : null;
      }
      if (s.n <= 128 && s.m === s.n) v.reference = gemmGflops(referenceBackend, s, 3);
      const tk = `${s.n}`;
      v['PyTorch best'] = s.m === s.n && s.k === s.n ? torchBest('G1', tk) : null;
      row(`G1 ${s.label}`, 'GFLOP/s', 'higher', v);
    }
  }

  const ours = async (name: string, fn: () => number | Promise<number>, withReference: boolean): Promise<Record<string, number | null>> => {
    const v: Record<string, number | null> = {};
    for (const t of THREADS) {
      log(`${name} native ${t} thread(s)...`);
      bp.setNumThreads(t);
      v[`native ${t}t`] = await fn();
    }
    if (withReference) {
      bp.setBackend('reference');
      log(`${name} reference...`);
      v.reference = await fn();
      bp.setBackend('native');
    }
    return v;
  };

  if (want('W1')) {
    peers('W1', true);
    const v = await ours('W1', () => W.w1(sizes), true);
    for (const t of THREADS) { bp.setNumThreads(t); v[`native fit ${t}t`] = await W.w1Fit(sizes); }
    Object.assign(v, { 'PyTorch best': torchBest('W1', undefined, 'lower'), 'tfjs cpu': get(tfjs.cpu, 'W1'), 'tfjs wasm': get(tfjs.wasm, 'W1') });
    row('W1 tiny 2-4-1', 'us/step', 'lower', v);
  }
  if (want('W2')) {
    peers('W2', true);
    const v = await ours('W2', () => W.w2(sizes), !quick);
    Object.assign(v, { 'PyTorch 1t': get(torch[1], 'W2'), 'PyTorch best': torchBest('W2'), 'tfjs cpu': get(tfjs.cpu, 'W2'), 'tfjs wasm': get(tfjs.wasm, 'W2') });
    row('W2 small 784-128-10', 'samples/s', 'higher', v);
  }
  if (want('W3')) {
    peers('W3', true);
    const v = await ours('W3', () => W.w3(sizes), false);
    for (const t of THREADS) { bp.setNumThreads(t); log(`W3 native fit ${t} thread(s)...`); v[`native fit ${t}t`] = await W.w3Fit(sizes); }
    Object.assign(v, { 'PyTorch 1t': get(torch[1], 'W3'), 'PyTorch best': torchBest('W3'), 'tfjs cpu': get(tfjs.cpu, 'W3'), 'tfjs wasm': get(tfjs.wasm, 'W3') });
    row('W3 large 784-1024-1024-10', 'samples/s', 'higher', v);
    const gf: Record<string, number | null> = {};
    for (const k of Object.keys(v).filter((k) => k.startsWith('native'))) gf[k] = ((v[k] as number) * 6 * W.W3_WEIGHTS) / 1e9;
    row('W3 achieved', 'GFLOP/s', 'higher', gf);
  }
  if (want('W5')) {
    peers('W5', true);
    const lat: Record<string, number | null> = {};
    const thr: Record<string, number | null> = {};
    for (const t of THREADS) {
      bp.setNumThreads(t);
      log(`W5 native ${t} thread(s)...`);
      const r = W.w5(sizes);
      lat[`native ${t}t`] = r.latencyUs;
      thr[`native ${t}t`] = r.samplesPerSec;
    }
    Object.assign(lat, { 'PyTorch 1t': get(torch[1], 'W5', 'latencyUs'), 'PyTorch best': torchBest('W5', 'latencyUs', 'lower'), 'tfjs cpu': get(tfjs.cpu, 'W5', 'latencyUs'), 'tfjs wasm': get(tfjs.wasm, 'W5', 'latencyUs') });
    Object.assign(thr, { 'PyTorch 1t': get(torch[1], 'W5', 'samplesPerSec'), 'PyTorch best': torchBest('W5', 'samplesPerSec'), 'tfjs cpu': get(tfjs.cpu, 'W5', 'samplesPerSec'), 'tfjs wasm': get(tfjs.wasm, 'W5', 'samplesPerSec') });
    row('W5 infer batch 1', 'us', 'lower', lat);
    row('W5 infer batch 256', 'samples/s', 'higher', thr);
  }
  if (want('W4') && !quick) {
    peers('W4', false);
    const secs: Record<string, number | null> = {};
    const acc: Record<string, number | null> = {};
    for (const t of THREADS) {
      bp.setNumThreads(t);
      log(`W4 native fit ${t} thread(s)...`);
      const r = await W.w4();
      secs[`native fit ${t}t`] = r?.seconds ?? null;
      acc[`native fit ${t}t`] = r ? 100 * r.accuracy : null;
    }
    for (const t of THREADS) {
      secs[`PyTorch ${t}t`] = get(torch[t], 'W4', 'seconds');
      acc[`PyTorch ${t}t`] = get(torch[t], 'W4', 'accuracy') !== null ? 100 * (get(torch[t], 'W4', 'accuracy') as number) : null;
    }
    row('W4 Fashion-MNIST 3 epochs', 'seconds', 'lower', secs);
    row('W4 test accuracy', '%', 'higher', acc);
  }

  printTable();
  const out = path.join(__dirname, 'results', `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ started: started.toISOString(), quick, machine, fmaPeak: peak, torch, tfjs, rows }, null, 1));
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
    const ourBest = Object.entries(r.values).filter(([k, v]) => k.startsWith('native') && v !== null).map(([, v]) => v as number);
    const best = ourBest.length ? (r.better === 'higher' ? Math.max(...ourBest) : Math.min(...ourBest)) : null;
    const ratios: string[] = [];
    for (const peer of ['OpenBLAS 1t', 'OpenBLAS 2t', 'PyTorch 1t', 'PyTorch best', 'tfjs cpu', 'tfjs wasm']) {
      const p = r.values[peer];
      if (best === null || p === null || p === undefined) continue;
      const ratio = r.better === 'higher' ? best / p : p / best;
      ratios.push(`x${ratio.toFixed(2)} vs ${peer}`);
    }
    const cells = Object.entries(r.values).map(([k, v]) => `${k} ${fmtNum(v)}`).join(' | ');
    console.log(`${r.workload.padEnd(30)} ${r.metric.padEnd(10)} ${cells}`);
    if (ratios.length) console.log(`${''.padEnd(41)} ours (best of native) ${ratios.join(', ')}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

// The machine's limits: FMA peak (register-only loop), last-level-cache read bandwidth, the memory
// bandwidth of an optimizer step and OpenBLAS SGEMM, from the C harnesses in bench/native, compiled
// here with the system compiler. Absent pieces are reported, not faked.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type GemmShape, gemmInner } from './gemm';
import { pinned } from './pin';
import { REWARM_SECONDS } from './timing';
import { W3_BIASES, W3_WEIGHTS } from './workloads';

const dir = path.join(__dirname, 'native');

function build(src: string, out: string, flags: string[]): string | null {
  const bin = path.join(dir, out);
  if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs > fs.statSync(path.join(dir, src)).mtimeMs) return bin;
  const r = spawnSync('cc', ['-O2', path.join(dir, src), '-o', bin, ...flags], { encoding: 'utf8' });
  return r.status === 0 ? bin : null;
}

/**
 * The best of three runs of a harness that prints one rate: a neighbour on this shared machine can
 * take a core for part of one run. Null when it cannot be built or fails.
 */
function bestOfThree(src: string, flags: string[], threads: number, args: string[]): number | null {
  const bin = build(src, src.replace(/\.c$/, '.bin'), flags);
  if (!bin) return null;
  let best: number | null = null;
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(...pinned(threads, bin, [String(threads), ...args]), { encoding: 'utf8' });
    if (r.status !== 0) return null;
    best = Math.max(best ?? 0, Number(r.stdout.trim()));
  }
  return best;
}

/**
 * GFLOP/s of independent FMAs in registers on `threads` threads, with the vector width of a kernel
 * set: 256-bit for avx2 (and generic), 512-bit for avx512.
 */
export function fmaPeak(threads: number, kernelSet: string): number | null {
  return bestOfThree('fma_peak.c', ['-mavx2', '-mfma', '-pthread'], threads, ['300000000', kernelSet === 'avx512' ? 'avx512' : 'avx2']);
}

/** Bytes of W5's weights: a batch-1 forward pass reads each once (bench/native/l3_read.c). */
export const W5_WEIGHT_BYTES = W3_WEIGHTS * 4;

/**
 * GB/s of reading a W5-sized buffer that stays in the L3 cache, on `threads` threads: the faster of
 * the harness's ways of reading it, 512-bit loads among them for the avx512 kernel set.
 */
export function l3ReadBandwidth(threads: number, kernelSet: string): number | null {
  return bestOfThree('l3_read.c', ['-mavx2', '-pthread'], threads, ['3000', kernelSet === 'avx512' ? 'avx512' : 'avx2']);
}

/** Bytes an Adam step over W3's parameters moves: reads p, g, m, v and writes p, m, v (float32). */
export const W3_ADAM_BYTES = (W3_WEIGHTS + W3_BIASES) * 4 * 7;

/**
 * GB/s of an optimizer step's memory traffic (Adam over W3's parameters, after 64 MiB of other data
 * through each core's caches: bench/native/dram_stream.c) on `threads` threads: what W3's optimizer
 * step could reach with every thread's state coming from memory rather than from the other core.
 */
export function dramStreamBandwidth(threads: number): number | null {
  return bestOfThree('dram_stream.c', ['-mavx2', '-mfma', '-pthread'], threads, ['5']);
}

export function openblasAvailable(): boolean {
  return build('sgemm_openblas.c', 'sgemm_openblas.bin', ['-lopenblas']) !== null;
}

/**
 * OpenBLAS GFLOP/s of one G1 repetition of C[m,n] = op(A) op(B) with k depth (a process each). coreType forces OpenBLAS's kernel choice
 * (OPENBLAS_CORETYPE): Debian's OpenBLAS 0.3.21 takes this Zen 5 for a Haswell and runs its AVX2
 * kernels; 'SKYLAKEX' makes it run its AVX-512 ones, the best known kernel for our AVX-512 set.
 */
export function openblasGflops(threads: number, s: GemmShape, coreType?: string): number | null {
  const bin = build('sgemm_openblas.c', 'sgemm_openblas.bin', ['-lopenblas']);
  if (!bin) return null;
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  if (coreType) env.OPENBLAS_CORETYPE = coreType;
  // One repetition, timed as gemmRunner times ours.
  const args = [s.n, 1, s.ta ? 1 : 0, s.tb ? 1 : 0, s.m, s.k, REWARM_SECONDS, gemmInner(s)].map(String);
  const r = spawnSync(...pinned(threads, bin, args), { encoding: 'utf8', env });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

// G1: our SGEMM through the kernel contract (the call nn.Linear makes), timed like the OpenBLAS harness.
import { Backend } from '../lib/backend/backend';
import { alloc } from '../lib/storage';
import { timeIt } from './timing';

export interface GemmShape { label: string; m: number; n: number; k: number; ta: boolean; tb: boolean }

export function squareShapes(quick: boolean): GemmShape[] {
  return (quick ? [64, 128, 256, 512] : [64, 128, 256, 512, 1024, 2048]).map((n) => ({ label: `n=${n}`, m: n, n, k: n, ta: false, tb: false }));
}

/** The GEMMs of one W3 training step (batch 256): forward x W^T, and the two backward products. */
export function w3Shapes(): GemmShape[] {
  return [
    { label: 'W3 fwd 256x1024x784 (B^T)', m: 256, n: 1024, k: 784, ta: false, tb: true },
    { label: 'W3 fwd 256x1024x1024 (B^T)', m: 256, n: 1024, k: 1024, ta: false, tb: true },
    { label: 'W3 dW 1024x784x256 (A^T)', m: 1024, n: 784, k: 256, ta: true, tb: false },
    { label: 'W3 dX 256x1024x1024', m: 256, n: 1024, k: 1024, ta: false, tb: false },
  ];
}

export function gemmGflops(be: Backend, s: GemmShape, reps: number): number {
  // The library's own storage, as bp.matmul gets it: large arrays start on a cache line (so do the
  // OpenBLAS harness's, bench/native/sgemm_openblas.c).
  const random = (n: number) => { const x = alloc(n); for (let i = 0; i < n; i++) x[i] = Math.random(); return x; }; // in place: map() would copy
  const a = random(s.m * s.k);
  const b = random(s.k * s.n);
  const c = alloc(s.m * s.n);
  const flops = 2 * s.m * s.n * s.k;
  const inner = Math.max(1, Math.floor(2e8 / flops));
  const t = timeIt(() => { for (let i = 0; i < inner; i++) be.gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, b, 0, c, null, 0); }, reps) / inner;
  return flops / t / 1e9;
}

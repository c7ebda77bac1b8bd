// G1: our SGEMM through the kernel contract (the call nn.Linear makes), timed like the OpenBLAS harness.
import { Backend } from '../dist/backend/backend';
import { alloc } from '../dist/storage';
import { rewarmedSeconds } from './timing';

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
    // The output layer's forward: ten columns, on the tiles (gemm.cc's gemm_narrow takes up to 8).
    { label: 'W3 head 256x10x1024 (B^T)', m: 256, n: 10, k: 1024, ta: false, tb: true },
  ];
}

/** Products per timed repetition: ~0.2 GFLOP, so that a small product's time is not timer noise. */
export function gemmInner(s: GemmShape): number {
  return Math.max(1, Math.floor(2e8 / (2 * s.m * s.n * s.k)));
}

/**
 * A runner of one G1 repetition of our SGEMM on `s`: REWARM_SECONDS of untimed products, then
 * gemmInner(s) timed ones; gives GFLOP/s. The operands are made once, as the harness's are.
 */
export function gemmRunner(be: Backend, s: GemmShape): () => Promise<number> {
  // The library's own storage, as bp.matmul gets it: large arrays start on a cache line (so do the
  // OpenBLAS harness's, bench/native/sgemm_openblas.c).
  const random = (n: number) => { const x = alloc(n); for (let i = 0; i < n; i++) x[i] = Math.random(); return x; }; // in place: map() would copy
  const a = random(s.m * s.k);
  const b = random(s.k * s.n);
  const c = alloc(s.m * s.n);
  const inner = gemmInner(s);
  return async () => {
    const t = await rewarmedSeconds(() => { for (let i = 0; i < inner; i++) be.gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, b, 0, c, null, 0); });
    return (2 * s.m * s.n * s.k * inner) / t / 1e9;
  };
}

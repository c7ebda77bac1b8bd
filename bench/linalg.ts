// L1: torch.linalg's LU, Cholesky and QR families on one n x n matrix (uniform [0, 1) entries plus the
// identity; for Cholesky, that matrix times its transpose over n plus the identity), and the
// decompositions that iterate (svd, svdvals, eigh) on a 256 x 256 one made the same way, and bp.fft's
// rfft over that one's entries, as a program that uses the library for linear algebra calls it; not
// part of WORKLOADS.md.
// peers/torch_workloads.py times the same list under the same names (L1_OPS there).
import * as bp from '../dist/index';
import type { Tensor } from '../dist/index';
import { timedOps } from './ops';

/** The matrix, a symmetric positive-definite one, a right-hand side of 64 columns, a 256 x 256 matrix, and the stft of that one's entries. */
type Operands = { a: Tensor; s: Tensor; b: Tensor; c: Tensor; z: Tensor };

/** The ops, by the name both sides report. */
export const L1_OPS: ReadonlyArray<[string, (o: Operands) => unknown]> = [
  ['det', ({ a }) => bp.linalg.det(a)],
  ['slogdet', ({ a }) => bp.linalg.slogdet(a).logabsdet],
  ['inv', ({ a }) => bp.linalg.inv(a)],
  ['solve 64 cols', ({ a, b }) => bp.linalg.solve(a, b)],
  ['cholesky', ({ s }) => bp.linalg.cholesky(s)],
  ['solveTriangular 64 cols', ({ a, b }) => bp.linalg.solveTriangular(a, b, { upper: true })],
  ['qr', ({ a }) => bp.linalg.qr(a).R],
  ['svd 256x256', ({ c }) => { const r = bp.linalg.svd(c); r.S.dispose(); r.Vh.dispose(); return r.U; }],
  ['svdvals 256x256', ({ c }) => bp.linalg.svdvals(c)],
  ['eigh 256x256', ({ c }) => { const r = bp.linalg.eigh(c); r.eigenvalues.dispose(); return r.eigenvectors; }],
  // bp.fft over the 256 x 256 matrix's entries as 64 rows of 1024: a power of two, and cut to 1000
  // (radices 2 and 5); and as one signal of 65536 samples, in frames of 400 samples 160 apart (speech
  // models' 25 ms and 10 ms at 16 kHz) with a Hann window, and that spectrum back (istft).
  ['rfft 64x1024', ({ c }) => bp.fft.rfft(c.reshape([64, 1024]))],
  ['rfft 64x1000', ({ c }) => bp.fft.rfft(c.reshape([64, 1024]), { n: 1000 })],
  ['stft nFft 400 hop 160 1x65536', ({ c }) => bp.stft(c.reshape([65536]), 400, { hopLength: 160, window: bp.hannWindow(400) })],
  ['istft nFft 400 hop 160 1x65536', ({ z }) => bp.istft(z, 400, { hopLength: 160, window: bp.hannWindow(400) })],
  // The n x n matrix's entries as one long row (2^20 reals, or 2^19 complex pairs): a row alone,
  // transformed in four steps (2^16 reals and 2^15 pairs in quick runs: the passes).
  ['rfft as one row', ({ a }) => bp.fft.rfft(a.reshape([-1]))],
  ['fft as one complex row', ({ a }) => bp.fft.fft(a.reshape([-1, 2]))],
];

/** The matrix's side: 1024, 256 in quick runs. */
export const l1Size = (quick: boolean): number => (quick ? 256 : 1024);

/** One repetition of every L1 op (bench/ops.ts's timedOps), each result disposed after its timing. */
export function l1Runner(quick: boolean): () => Record<string, number> {
  bp.manualSeed(0);
  const n = l1Size(quick);
  const a = bp.rand([n, n]).add(bp.eye(n));
  const c = bp.rand([256, 256]).add(bp.eye(256));
  const z = bp.stft(c.reshape([65536]), 400, { hopLength: 160, window: bp.hannWindow(400) });
  return timedOps({ a, s: a.matmul(a.T).div(n).add(bp.eye(n)), b: bp.rand([n, 64]), c, z }, L1_OPS, 'L1', true);
}

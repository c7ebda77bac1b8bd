// lib/ops/linalg.ts (det, slogdet, logdet, inv, solve), lu_family.ts (luFactor, lu, luSolve), householder.ts (householderProduct, solveEx), cholesky.ts (cholesky,
// solveTriangular, choleskySolve), qr.ts and eigh.ts against torch 1.13 on both backends (values and every input's
// gradient), the LU, triangular-solve and Cholesky kernels' parity between the backends over edge sizes,
// their bits at one and two threads, and the errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { B } from '../lib/backend/registry';
import { loadNative } from '../lib/backend/native';
import type { Backend } from '../lib/backend/backend';
import { eachBackend, nativeExpected } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';
import { rng } from './helpers/random';

const x = inputMaker(4400);

/** A [..., n, n] input with `boost` added to each matrix's diagonal: well conditioned for |boost| past ~n / 2. */
function square(shape: number[], boost: number, grad = true): CallInput {
  const c = x(shape, -1, 1, grad);
  const n = shape[shape.length - 1];
  for (let m = 0; m < c.data.length / (n * n); m++) for (let i = 0; i < n; i++) c.data[m * n * n + i * n + i] = Math.fround(c.data[m * n * n + i * n + i] + boost);
  return c;
}

/** A symmetric positive-definite [..., n, n] input: M M^T / n plus `boost` on the diagonal, in float32. */
function spd(shape: number[], boost = 0.5, grad = true): CallInput {
  const m = x(shape, -1, 1, false).data;
  const n = shape[shape.length - 1];
  const data = new Array<number>(m.length).fill(0);
  for (let b = 0; b < m.length / (n * n); b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += m[o + i * n + k] * m[o + j * n + k];
        data[o + i * n + j] = data[o + j * n + i] = Math.fround(s / n + (i === j ? boost : 0));
      }
    }
  }
  return { shape, data, grad };
}

/** A triangular [..., n, n] input (the other triangle random too: it must not be read), its diagonal away from 0. */
function triangular(shape: number[], grad = true): CallInput {
  const c = x(shape, -1, 1, grad);
  const n = shape[shape.length - 1];
  for (let m = 0; m < c.data.length / (n * n); m++) for (let i = 0; i < n; i++) c.data[m * n * n + i * n + i] = Math.fround(c.data[m * n * n + i * n + i] + (c.data[m * n * n + i * n + i] < 0 ? -2 : 2));
  return c;
}

/** A symmetric [..., n, n] input (random entries mirrored): distinct eigenvalues, almost surely well apart. */
function symmetric(shape: number[], grad = true): CallInput {
  const c = x(shape, -2, 2, grad);
  const n = shape[shape.length - 1];
  for (let m = 0; m < c.data.length / (n * n); m++) for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c.data[m * n * n + j * n + i] = c.data[m * n * n + i * n + j];
  return c;
}

/** det(a) by Laplace expansion along the first row, as a Python expression: exact for small integer matrices, and differentiable everywhere. */
const LAPLACE = '(lambda f: f(f, a))(lambda f, m: m[..., 0, 0] if m.shape[-1] == 1 else ' +
  'sum((-1) ** j * m[..., 0, j] * f(f, torch.cat([m[..., 1:, :j], m[..., 1:, j + 1:]], -1)) for j in range(m.shape[-1])))';

/** Q and R side by side, flattened: one output whose gradient reaches both. */
const qrBoth = (a: Tensor, mode?: 'reduced' | 'complete') => {
  const { Q, R } = bp.linalg.qr(a, mode ? { mode } : undefined);
  return bp.cat([Q.reshape([-1]), R.reshape([-1])]);
};
const QR_BOTH = (call: string) => `(lambda q: torch.cat([q[0].reshape(-1), q[1].reshape(-1)]))(${call})`;

const CALLS: TorchCall[] = [
  { name: 'det 1x1', inputs: { a: x([1, 1]) }, ours: (t) => bp.det(t.a), py: 'torch.linalg.det(a)' },
  { name: 'det 3x3 (pivoting: random entries)', inputs: { a: x([3, 3]) }, ours: (t) => t.a.det(), py: 'torch.det(a)' },
  { name: 'det batch [2,3,5,5]', inputs: { a: x([2, 3, 5, 5]) }, ours: (t) => bp.linalg.det(t.a), py: 'torch.linalg.det(a)' },
  // Scaled to a determinant near 1: the tolerance is per element, relative only past 1, and the
  // gradient's small elements carry an error of float32's epsilon times its largest ones.
  { name: 'det 24x24 (past the element-by-element width)', inputs: { a: square([24, 24], 5) }, ours: (t) => bp.det(t.a.div(5)), py: 'torch.linalg.det(a / 5)' },
  // Singular: the gradient is the adjugate's transpose (rank n - 1), or zero (rank n - 2 or less), as
  // at nearby invertible matrices. torch 1.13's det gives zeros at an exactly singular matrix (its
  // backward divides by the zero pivot and masks the result), so these compare with the derivative
  // of the Laplace expansion, through torch's autograd.
  { name: 'det of singular matrices (two equal rows; a batch with an invertible one)', inputs: { a: { shape: [2, 3, 3], data: [1, 2, 3, 1, 2, 3, 4, 5, 7, 2, 1, 0, 1, 3, 1, 0, 1, 4], grad: true } },
    ours: (t) => bp.det(t.a), py: LAPLACE },
  { name: 'det of a 2x2 of rank 1 after a row swap', inputs: { a: { shape: [2, 2], data: [1, 2, 2, 4], grad: true } }, ours: (t) => bp.det(t.a), py: LAPLACE },
  { name: 'det of a 4x4 of rank 3 (a zero pivot inside)', inputs: { a: { shape: [4, 4], data: [2, 1, 0, 3, 4, 2, 0, 6, 1, 5, 2, 0, 0, 1, 1, 1], grad: true } },
    ours: (t) => bp.det(t.a), py: LAPLACE },
  { name: 'det of a 3x3 of rank 1 (a zero gradient)', inputs: { a: { shape: [3, 3], data: [1, 2, 3, 2, 4, 6, 3, 6, 9], grad: true } }, ours: (t) => bp.det(t.a), py: LAPLACE },
  { name: 'det 0x0 is 1', inputs: { a: { shape: [2, 0, 0], data: [], grad: false } }, ours: (t) => bp.det(t.a), py: 'torch.linalg.det(a)' },
  { name: 'slogdet logabsdet', inputs: { a: x([3, 4, 4]) }, ours: (t) => bp.linalg.slogdet(t.a).logabsdet, py: 'torch.linalg.slogdet(a)[1]' },
  { name: 'slogdet sign', inputs: { a: x([6, 3, 3], -2, 2, false) }, ours: (t) => bp.slogdet(t.a).sign, py: 'torch.linalg.slogdet(a)[0]' },
  { name: 'slogdet 70x70 (det would overflow float32)', inputs: { a: square([70, 70], 30) }, ours: (t) => t.a.slogdet().logabsdet, py: 'torch.linalg.slogdet(a)[1]' },
  { name: 'logdet, one negative determinant (NaN)', inputs: { a: { shape: [2, 2, 2], data: [2, 1, 1, 3, 1, 2, 3, 1], grad: false } },
    ours: (t) => bp.logdet(t.a), py: 'torch.logdet(a)' },
  { name: 'logdet batch', inputs: { a: square([3, 6, 6], 4) }, ours: (t) => t.a.logdet(), py: 'torch.logdet(a)' },
  { name: 'inv 1x1', inputs: { a: square([1, 1], 2) }, ours: (t) => bp.linalg.inv(t.a), py: 'torch.linalg.inv(a)' },
  { name: 'inv 7x7', inputs: { a: x([7, 7]) }, ours: (t) => bp.inverse(t.a), py: 'torch.inverse(a)' },
  { name: 'inv batch [4,9,9]', inputs: { a: square([4, 9, 9], 3) }, ours: (t) => t.a.inverse(), py: 'a.inverse()' },
  { name: 'inv 65x65', inputs: { a: square([65, 65], 20) }, ours: (t) => bp.linalg.inv(t.a), py: 'torch.linalg.inv(a)' },
  { name: 'solve by a matrix', inputs: { a: square([5, 5], 1), b: x([5, 3]) }, ours: (t) => bp.linalg.solve(t.a, t.b), py: 'torch.linalg.solve(a, b)' },
  { name: 'solve by a vector', inputs: { a: square([4, 4], 1), b: x([4]) }, ours: (t) => bp.linalg.solve(t.a, t.b), py: 'torch.linalg.solve(a, b)' },
  { name: 'solve by a batch of vectors', inputs: { a: square([3, 4, 4], 2), b: x([3, 4]) }, ours: (t) => bp.linalg.solve(t.a, t.b), py: 'torch.linalg.solve(a, b)' },
  { name: 'solve, batch dims broadcast', inputs: { a: square([2, 1, 4, 4], 2), b: x([3, 4, 2]) }, ours: (t) => bp.linalg.solve(t.a, t.b), py: 'torch.linalg.solve(a, b)' },
  { name: 'solve 40x40 by 40x33', inputs: { a: square([40, 40], 12), b: x([40, 33]) }, ours: (t) => bp.linalg.solve(t.a, t.b), py: 'torch.linalg.solve(a, b)' },
  { name: 'cholesky', inputs: { a: spd([5, 5]) }, ours: (t) => bp.linalg.cholesky(t.a), py: 'torch.linalg.cholesky(a)' },
  { name: 'cholesky upper, batch', inputs: { a: spd([2, 3, 4, 4]) }, ours: (t) => bp.linalg.cholesky(t.a, { upper: true }), py: 'torch.linalg.cholesky(a, upper=True)' },
  { name: 'choleskyEx upper, batch: its factor and gradient', inputs: { a: spd([2, 4, 4]) }, ours: (t) => bp.linalg.choleskyEx(t.a, { upper: true }).L, py: 'torch.linalg.cholesky_ex(a, upper=True).L' },
  { name: 'choleskyEx info (a batch with two matrices not positive-definite)', inputs: { a: { shape: [3, 2, 2], data: [2, 1, 1, 2, 1, 2, 2, 1, -1, 0, 0, 1], grad: false } },
    ours: (t) => bp.linalg.choleskyEx(t.a).info, py: 'torch.linalg.cholesky_ex(a).info.float()' },
  { name: 'cholesky 40x40 (recursive, with products)', inputs: { a: spd([40, 40], 1) }, ours: (t) => bp.linalg.cholesky(t.a), py: 'torch.linalg.cholesky(a)' },
  { name: 'cholesky reads the lower triangle only', inputs: { a: { shape: [2, 2], data: [4, 99, 2, 5], grad: true } }, ours: (t) => bp.linalg.cholesky(t.a), py: 'torch.linalg.cholesky(a)' },
  { name: 'solveTriangular upper', inputs: { a: triangular([5, 5]), b: x([5, 3]) }, ours: (t) => bp.linalg.solveTriangular(t.a, t.b, { upper: true }), py: 'torch.linalg.solve_triangular(a, b, upper=True)' },
  { name: 'solveTriangular lower, unitriangular, batch broadcast', inputs: { a: triangular([2, 1, 4, 4]), b: x([3, 4, 2]) },
    ours: (t) => bp.linalg.solveTriangular(t.a, t.b, { upper: false, unitriangular: true }), py: 'torch.linalg.solve_triangular(a, b, upper=False, unitriangular=True)' },
  { name: 'solveTriangular right side (left false)', inputs: { a: triangular([4, 4]), b: x([3, 4]) },
    ours: (t) => bp.linalg.solveTriangular(t.a, t.b, { upper: true, left: false }), py: 'torch.linalg.solve_triangular(a, b, upper=True, left=False)' },
  { name: 'solveTriangular lower 37x37 by 37x20', inputs: { a: triangular([37, 37]), b: x([37, 20]) },
    ours: (t) => bp.linalg.solveTriangular(t.a, t.b, { upper: false }), py: 'torch.linalg.solve_triangular(a, b, upper=False)' },
  { name: 'choleskySolve lower', inputs: { b: x([4, 2]), l: triangular([4, 4]) }, ours: (t) => bp.choleskySolve(t.b, t.l.tril()), py: 'torch.cholesky_solve(b, l.tril())' },
  { name: 'choleskySolve upper, batch', inputs: { b: x([2, 3, 1]), u: triangular([2, 3, 3]) },
    ours: (t) => bp.choleskySolve(t.b, t.u.triu(), { upper: true }), py: 'torch.cholesky_solve(b, u.triu(), upper=True)' },
  { name: 'qr reduced, tall (Q and R)', inputs: { a: x([5, 3]) }, ours: (t) => qrBoth(t.a), py: QR_BOTH('torch.linalg.qr(a)') },
  { name: 'qr square, batch', inputs: { a: x([2, 4, 4]) }, ours: (t) => qrBoth(t.a), py: QR_BOTH('torch.linalg.qr(a)') },
  { name: 'qr reduced, wide', inputs: { a: x([3, 5]) }, ours: (t) => qrBoth(t.a), py: QR_BOTH('torch.linalg.qr(a)') },
  { name: 'qr complete, wide (differentiable)', inputs: { a: x([2, 3, 6]) }, ours: (t) => qrBoth(t.a, 'complete'), py: QR_BOTH("torch.linalg.qr(a, mode='complete')") },
  { name: 'qr complete, tall (values)', inputs: { a: x([6, 3], -2, 2, false) }, ours: (t) => qrBoth(t.a, 'complete'), py: QR_BOTH("torch.linalg.qr(a, mode='complete')") },
  { name: 'qr mode r (values)', inputs: { a: x([4, 3], -2, 2, false) }, ours: (t) => bp.linalg.qr(t.a, { mode: 'r' }).R, py: "torch.linalg.qr(a, mode='r')[1]" },
  { name: 'qr 45x20', inputs: { a: x([45, 20]) }, ours: (t) => qrBoth(t.a), py: QR_BOTH('torch.linalg.qr(a)') },
  { name: 'qr 70x40 (two panels, a block reflector between)', inputs: { a: x([70, 40]) }, ours: (t) => qrBoth(t.a), py: QR_BOTH('torch.linalg.qr(a)') },
  // Eigenvectors' signs are arbitrary (LAPACK's and ours differ): compared through their squares and A's reconstruction.
  { name: 'eigh eigenvalues', inputs: { a: symmetric([5, 5]) }, ours: (t) => bp.linalg.eigh(t.a).eigenvalues, py: 'torch.linalg.eigh(a)[0]' },
  { name: 'eigh eigenvectors squared, batch', inputs: { a: symmetric([2, 4, 4]) }, ours: (t) => bp.linalg.eigh(t.a).eigenvectors.square(), py: 'torch.linalg.eigh(a)[1].square()' },
  { name: 'eigh V diag(L) V^T', inputs: { a: symmetric([4, 4]) },
    ours: (t) => { const { eigenvalues: l, eigenvectors: v } = bp.linalg.eigh(t.a); return v.mul(l.unsqueeze(0)).matmul(v.T); },
    py: '(lambda r: (r[1] * r[0].unsqueeze(0)) @ r[1].T)(torch.linalg.eigh(a))' },
  { name: "eigh uplo 'U' of a non-symmetric input", inputs: { a: x([4, 4]) }, ours: (t) => bp.linalg.eigh(t.a, { uplo: 'U' }).eigenvalues, py: "torch.linalg.eigh(a, UPLO='U')[0]" },
  { name: 'eigvalsh 1x1 and 40x40', inputs: { a: symmetric([40, 40]), b: x([1, 1]) },
    ours: (t) => bp.cat([bp.linalg.eigvalsh(t.a), bp.linalg.eigvalsh(t.b)]), py: 'torch.cat([torch.linalg.eigvalsh(a), torch.linalg.eigvalsh(b)])' },
  { name: 'luFactor LU', inputs: { a: x([2, 6, 6], -2, 2, false) }, ours: (t) => bp.linalg.luFactor(t.a).LU, py: 'torch.linalg.lu_factor(a)[0]' },
  { name: 'luFactor LU, its gradient', inputs: { a: square([2, 5, 5], 0) }, ours: (t) => bp.linalg.luFactor(t.a).LU, py: 'torch.linalg.lu_factor(a)[0]' },
  { name: 'lu P, L and U', inputs: { a: square([2, 4, 4], 0) }, ours: (t) => { const r = bp.linalg.lu(t.a); return bp.cat([r.P, r.L, r.U], -1); }, py: 'torch.cat(torch.linalg.lu(a), -1)' },
  { name: 'luSolve: left or right, A or its transpose, B broadcast', inputs: { a: square([2, 3, 3], 2), b: x([3, 2]), c: x([2, 2, 3]) },
    ours: (t) => { const f = bp.linalg.luFactor(t.a); const s = (m: Tensor, o: bp.linalg.LuSolveOptions) => bp.linalg.luSolve(f.LU, f.pivots, m, o).reshape([-1]); return bp.cat([s(t.b, {}), s(t.b, { adjoint: true }), s(t.c, { left: false }), s(t.c, { left: false, adjoint: true })]); },
    py: '(lambda f: torch.cat([torch.linalg.lu_solve(f[0], f[1], m, left=l, adjoint=j).reshape(-1) for m, l, j in [(b, True, False), (b, True, True), (c, False, False), (c, False, True)]]))(torch.linalg.lu_factor(a))' },
  { name: 'vander, N by default and 5, through a zero', inputs: { a: { shape: [2, 3], data: [0.5, 0, -1.25, 2, -0.75, 1.5], grad: true } },
    ours: (t) => bp.cat([bp.linalg.vander(t.a), bp.linalg.vander(t.a, 5)], -1), py: 'torch.cat([torch.linalg.vander(a), torch.linalg.vander(a, N=5)], -1)' },
  { name: 'tensorinv of [4, 6, 8, 3]', inputs: { a: { ...square([24, 24], 5), shape: [4, 6, 8, 3] } }, ours: (t) => bp.linalg.tensorinv(t.a), py: 'torch.linalg.tensorinv(a)' },
  { name: 'tensorsolve with dims', inputs: { a: { ...square([6, 6], 4), shape: [2, 3, 6] }, b: x([6]) }, ours: (t) => bp.linalg.tensorsolve(t.a, t.b, [0, 1]), py: 'torch.linalg.tensorsolve(a, b, dims=(0, 1))' },
  { name: 'invEx inverse, its gradient', inputs: { a: square([2, 4, 4], 3) }, ours: (t) => bp.linalg.invEx(t.a).inverse, py: 'torch.linalg.inv_ex(a).inverse' },
  { name: 'luFactorEx and invEx info (singular matrices among them)', inputs: { a: { shape: [3, 3, 3], data: [1, 2, 3, 2, 4, 6, 1, 1, 1, 2, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 1, 0, 0, 0, 1], grad: false } },
    // (inv_ex's info, for which pivot is zero, is not lu_factor_ex's in torch 1.13 (2 against 3 here): only whether it is 0 is compared.)
    ours: (t) => bp.cat([bp.linalg.luFactorEx(t.a).info, bp.linalg.invEx(t.a).info.gt(0)]), py: 'torch.cat([torch.linalg.lu_factor_ex(a).info, torch.linalg.inv_ex(a).info > 0]).float()' },
  { name: 'luFactor pivots (1-based)', inputs: { a: x([2, 6, 6], -2, 2, false) }, ours: (t) => bp.linalg.luFactor(t.a).pivots, py: 'torch.linalg.lu_factor(a)[1].float()' },
  { name: 'householderProduct, batched, k below n', inputs: { a: x([2, 5, 3]), tau: x([2, 2], 0.5, 1.5) },
    ours: (t) => bp.linalg.householderProduct(t.a, t.tau), py: 'torch.linalg.householder_product(a, tau)' },
  { name: 'solveEx: left, right, a batch of vectors, with info', inputs: { a: square([2, 3, 3], 2), b: x([2, 3, 2]), c: x([2, 2, 3]), v: x([2, 3]) },
    ours: (t) => { const f = (r: bp.linalg.SolveExResult) => bp.cat([r.result.reshape([-1]), r.info]); return bp.cat([f(bp.linalg.solveEx(t.a, t.b)), f(bp.linalg.solveEx(t.a, t.c, { left: false })), f(bp.linalg.solveEx(t.a, t.v))]); },
    py: '(lambda f: torch.cat([f(torch.linalg.solve_ex(a, b)), f(torch.linalg.solve_ex(a, c, left=False)), f(torch.linalg.solve_ex(a, v))]))(lambda r: torch.cat([r.result.reshape(-1), r.info.float()]))' },
];

// A wide QR past one panel: its gradient goes through the inverse of R's leading 34 x 34 square, where
// two float32 computations part by ~3e-5 (ours matches float64 finite differences: gradcheck.test).
const LOOSE_CALLS: TorchCall[] = [
  { name: 'qr wide 34x38, complete', inputs: { a: inputMaker(4500)([34, 38], -1, 1) }, ours: (t) => qrBoth(t.a, 'complete'), py: QR_BOTH("torch.linalg.qr(a, mode='complete')") },
];

noteIfNoTorch('det ... solve against torch');
eachBackend('linalg', (backend) => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and every input's gradient`, () => {
    expectCallsLikeTorch(CALLS, 2e-5);
    expectCallsLikeTorch(LOOSE_CALLS, 1e-4);
  });

  it('inverts and solves large matrices: A inv(A) and A solve(A, B) against I and B', () => {
    const g = rng(5);
    for (const n of backend === 'native' ? [200, 513] : [130]) {
      // Entries of size 1 / sqrt(n) around a diagonal of 2: eigenvalues within about 2 +- 1, so the
      // residuals measure the solver, not the matrix's condition.
      const a = bp.tensor(Array.from({ length: n * n }, (_, i) => (g() - 0.5) * 4 / Math.sqrt(n) + (i % (n + 1) === 0 ? 2 : 0)), { shape: [n, n] });
      const eye = bp.eye(n);
      expect(bp.linalg.inv(a).matmul(a).sub(eye).abs().max().item(), `n = ${n}`).toBeLessThan(1e-5);
      const b = bp.randn([n, 3]);
      expect(a.matmul(bp.linalg.solve(a, b)).sub(b).abs().max().item(), `n = ${n}`).toBeLessThan(1e-5);
      // det through slogdet: log |det| of a product is the sum of the two.
      const s = bp.slogdet(a.matmul(a)).logabsdet.item();
      expect(Math.abs(s - 2 * bp.slogdet(a).logabsdet.item())).toBeLessThan(1e-3 * Math.abs(s));
    }
  });

  it("eigenvalues' gradient at repeated eigenvalues, where the eigenvectors take none: V diag(gL) V^T, as torch's", () => {
    // sum(L^2) = ||A||^2 has gradient 2A, and sum(L) = trace(A) has I, however the eigenvalues repeat.
    const a = bp.tensor([[2, 0, 0], [0, 2, 0], [0, 0, 3]], { requiresGrad: true });
    bp.linalg.eigvalsh(a).square().sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([4, 0, 0, 0, 4, 0, 0, 0, 6]);
    const b = bp.eye(3).requiresGrad_();
    bp.linalg.eigh(b).eigenvalues.sum().backward();
    expect(Array.from(b.grad!.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // With createGraph too (its second derivative there is NaN, torch's too: it runs through V).
    const c = bp.eye(2).requiresGrad_();
    const [g] = bp.autograd.grad(bp.linalg.eigvalsh(c).square().sum(), c, { createGraph: true });
    expect(Array.from(g!.data)).toEqual([2, 0, 0, 2]);
  });

  it('nn.init.orthogonal fills (semi-)orthogonal matrices, times the gain', () => {
    for (const shape of [[5, 3], [3, 5], [4, 4], [6, 2, 2, 2], [1, 7]]) {
      const w = bp.nn.init.orthogonal(bp.zeros(shape), 2);
      const rows = shape[0], cols = w.size / rows, m = w.reshape([rows, cols]);
      const gram = rows >= cols ? m.T.matmul(m) : m.matmul(m.T);
      expect(gram.sub(bp.eye(Math.min(rows, cols)).mul(4)).abs().max().item(), `shape ${shape}`).toBeLessThan(1e-5);
    }
    // Each call draws anew.
    const a = bp.nn.init.orthogonal(bp.zeros([3, 3])), b = bp.nn.init.orthogonal(bp.zeros([3, 3]));
    expect(a.sub(b).abs().max().item()).toBeGreaterThan(0.01);
  });

  it('solveEx reports a singular matrix in info (checkErrors throws instead); householderProduct names bad shapes', () => {
    const a = bp.stack([bp.eye(2), bp.tensor([[1, 2], [2, 4]])]);
    const r = bp.linalg.solveEx(a, bp.ones([2, 2, 1]));
    expect(Array.from(r.info.data)).toEqual([0, 2]);
    expect(Array.from(r.result.narrow(0, 0, 1).data)).toEqual([1, 1]);
    expect(() => bp.linalg.solveEx(a, bp.ones([2, 2, 1]), { checkErrors: true })).toThrow(/singular/);
    expect(() => bp.linalg.solveEx(a, bp.ones([2, 2]), { left: false })).toThrow('solveEx: B of shape [2, 2] is a batch of vectors, which only left solves take');
    expect(() => bp.linalg.householderProduct(bp.ones([2, 3]), bp.ones([1]))).toThrow('householderProduct: A must have at least as many rows as columns, got shape [2, 3]');
    expect(() => bp.linalg.householderProduct(bp.ones([3, 2]), bp.ones([3]))).toThrow('householderProduct: tau must be [..., k] with A\'s batch dims and k at most A\'s columns (2), got shape [3] for A [3, 2]');
  });

  it('svdLowrank and pcaLowrank find a low-rank matrix\'s singular values and vectors; errors named', () => {
    bp.manualSeed(5);
    const A = bp.randn([9, 3]).matmul(bp.randn([3, 12]));
    const exact = Array.from(bp.linalg.svdvals(A).data);
    for (const B of [A, A.transpose(0, 1)]) {
      const r = bp.svdLowrank(B, { q: 4 });
      Array.from(r.S.data).slice(0, 3).forEach((v, i) => expect(Math.abs(v / exact[i] - 1), `S[${i}]`).toBeLessThan(1e-5));
      const rebuilt = r.U.mul(r.S.unsqueeze(0)).matmul(r.V.transpose(0, 1));
      expect(rebuilt.sub(B).abs().max().item()).toBeLessThan(1e-4);
      expect(r.U.transpose(0, 1).matmul(r.U).sub(bp.eye(4)).narrow(0, 0, 3).narrow(1, 0, 3).abs().max().item()).toBeLessThan(1e-5);
    }
    const centred = A.sub(A.mean(0, true));
    const pca = bp.pcaLowrank(A, { q: 3 });
    Array.from(pca.S.data).forEach((v, i) => expect(Math.abs(v / bp.linalg.svdvals(centred).data[i] - 1), `pca S[${i}]`).toBeLessThan(1e-5));
    expect(bp.pcaLowrank(A).S.shape).toEqual([6]);
    const w = A.detach().requiresGrad_();
    bp.svdLowrank(w, { q: 3 }).S.sum().backward();
    expect(w.grad!.shape).toEqual([9, 12]);
    expect(() => bp.svdLowrank(A, { q: 10 })).toThrow('svdLowrank: q must be an integer in [1, min(m, n)] (9 for A of shape [9, 12]), got 10');
    expect(() => bp.pcaLowrank(bp.ones([3]))).toThrow('pcaLowrank: A must be a matrix or a batch of them, got shape [3]');
    expect(() => bp.svdLowrank(A, { niter: -1 })).toThrow('svdLowrank: niter must be a non-negative integer, got -1');
  });

  it('names the function, the shapes and the singular matrix', () => {
    expect(() => bp.det(bp.randn([3, 4]))).toThrow('det: A must be a square matrix or a batch of them (shape [..., n, n]), got shape [3, 4]');
    expect(() => bp.linalg.inv(bp.randn([3]))).toThrow('inv: A must be a square matrix or a batch of them (shape [..., n, n]), got shape [3]');
    expect(() => bp.logdet([1] as unknown as Tensor)).toThrow('logdet: expected a Tensor, got object');
    const singular = bp.tensor([[1, 2], [2, 4]]);
    expect(() => bp.linalg.inv(singular)).toThrow('inv: the input matrix is singular: pivot 2 of its LU factorization is zero, so it has no inverse');
    const batch = bp.stack([bp.eye(2), bp.eye(2), singular]).reshape([3, 1, 2, 2]);
    expect(() => bp.inverse(batch)).toThrow('inv: the input matrix is singular (the matrix at batch index [2, 0]): pivot 2');
    expect(() => bp.linalg.solve(singular, bp.randn([2]))).toThrow('solve: the input matrix is singular');
    expect(() => bp.linalg.solve(bp.eye(3), bp.randn([2, 2]))).toThrow('solve: B must be [..., 3, k] or a vector of 3 for A of shape [3, 3], got shape [2, 2]');
    expect(() => bp.linalg.solve(bp.eye(3), bp.randn([4]))).toThrow('solve: the vector B must have 3 elements for A of shape [3, 3], got shape [4]');
    expect(() => bp.linalg.solve(bp.randn([2, 3, 3]), bp.randn([4, 3, 1]))).toThrow(/solve/);
    const a = bp.tensor([[1, 2], [2, 4]], { requiresGrad: true });
    const d = bp.slogdet(a).logabsdet;
    expect(d.item()).toBe(-Infinity);
    expect(() => d.backward()).toThrow('slogdet: the gradient at a singular matrix is not defined (pivot 2 of its LU factorization is zero)');
    const l = bp.logdet(bp.stack([bp.eye(2), a]));
    expect(() => l.sum().backward()).toThrow('logdet: the gradient at a singular matrix (the matrix at batch index [1]) is not defined');
    expect(() => bp.linalg.cholesky(bp.tensor([[1, 2], [2, 1]]))).toThrow('cholesky: the input is not positive-definite: its leading minor of order 2 is not positive-definite, so the factorization could not be completed');
    expect(() => bp.linalg.cholesky(bp.stack([bp.eye(3), bp.eye(3).mul(-1)]))).toThrow('cholesky: the input is not positive-definite (the matrix at batch index [1]): its leading minor of order 1');
    const ex = bp.linalg.choleskyEx(bp.stack([bp.eye(2).mul(4), bp.tensor([[1, 2], [2, 1]])]));
    expect(Array.from(ex.info.data)).toEqual([0, 2]);
    expect(Array.from(ex.L.data.subarray(0, 4))).toEqual([2, 0, 0, 2]);
    expect(() => bp.linalg.choleskyEx(bp.tensor([[1, 2], [2, 1]]), { checkErrors: true })).toThrow('choleskyEx: the input is not positive-definite: its leading minor of order 2');
    expect(() => bp.linalg.choleskyEx(bp.eye(2), { checkErrors: 1 as unknown as boolean })).toThrow(/choleskyEx: option checkErrors/);
    expect(() => bp.linalg.cholesky(bp.eye(2), { lower: true } as unknown as { upper: boolean })).toThrow("cholesky: unknown option 'lower' (the options are upper)");
    expect(() => bp.linalg.solveTriangular(bp.eye(2), bp.eye(2), {} as { upper: boolean })).toThrow('solveTriangular: option upper must be given (true or false), as torch requires it');
    expect(() => bp.linalg.solveTriangular(bp.eye(2), bp.randn([2]), { upper: true })).toThrow('solveTriangular: B must be [..., 2, k] for A of shape [2, 2], got shape [2]');
    expect(() => bp.linalg.qr(bp.randn([3]))).toThrow('qr: A must be a matrix or a batch of them (shape [..., m, n]), got shape [3]');
    expect(() => bp.linalg.qr(bp.eye(2), { mode: 'full' as 'r' })).toThrow(`qr: mode must be 'reduced', 'complete' or 'r', got "full"`);
    const tall = bp.randn([4, 2], { requiresGrad: true });
    expect(() => bp.linalg.qr(tall, { mode: 'complete' }).Q.sum().backward()).toThrow("qr: the gradient of mode 'complete' with more rows than columns is not defined (torch's neither)");
    expect(() => bp.linalg.qr(tall, { mode: 'r' }).R.sum().backward()).toThrow("qr: the gradient of mode 'r' is not defined (torch's neither): Q is not computed");
    expect(() => bp.linalg.eigh(bp.tensor([[1, NaN], [NaN, 1]]))).toThrow('eigh: the eigenvalue iteration did not converge: the matrix holds a NaN or an infinity');
    expect(() => bp.linalg.eigvalsh(bp.eye(2), { uplo: 'X' as 'L' })).toThrow(`eigvalsh: uplo must be 'L' or 'U', got "X"`);
    expect(() => bp.linalg.eigh(bp.randn([2, 3]))).toThrow('eigh: A must be a square matrix or a batch of them (shape [..., n, n]), got shape [2, 3]');
    expect(() => bp.linalg.vander(bp.tensor(2))).toThrow('vander: x must have at least one dimension, got a 0-d tensor');
    expect(() => bp.linalg.vander(bp.ones([3]), 0)).toThrow('vander: N must be at least 1, got 0');
    expect(() => bp.linalg.tensorinv(bp.ones([2, 3, 4]), 1)).toThrow("tensorinv: the product of A's first 1 dims (2) must equal that of the rest (12), shape [2, 3, 4]");
    expect(() => bp.linalg.tensorinv(bp.ones([2, 2]), 3)).toThrow('tensorinv: ind must be in [1, 2] for A of shape [2, 2], got 3');
    expect(() => bp.linalg.tensorsolve(bp.ones([2, 3, 6]), bp.ones([4]))).toThrow("tensorsolve: A's leading dims must be B's shape [4], got A of shape [2, 3, 6]");
    expect(() => bp.linalg.tensorsolve(bp.ones([6, 2, 2]), bp.ones([6]))).toThrow("tensorsolve: the product of A's trailing dims [2, 2] (4) must equal B's size (6)");
    expect(() => bp.linalg.tensorsolve(bp.ones([6, 6]), bp.ones([6]), [0, 0])).toThrow('tensorsolve: dims must not repeat a dim, got [0, 0]');
    expect(() => bp.linalg.tensorsolve(bp.ones([6, 6]), bp.ones([6]), [2])).toThrow('tensorsolve: dims entry 2 is out of range for A of shape [6, 6]');
    expect(() => bp.linalg.luFactor(singular)).toThrow('luFactor: the input matrix is singular: pivot 2 of its LU factorization is zero, so luSolve would divide by zero (luFactorEx or lu factor it anyway)');
    expect(() => bp.linalg.luFactorEx(bp.stack([bp.eye(2), singular]), { checkErrors: true })).toThrow('luFactorEx: the input matrix is singular (the matrix at batch index [1]): pivot 2');
    expect(Array.from(bp.linalg.luFactorEx(singular).LU.data)).toEqual([2, 4, 0.5, 0]);
    expect(Array.from(bp.linalg.lu(singular).U.data)).toEqual([2, 4, 0, 0]);
    expect(() => bp.linalg.invEx(singular, { checkErrors: true })).toThrow('invEx: the input matrix is singular: pivot 2');
    expect(Array.from(bp.linalg.invEx(bp.eye(2).mul(4)).inverse.data)).toEqual([0.25, 0, 0, 0.25]);
    const f = bp.linalg.luFactor(bp.eye(3).mul(2));
    expect(() => bp.linalg.lu(bp.randn([3]))).toThrow('lu: A must be a matrix or a batch of them (shape [..., m, n]), got shape [3]');
    expect(() => bp.linalg.luSolve(bp.randn([3, 2]), f.pivots, bp.randn([3, 1]))).toThrow('luSolve: LU must be a square matrix or a batch of them (shape [..., n, n]), got shape [3, 2]');
    expect(() => bp.linalg.luSolve(f.LU, bp.tensor([1, 2]), bp.randn([3, 1]))).toThrow('luSolve: pivots must be [..., 3] with LU\'s batch dims for LU of shape [3, 3], got shape [2]');
    expect(() => bp.linalg.luSolve(f.LU, bp.tensor([1, 4, 3]), bp.randn([3, 1]))).toThrow('luSolve: pivots[1] = 4 is not a row at or after 2 (1-based) of 3');
    expect(() => bp.linalg.luSolve(f.LU, bp.tensor([1, 1, 3]), bp.randn([3, 1]))).toThrow('luSolve: pivots[1] = 1 is not a row at or after 2 (1-based) of 3');
    expect(() => bp.linalg.luSolve(f.LU, f.pivots, bp.randn([2, 1]))).toThrow('luSolve: B must be [..., 3, k] for LU of shape [3, 3], got shape [2, 1]');
    expect(() => bp.linalg.luSolve(f.LU, f.pivots, bp.randn([3, 2]), { left: false })).toThrow('luSolve: B must be [..., k, 3] for LU of shape [3, 3] (left: false), got shape [3, 2]');
    expect(() => bp.linalg.luSolve(f.LU, f.pivots, bp.randn([3, 1]), { left: 1 as unknown as boolean })).toThrow(/luSolve: option left/);
    expect(() => bp.nn.init.orthogonal(bp.zeros([4]))).toThrow('orthogonal: only tensors with 2 or more dimensions are supported, got shape [4]');
    expect(() => bp.choleskySolve(bp.randn([2, 1]), bp.randn([2, 3]))).toThrow('choleskySolve: the factor must be a square matrix or a batch of them (shape [..., n, n]), got shape [2, 3]');
  });
});

describe('the dense kernels (LU, triangular solves, Cholesky, QR, eigh): native against reference', () => {
  const g = rng(44);
  const native: Backend | null = nativeExpected() ? loadNative().backend : null;
  let threads = 1;
  beforeAll(() => (threads = bp.getNumThreads()));
  afterAll(() => bp.setNumThreads(threads));

  /** count random n x n matrices, each with `boost` on its diagonal. */
  const matrices = (n: number, count: number, boost: number) => {
    const a = new Float32Array(count * n * n);
    for (let i = 0; i < a.length; i++) a[i] = g() * 2 - 1;
    for (let m = 0; m < count; m++) for (let i = 0; i < n; i++) a[m * n * n + i * n + i] += boost;
    return a;
  };
  const factor = (be: Backend | null, a: Float32Array, n: number, count: number) => {
    const lu = a.slice(), pivots = new Int32Array(n * count), zeroAt = new Int32Array(count);
    be!.luFactor(lu, n, count, pivots, zeroAt);
    return { lu, pivots, zeroAt };
  };

  it.runIf(native !== null)('factors and solves as the reference does, over edge sizes (pivots equal, values within 2e-5)', () => {
    const ref = B().name === 'reference' ? B() : (bp.setBackend('reference'), B());
    bp.setBackend('native');
    for (const n of [1, 7, 8, 9, 16, 17, 63, 64, 65, 150]) {
      for (const count of [1, 3]) {
        const a = matrices(n, count, n / 4);
        const ours = factor(native, a, n, count), theirs = factor(ref, a, n, count);
        expect(Array.from(ours.pivots), `n ${n} pivots`).toEqual(Array.from(theirs.pivots));
        expect(Array.from(ours.zeroAt)).toEqual(Array.from(theirs.zeroAt));
        for (let i = 0; i < a.length; i++) expect(Math.abs(ours.lu[i] - theirs.lu[i]), `n ${n} lu[${i}]`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(theirs.lu[i])));
        for (const k of [1, 5]) {
          const rhs = Float32Array.from({ length: count * n * k }, () => g() * 2 - 1);
          const xo = rhs.slice(), xr = rhs.slice();
          native!.luSolve(ours.lu, ours.pivots, n, count, xo, k);
          ref.luSolve(theirs.lu, theirs.pivots, n, count, xr, k);
          for (let i = 0; i < xo.length; i++) expect(Math.abs(xo[i] - xr[i]), `n ${n} k ${k} x[${i}]`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(xr[i])));
        }
      }
    }
  });

  /** count symmetric positive-definite n x n matrices: M M^T / n + I, in float32. */
  const spdMatrices = (n: number, count: number) => {
    const m = matrices(n, count, 0), a = new Float32Array(m.length);
    for (let b = 0; b < count; b++) {
      const o = b * n * n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += m[o + i * n + k] * m[o + j * n + k];
          a[o + i * n + j] = a[o + j * n + i] = s / n + (i === j ? 1 : 0);
        }
      }
    }
    return a;
  };

  it.runIf(native !== null)('solves triangles and factors positive-definite matrices as the reference does, over edge sizes', () => {
    const ref = (bp.setBackend('reference'), B());
    bp.setBackend('native');
    const near = (ours: Float32Array, theirs: Float32Array, tol: number, what: string) => {
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i]), `${what}[${i}]`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(theirs[i])));
    };
    for (const n of [1, 7, 8, 9, 16, 17, 63, 64, 65, 150]) {
      for (const count of [1, 3]) {
        const a = spdMatrices(n, count);
        const lo = a.slice(), lr = a.slice(), io = new Int32Array(count), ir = new Int32Array(count);
        native!.cholesky(lo, n, count, io);
        ref.cholesky(lr, n, count, ir);
        expect(Array.from(io), `n ${n} info`).toEqual(new Array(count).fill(0));
        expect(Array.from(ir)).toEqual(Array.from(io));
        near(lo, lr, 2e-5, `n ${n} cholesky`);
        // Off the diagonal of size 1 / sqrt(n): a unit triangle's solve grows no faster than the rounding it measures.
        const t = matrices(n, count, 0).map((v, i) => (i % (n * n)) % (n + 1) === 0 ? 1.5 + v / 4 : v / Math.sqrt(n));
        for (const [upper, unit] of [[false, false], [true, false], [false, true], [true, true]]) {
          for (const k of [1, 9]) {
            const rhs = Float32Array.from({ length: count * n * k }, () => g() * 2 - 1);
            const xo = rhs.slice(), xr = rhs.slice();
            native!.triSolve(t, n, count, upper, unit, xo, k);
            ref.triSolve(t, n, count, upper, unit, xr, k);
            near(xo, xr, 1e-4, `n ${n} triSolve upper ${upper} unit ${unit} k ${k}`);
          }
        }
      }
    }
  });

  it.runIf(native !== null)('factors by Householder reflections as the reference does, over edge sizes (within 1e-4)', () => {
    const ref = (bp.setBackend('reference'), B());
    bp.setBackend('native');
    for (const [m, n] of [[1, 1], [7, 7], [9, 8], [8, 9], [1, 65], [65, 1], [64, 63], [150, 70], [70, 150]]) {
      for (const count of [1, 3]) {
        const a = Float32Array.from({ length: count * m * n }, () => g() * 2 - 1);
        for (const qCols of [0, Math.min(m, n), m]) {
          const ao = a.slice(), ar = a.slice(), qo = new Float32Array(count * m * qCols), qr = qo.slice();
          native!.householderQr(ao, m, n, count, qo, qCols);
          ref.householderQr(ar, m, n, count, qr, qCols);
          for (let i = 0; i < ao.length; i++) expect(Math.abs(ao[i] - ar[i]), `${m}x${n} factors [${i}]`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ar[i])));
          for (let i = 0; i < qo.length; i++) expect(Math.abs(qo[i] - qr[i]), `${m}x${n} Q of ${qCols} columns [${i}]`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
    expect(() => native!.householderQr(new Float32Array(6), 2, 3, 1, new Float32Array(6), 3)).toThrow('householderQr: argument 5 (qCols) must be an integer in [0, 2], got 3');
    const shared = new Float32Array(8);
    expect(() => native!.householderQr(shared.subarray(0, 4), 2, 2, 1, shared.subarray(2, 6), 2)).toThrow('householderQr: q (argument 4) shares memory with a');
  });

  it.runIf(native !== null)('decomposes symmetric matrices with the reference\'s bits (doubles in the same order), over edge sizes and scales', () => {
    const ref = (bp.setBackend('reference'), B());
    bp.setBackend('native');
    for (const n of [1, 2, 7, 8, 9, 63, 64, 65, 150]) {
      for (const count of [1, 3]) {
        const a = matrices(n, count, 0);
        for (const upper of [false, true]) {
          // Float64Array outputs take the doubles before their rounding (Backend's DecompositionOutput):
          // those, then the floats the API gives, the same doubles rounded.
          const run = (be: Backend, Out: typeof Float32Array | typeof Float64Array) => {
            const values = new Out(count * n), vectors = new Out(count * n * n), info = new Int32Array(count);
            be.eigh(a, n, count, upper, values, vectors, info);
            return [values, vectors, info] as const;
          };
          const [vo, wo, io] = run(native!, Float64Array), [vr, wr, ir] = run(ref, Float64Array);
          expect(Array.from(io)).toEqual(new Array(count).fill(0));
          expect(Array.from(ir)).toEqual(Array.from(io));
          expect(Buffer.from(vo.buffer).equals(Buffer.from(vr.buffer)), `n ${n} eigenvalues`).toBe(true);
          expect(Buffer.from(wo.buffer).equals(Buffer.from(wr.buffer)), `n ${n} eigenvectors`).toBe(true);
          const [vf, wf] = run(native!, Float32Array);
          expect(Buffer.from(vf.buffer).equals(Buffer.from(Float32Array.from(vo).buffer)), `n ${n} eigenvalues as floats`).toBe(true);
          expect(Buffer.from(wf.buffer).equals(Buffer.from(Float32Array.from(wo).buffer)), `n ${n} eigenvectors as floats`).toBe(true);
        }
      }
    }
    // Scales far from 1 (float inputs do not reach rotation_length's pythag range: the portable
    // check program and svd.test test it there); a diagonal matrix and one with zero rows, whose
    // rotations have f = g = 0.
    const n = 24;
    const scaled = (scale: number) => matrices(n, 1, 0).map((v, i) => v * (i % 7 === 0 ? scale * 1e-6 : scale));
    const diagonal = new Float32Array(n * n).map((_, i) => (i % (n + 1) === 0 ? i - 200 : 0));
    const zeroRows = matrices(n, 1, 0).map((v, i) => (Math.floor(i / n) % 3 === 0 || i % n % 3 === 0 ? 0 : v));
    for (const [name, a] of [['3e37', scaled(3e37)], ['1e-38', scaled(1e-38)], ['1e-45', scaled(1e-45)], ['diagonal', diagonal], ['zero rows', zeroRows]] as const) {
      const run = (be: Backend) => {
        const values = new Float64Array(n), vectors = new Float64Array(n * n), info = new Int32Array(1);
        be.eigh(a, n, 1, false, values, vectors, info);
        return [values, vectors, info[0]] as const;
      };
      const [vo, wo, io] = run(native!), [vr, wr, ir] = run(ref);
      expect([io, ir], name).toEqual([0, 0]);
      expect(vo.every(Number.isFinite), name).toBe(true);
      expect(Buffer.from(vo.buffer).equals(Buffer.from(vr.buffer)) && Buffer.from(wo.buffer).equals(Buffer.from(wr.buffer)), name).toBe(true);
    }
    const info = new Int32Array(1);
    native!.eigh(new Float32Array([1, NaN, NaN, 1]), 2, 1, false, new Float32Array(2), new Float32Array(0), info);
    expect(info[0]).toBe(1);
    expect(() => native!.eigh(new Float32Array(4), 2, 1, false, new Float32Array(2), new Float32Array(3), new Int32Array(1))).toThrow('eigh: vectors has 3 elements, expected 0 or 4');
    expect(() => native!.eigh(new Float32Array(4), 2, 1, false, new Float32Array(1), new Float32Array(0), new Int32Array(1))).toThrow('eigh: values has 1 elements, expected 2');
    expect(() => native!.eigh(new Float32Array(4), 2, 1, false, new Float64Array(2), new Float32Array(4), new Int32Array(1))).toThrow('eigh: argument 5 (vectors) must be a Float64Array');
    const doubles = new Float64Array(6);
    expect(() => native!.eigh(new Float32Array(4), 2, 1, false, doubles.subarray(0, 2), doubles.subarray(1, 5), new Int32Array(1))).toThrow('eigh: a, values and vectors must not share memory');
  });

  it.runIf(native !== null)('decomposes a matrix larger than the scratch a thread keeps, and the same bits after it', () => {
    const eigh = (a: Float32Array, n: number) => {
      const values = new Float32Array(n), vectors = new Float32Array(n * n), info = new Int32Array(1);
      native!.eigh(a, n, 1, false, values, vectors, info);
      expect(info[0]).toBe(0);
      return { values, vectors };
    };
    const small = matrices(150, 1, 0), before = eigh(small, 150);
    // n = 1030 needs more than the 16 MiB kept: scratch for this call alone.
    const n = 1030, a = matrices(n, 1, 0);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
    const { values, vectors } = eigh(a, n);
    for (const j of [0, 1, 517, n - 1]) {
      let residual = 0, norm = 0;
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + j];
        residual = Math.max(residual, Math.abs(av - values[j] * vectors[i * n + j]));
        norm += vectors[i * n + j] ** 2;
      }
      expect(residual, `column ${j}`).toBeLessThan(2e-4);
      expect(Math.abs(norm - 1), `column ${j}`).toBeLessThan(1e-4);
    }
    for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
    const after = eigh(small, 150);
    expect(Buffer.from(after.values.buffer).equals(Buffer.from(before.values.buffer)) && Buffer.from(after.vectors.buffer).equals(Buffer.from(before.vectors.buffer))).toBe(true);
  });

  it.runIf(native !== null)('gives the same bits at one and two threads, a lone matrix and a batch', () => {
    for (const [n, count] of [[300, 1], [40, 9]]) {
      const a = matrices(n, count, 2);
      bp.setNumThreads(1);
      const one = factor(native, a, n, count);
      const rhs1 = a.slice();
      native!.luSolve(one.lu, one.pivots, n, count, rhs1, n);
      bp.setNumThreads(2);
      const two = factor(native, a, n, count);
      const rhs2 = a.slice();
      native!.luSolve(two.lu, two.pivots, n, count, rhs2, n);
      expect(Buffer.from(two.lu.buffer).equals(Buffer.from(one.lu.buffer)), `n ${n} factors`).toBe(true);
      expect(Buffer.from(rhs2.buffer).equals(Buffer.from(rhs1.buffer)), `n ${n} solves`).toBe(true);
      const s = spdMatrices(n, count);
      const chol = (threads: number) => {
        bp.setNumThreads(threads);
        const c = s.slice(), rhs = a.slice();
        native!.cholesky(c, n, count, new Int32Array(count));
        native!.triSolve(c, n, count, false, false, rhs, n);
        return [c, rhs];
      };
      const [c1, t1] = chol(1), [c2, t2] = chol(2);
      expect(Buffer.from(c2.buffer).equals(Buffer.from(c1.buffer)), `n ${n} cholesky`).toBe(true);
      expect(Buffer.from(t2.buffer).equals(Buffer.from(t1.buffer)), `n ${n} triSolve`).toBe(true);
      const house = (threads: number) => {
        bp.setNumThreads(threads);
        const f = a.slice(), q = new Float32Array(a.length);
        native!.householderQr(f, n, n, count, q, n);
        return [f, q];
      };
      const [f1, q1] = house(1), [f2, q2] = house(2);
      expect(Buffer.from(f2.buffer).equals(Buffer.from(f1.buffer)) && Buffer.from(q2.buffer).equals(Buffer.from(q1.buffer)), `n ${n} householderQr`).toBe(true);
      // eigh's doubles: a lone matrix of 300 has its rotations applied by the other threads while
      // the caller runs the QL chain (rotation_log.h), at three threads in two shares of the columns.
      const eigh = (threads: number) => {
        bp.setNumThreads(threads);
        const values = new Float64Array(count * n), vectors = new Float64Array(count * n * n), info = new Int32Array(count);
        native!.eigh(a, n, count, false, values, vectors, info);
        expect(Array.from(info)).toEqual(new Array(count).fill(0));
        return Buffer.concat([Buffer.from(values.buffer), Buffer.from(vectors.buffer)]);
      };
      const e1 = eigh(1);
      expect(eigh(2).equals(e1) && eigh(3).equals(e1), `n ${n} eigh`).toBe(true);
    }
  });

  it.runIf(native !== null)('reports a zero pivot, and refuses arguments that would reach outside the arrays', () => {
    const a = new Float32Array([1, 2, 2, 4, 0, 0, 0, 0]);
    const piv = new Int32Array(4), zero = new Int32Array(2);
    native!.luFactor(a, 2, 2, piv, zero);
    expect(Array.from(zero)).toEqual([1, 0]);
    expect(() => native!.luFactor(new Float32Array(8), 2, 3, new Int32Array(6), new Int32Array(3))).toThrow('luFactor: a has 8 elements, expected 12');
    expect(() => native!.luFactor(new Float32Array(4), 2, 1, new Int32Array(1), new Int32Array(1))).toThrow('luFactor: pivots has 1 elements, expected 2');
    expect(() => native!.luSolve(new Float32Array(4), new Int32Array([0, 5]), 2, 1, new Float32Array(2), 1)).toThrow('luSolve: pivots[1] is 5, outside the matrix\'s rows [0, 2)');
    const shared = new Float32Array(6);
    expect(() => native!.luSolve(shared.subarray(0, 4), new Int32Array([0, 1]), 2, 1, shared.subarray(2, 4), 1)).toThrow('luSolve: rhs (argument 4) shares memory with lu');
    expect(() => native!.luFactor(new Float32Array(4), -2, 1, new Int32Array(2), new Int32Array(1))).toThrow('luFactor: argument 1 (n) must be an integer in [0, 1048576], got -2');
    const info = new Int32Array(2);
    native!.cholesky(new Float32Array([4, 0, 0, 4, 1, 2, 2, 1]), 2, 2, info);
    expect(Array.from(info)).toEqual([0, 2]);
    expect(() => native!.cholesky(new Float32Array(8), 2, 2, new Int32Array(1))).toThrow('cholesky: info has 1 elements, expected 2');
    expect(() => native!.triSolve(new Float32Array(4), 2, 1, true, false, new Float32Array(3), 2)).toThrow('triSolve: rhs has 3 elements, expected 4');
    expect(() => native!.triSolve(shared.subarray(0, 4), 2, 1, true, false, shared.subarray(2, 4), 1)).toThrow('triSolve: rhs (argument 5) shares memory with t');
    expect(() => native!.triSolve(new Float32Array(4), 2, 1, 1 as unknown as boolean, false, new Float32Array(2), 1)).toThrow(/triSolve: argument 3 \(upper\) must be/);
  });
});

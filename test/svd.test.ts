// lib/ops/svd.ts (svd, svdvals, pinv, pinverse, matrixRank) and the norms made of singular values
// (matrixNorm 'nuc' / 2 / -2, cond 2 / -2) against torch 1.13 on both backends: values and every
// input's gradient. Singular vectors are compared through quantities their arbitrary signs leave
// alone (squares, U diag(S) Vh, projections). Then the svd kernel: native against reference (the same
// bits), at one and two threads, and its argument errors; the rotation length both twins use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { B } from '../lib/backend/registry';
import { loadNative } from '../lib/backend/native';
import type { Backend } from '../lib/backend/backend';
import { eachBackend, nativeExpected } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';
import { rng } from './helpers/random';
import { pythag, rotationLength } from '../lib/backend/reference/double_loops';

const x = inputMaker(4500);
const L = bp.linalg;

/** A fixed matrix (no gradient unless asked). */
const fixed = (rows: number[][], grad = true): CallInput => ({ shape: [rows.length, rows[0].length], data: rows.flat(), grad });
/** 4 x 3 of rank 2 (the third column the sum of the first two). */
const RANK_2 = [[1, 2, 3], [0, 1, 1], [2, -1, 1], [1, 1, 2]];

const CALLS: TorchCall[] = [
  { name: 'svd S, tall', inputs: { a: x([6, 4]) }, ours: (t) => L.svd(t.a).S, py: 'torch.linalg.svd(a)[1]' },
  { name: 'svd U diag(S) Vh, reduced, wide batch', inputs: { a: x([2, 3, 5]) },
    ours: (t) => { const r = L.svd(t.a, { fullMatrices: false }); return r.U.mul(r.S.unsqueeze(-2)).matmul(r.Vh); },
    py: '(lambda r: (r[0] * r[1].unsqueeze(-2)) @ r[2])(torch.linalg.svd(a, full_matrices=False))' },
  { name: 'svd U squared and Vh squared, tall reduced', inputs: { a: x([5, 3]) },
    ours: (t) => { const r = L.svd(t.a, { fullMatrices: false }); return bp.cat([r.U.square().reshape([-1]), r.Vh.square().reshape([-1])]); },
    py: '(lambda r: torch.cat([r[0].square().reshape(-1), r[2].square().reshape(-1)]))(torch.linalg.svd(a, full_matrices=False))' },
  { name: 'svd U squared, square batch', inputs: { a: x([2, 4, 4]) }, ours: (t) => L.svd(t.a).U.square(), py: 'torch.linalg.svd(a)[0].square()' },
  { name: 'svd Vh squared and S, wide', inputs: { a: x([3, 6]) },
    ours: (t) => { const r = L.svd(t.a, { fullMatrices: false }); return bp.cat([r.Vh.square().reshape([-1]), r.S]); },
    py: '(lambda r: torch.cat([r[2].square().reshape(-1), r[1]]))(torch.linalg.svd(a, full_matrices=False))' },
  { name: 'svd full: U\'s leading columns (tall) and Vh\'s leading rows (wide), squared', inputs: { a: x([5, 3]), b: x([2, 4]) },
    ours: (t) => bp.cat([L.svd(t.a).U.narrow(1, 0, 3).square().reshape([-1]), L.svd(t.b).Vh.narrow(0, 0, 2).square().reshape([-1])]),
    py: 'torch.cat([torch.linalg.svd(a)[0][:, :3].square().reshape(-1), torch.linalg.svd(b)[2][:2].square().reshape(-1)])' },
  { name: 'svd projection U U^T (reduced, tall)', inputs: { a: x([5, 2]) },
    ours: (t) => { const u = L.svd(t.a, { fullMatrices: false }).U; return u.matmul(u.T); },
    py: '(lambda u: u @ u.T)(torch.linalg.svd(a, full_matrices=False)[0])' },
  { name: 'svdvals, wide batch', inputs: { a: x([3, 2, 5]) }, ours: (t) => L.svdvals(t.a), py: 'torch.linalg.svdvals(a)' },
  { name: 'svdvals of a rank-2 matrix', inputs: { a: fixed(RANK_2) }, ours: (t) => L.svdvals(t.a), py: 'torch.linalg.svdvals(a)' },
  // Exactly rank 2 (rows alternate between two): session 45's first kernel (one-sided Jacobi) did not converge on it.
  { name: 'svd S and U diag(S) Vh of an exactly rank-2 6 x 6 matrix',
    inputs: { a: fixed(Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i % 2 === 0 ? j + 1 : 2 * j + 1))), false) },
    ours: (t) => { const r = L.svd(t.a); return bp.cat([r.S, r.U.mul(r.S.unsqueeze(0)).matmul(r.Vh).reshape([-1])]); },
    py: '(lambda r: torch.cat([r[1], ((r[0] * r[1].unsqueeze(0)) @ r[2]).reshape(-1)]))(torch.linalg.svd(a))' },
  { name: 'pinv, tall', inputs: { a: x([5, 3]) }, ours: (t) => L.pinv(t.a), py: 'torch.linalg.pinv(a)' },
  { name: 'pinv, wide batch', inputs: { a: x([2, 3, 4]) }, ours: (t) => L.pinv(t.a), py: 'torch.linalg.pinv(a)' },
  { name: 'pinv of a rank-2 matrix', inputs: { a: fixed(RANK_2) }, ours: (t) => L.pinv(t.a), py: 'torch.linalg.pinv(a)' },
  { name: 'pinv atol', inputs: { a: x([4, 4]) }, ours: (t) => L.pinv(t.a, { atol: 1 }), py: 'torch.linalg.pinv(a, atol=1.0)' },
  { name: 'pinv hermitian', inputs: { a: x([4, 4]) }, ours: (t) => L.pinv(t.a, { hermitian: true }), py: 'torch.linalg.pinv(a, hermitian=True)' },
  { name: 'pinverse rcond, and the method', inputs: { a: x([3, 5]) }, ours: (t) => bp.pinverse(t.a, 0.3).add(t.a.pinverse()),
    py: 'torch.pinverse(a, 0.3) + a.pinverse()' },
  { name: 'matrixRank', inputs: { a: fixed(RANK_2, false), b: x([2, 3, 4], -2, 2, false) },
    ours: (t) => bp.cat([L.matrixRank(t.a).reshape([1]), L.matrixRank(t.b), L.matrixRank(t.b, { atol: 2 }), L.matrixRank(t.b, { rtol: 0.5 })]),
    py: 'torch.cat([torch.linalg.matrix_rank(a).reshape(1), torch.linalg.matrix_rank(b), torch.linalg.matrix_rank(b, atol=2.0), torch.linalg.matrix_rank(b, rtol=0.5)]).float()' },
  { name: 'matrixRank hermitian', inputs: { a: fixed([[2, 1, 1], [1, 2, 1], [1, 1, -1]], false) },
    ours: (t) => bp.cat([L.matrixRank(t.a, { hermitian: true }).reshape([1]), L.matrixRank(t.a, { hermitian: true, atol: 1.5 }).reshape([1])]),
    py: 'torch.stack([torch.linalg.matrix_rank(a, hermitian=True), torch.linalg.matrix_rank(a, hermitian=True, atol=1.5)]).float()' },
  { name: 'matrixNorm nuc, 2 and -2, batch', inputs: { a: x([2, 3, 4]) },
    ours: (t) => L.matrixNorm(t.a, 'nuc').add(L.matrixNorm(t.a, 2)).add(L.matrixNorm(t.a, -2)),
    py: "torch.linalg.matrix_norm(a, 'nuc') + torch.linalg.matrix_norm(a, 2) + torch.linalg.matrix_norm(a, -2)" },
  { name: 'matrixNorm 2 over dims [0, 2], keepDim', inputs: { a: x([3, 2, 4]) }, ours: (t) => L.matrixNorm(t.a, 2, [0, 2], true),
    py: 'torch.linalg.matrix_norm(a, 2, (0, 2), True)' },
  { name: "norm 'nuc'", inputs: { a: x([3, 4]) }, ours: (t) => L.norm(t.a, 'nuc'), py: "torch.linalg.norm(a, 'nuc')" },
  { name: 'cond (2, the default) and -2, rectangular batch', inputs: { a: x([2, 4, 3]) }, ours: (t) => L.cond(t.a).add(L.cond(t.a, -2)),
    py: 'torch.linalg.cond(a) + torch.linalg.cond(a, -2)' },
];

noteIfNoTorch('svd, svdvals, pinv, matrixRank against torch');
eachBackend('svd', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and every input's gradient`, () => {
    expectCallsLikeTorch(CALLS, 2e-5);
  });

  it('decomposes: U and Vh orthonormal, A = U diag(S) Vh, S descending, including rank-deficient and empty matrices', () => {
    for (const [m, n] of [[6, 4], [4, 6], [5, 5], [1, 3], [3, 1]]) {
      const a = bp.randn([m, n]);
      for (const fullMatrices of [true, false]) {
        const { U, S, Vh } = L.svd(a, { fullMatrices });
        const k = Math.min(m, n);
        expect(U.shape).toEqual([m, fullMatrices ? m : k]);
        expect(Vh.shape).toEqual([fullMatrices ? n : k, n]);
        expect(U.T.matmul(U).sub(bp.eye(U.shape[1])).abs().max().item()).toBeLessThan(1e-6);
        expect(Vh.matmul(Vh.T).sub(bp.eye(Vh.shape[0])).abs().max().item()).toBeLessThan(1e-6);
        const back = U.narrow(1, 0, k).mul(S.unsqueeze(0)).matmul(Vh.narrow(0, 0, k));
        expect(back.sub(a).abs().max().item()).toBeLessThan(1e-5);
        const s = Array.from(S.data);
        expect(s).toEqual([...s].sort((p, q) => q - p));
      }
    }
    // Rank 1 and zero: the vectors past the rank still complete orthonormal bases.
    for (const a of [bp.tensor([[1, 2], [2, 4], [3, 6]]), bp.zeros([3, 2])]) {
      const { U, Vh } = L.svd(a);
      expect(U.T.matmul(U).sub(bp.eye(3)).abs().max().item()).toBeLessThan(1e-6);
      expect(Vh.matmul(Vh.T).sub(bp.eye(2)).abs().max().item()).toBeLessThan(1e-6);
    }
    const e = L.svd(bp.zeros([0, 3]));
    expect([e.U.shape, e.S.shape, e.Vh.shape]).toEqual([[0, 0], [0], [3, 3]]);
    expect(Array.from(e.Vh.data)).toEqual(Array.from(bp.eye(3).data));
  });

  it('names the function and the bad argument', () => {
    expect(() => L.svd(bp.randn([3]))).toThrow('svd: A must be a matrix or a batch of them (shape [..., m, n]), got shape [3]');
    expect(() => L.svd(bp.tensor([[1, NaN], [0, 1]]))).toThrow('svd: A holds a NaN or an infinity');
    expect(() => L.svdvals(bp.stack([bp.eye(2), bp.tensor([[Infinity, 0], [0, 1]])]))).toThrow('svdvals: A holds a NaN or an infinity (the matrix at batch index [1])');
    expect(() => L.svd(bp.eye(2), { fullMatrices: 1 as unknown as boolean })).toThrow('svd: option fullMatrices must be true or false, got 1');
    expect(() => L.pinv(bp.eye(2), { atol: -1 })).toThrow('pinv: atol must be non-negative, got -1');
    expect(() => L.matrixRank(bp.eye(2), { rtol: -0.5 })).toThrow('matrixRank: rtol must be non-negative, got -0.5');
    expect(() => L.pinv(bp.randn([2, 3]), { hermitian: true })).toThrow('pinv: with hermitian, A must be square, got shape [..., 2, 3]');
    expect(() => L.matrixRank(bp.eye(2), { rtol: NaN })).toThrow('matrixRank: rtol must be a finite number, got NaN');
    expect(() => L.matrixRank(bp.eye(2), { tol: 1 } as unknown as object)).toThrow("matrixRank: unknown option 'tol' (the options are atol, rtol, hermitian)");
    expect(() => bp.pinverse(bp.eye(2), Infinity)).toThrow('pinverse: rcond must be a finite number, got Infinity');
    expect(() => L.matrixNorm(bp.randn([3, 3]), 3 as 2)).toThrow("matrixNorm: ord must be 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity, got 3");
    expect(() => L.cond(bp.randn([2, 3]), 1)).toThrow('cond: A must be a square matrix or a batch of them (shape [..., n, n]), got shape [2, 3]');
    expect(() => L.cond(bp.randn([3]))).toThrow('cond: A must be a matrix or a batch of them (shape [..., m, n]), got shape [3]');
    expect(() => L.matrixNorm(bp.zeros([2, 0]), 2)).toThrow('matrixNorm: ord 2 of an empty matrix is not defined (it has no singular values), got shape [2, 0]');
    expect(L.cond(bp.zeros([2, 0, 0])).shape).toEqual([2]);
    expect(() => L.norm(bp.randn([3]), 'nuc')).toThrow("norm: ord 'nuc' is a matrix norm: give a 2-D x or two dims, got shape [3] and dim undefined");
  });
});

describe('rotationLength (the QL and QR sweeps\' sqrt(f^2 + g^2), eigh\'s and svd\'s in both twins)', () => {
  it('is the plain formula between 1e-150 and 1e150, and pythag past them, where the formula overflows or underflows', () => {
    for (const [f, g] of [[3, 4], [0.1, -0.7], [1e-100, 3e-101], [-2e120, 1e119]]) expect(rotationLength(f, g)).toBe(Math.sqrt(f * f + g * g));
    expect(rotationLength(0, 0)).toBe(0);
    expect(rotationLength(0, -2)).toBe(2);
    for (const [f, g, r] of [[3e200, 4e200, 5e200], [-3e-200, 4e-200, 5e-200], [1e308, 1e308, Math.SQRT2 * 1e308]]) {
      expect(Math.abs(Math.sqrt(f * f + g * g) - r)).toBeGreaterThan(r / 2);
      expect(rotationLength(f, g)).toBe(pythag(f, g));
      expect(Math.abs(rotationLength(f, g) - r)).toBeLessThanOrEqual(4e-16 * r);
    }
  });
});

describe('the svd kernel: native against reference', () => {
  const g = rng(45);
  const native: Backend | null = nativeExpected() ? loadNative().backend : null;
  let threads = 1;
  beforeAll(() => (threads = bp.getNumThreads()));
  afterAll(() => bp.setNumThreads(threads));

  const random = (size: number) => Float32Array.from({ length: size }, () => g() * 2 - 1);
  // Float64Array outputs take the results before their rounding to float (Backend's DecompositionOutput).
  const run = (be: Backend, a: Float32Array, m: number, n: number, count: number, full: boolean, vectors = true, Out: typeof Float32Array | typeof Float64Array = Float32Array) => {
    const k = Math.min(m, n);
    const s = new Out(count * k), info = new Int32Array(count);
    const u = new Out(vectors ? count * m * (full ? m : k) : 0), vt = new Out(vectors ? count * (full ? n : k) * n : 0);
    be.svd(a, m, n, count, full, s, u, vt, info);
    return { s, u, vt, info };
  };
  const same = (p: Float32Array | Float64Array, q: Float32Array | Float64Array) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(q.buffer, q.byteOffset, q.byteLength));

  it.runIf(native !== null)('decomposes with the reference\'s bits (doubles in the same order), over edge sizes', () => {
    const ref = (bp.setBackend('reference'), B());
    bp.setBackend('native');
    const sizes = [1, 7, 8, 9, 63, 64, 65];
    const shapes = [...sizes.map((s) => [s, s]), [9, 8], [8, 9], [65, 7], [7, 65], [1, 64], [64, 1], [150, 40], [40, 150]];
    for (const [m, n] of shapes) {
      for (const count of m * n > 2000 ? [1] : [1, 3]) {
        const a = random(count * m * n);
        for (const full of [false, true]) {
          // The doubles themselves, then the floats the API gives: those doubles rounded.
          const o = run(native!, a, m, n, count, full, true, Float64Array), r = run(ref, a, m, n, count, full, true, Float64Array);
          expect(Array.from(o.info)).toEqual(new Array(count).fill(0));
          expect(Array.from(r.info)).toEqual(Array.from(o.info));
          expect(same(o.s, r.s) && same(o.u, r.u) && same(o.vt, r.vt), `${m} x ${n}, count ${count}, full ${full}`).toBe(true);
          const f = run(native!, a, m, n, count, full);
          expect(same(f.s, Float32Array.from(o.s)) && same(f.u, Float32Array.from(o.u)) && same(f.vt, Float32Array.from(o.vt)), `${m} x ${n}, count ${count}, full ${full}: floats`).toBe(true);
        }
        const values = run(native!, a, m, n, count, false, false, Float64Array);
        expect(same(values.s, run(ref, a, m, n, count, false, false, Float64Array).s) && same(values.s, run(native!, a, m, n, count, false, true, Float64Array).s), `${m} x ${n} values alone`).toBe(true);
      }
    }
  });

  it.runIf(native !== null)('gives the same bits at one, two and three threads, a lone matrix and a batch', () => {
    // A lone matrix of 64 rows or more has U's rotations applied by the other threads while the
    // caller runs the QR chain and V's (rotation_log.h); at three threads in two shares of U's rows.
    for (const [m, n, count] of [[120, 100, 1], [100, 300, 1], [20, 30, 9]]) {
      const a = random(count * m * n);
      const at = (threads: number) => {
        bp.setNumThreads(threads);
        return run(native!, a, m, n, count, true, true, Float64Array);
      };
      const one = at(1);
      for (const threads of [2, 3]) {
        const other = at(threads);
        expect(same(one.s, other.s) && same(one.u, other.u) && same(one.vt, other.vt), `${m} x ${n} x ${count}, ${threads} threads`).toBe(true);
      }
    }
  });

  it.runIf(native !== null)('reports a NaN or an infinity, and refuses arguments that would reach outside the arrays', () => {
    const info = new Int32Array(2);
    native!.svd(new Float32Array([1, 0, 0, 1, NaN, 0, 0, 1]), 2, 2, 2, false, new Float32Array(4), new Float32Array(0), new Float32Array(0), info);
    expect(Array.from(info)).toEqual([0, 1]);
    const s = new Float32Array(2), i1 = new Int32Array(1);
    expect(() => native!.svd(new Float32Array(5), 2, 3, 1, false, s, new Float32Array(0), new Float32Array(0), i1)).toThrow('svd: a has 5 elements, expected 6');
    expect(() => native!.svd(new Float32Array(6), 2, 3, 1, true, s, new Float32Array(4), new Float32Array(6), i1)).toThrow('svd: u and vt have 4 and 6 elements, expected both 0 or 4 and 9');
    expect(() => native!.svd(new Float32Array(6), 2, 3, 1, false, new Float32Array(1), new Float32Array(0), new Float32Array(0), i1)).toThrow('svd: s has 1 elements, expected 2');
    const shared = new Float32Array(10);
    expect(() => native!.svd(shared.subarray(0, 6), 2, 3, 1, false, shared.subarray(5, 7), new Float32Array(0), new Float32Array(0), i1)).toThrow('svd: a, s, u and vt must not share memory');
    expect(() => native!.svd(new Float32Array(6), 2, -3, 1, false, s, new Float32Array(0), new Float32Array(0), i1)).toThrow('svd: argument 2 (n) must be an integer in [0, 1048576], got -3');
    // Double outputs are all double: s decides.
    expect(() => native!.svd(new Float32Array(6), 2, 3, 1, false, new Float64Array(2), new Float32Array(0), new Float32Array(0), i1)).toThrow('svd: argument 6 (u) must be a Float64Array');
    expect(() => native!.svd(new Float32Array(6), 2, 3, 1, false, new Float64Array(3), new Float64Array(0), new Float64Array(0), i1)).toThrow('svd: s has 3 elements, expected 2');
    const doubles = new Float64Array(12);
    expect(() => native!.svd(new Float32Array(6), 2, 3, 1, false, doubles.subarray(0, 2), doubles.subarray(1, 5), doubles.subarray(6, 12), i1)).toThrow('svd: a, s, u and vt must not share memory');
  });
});

// torch's older linear-algebra names (lib/ops/linalg_legacy.ts: torch.cholesky, cholesky_inverse, qr,
// svd, lu, lu_unpack, lu_solve, triangular_solve, geqrf, orgqr, ormqr, chain_matmul, ger,
// matrix_power) against torch 1.13 on both backends: values and every input's gradient where torch
// has one (geqrf, orgqr and ormqr have none in torch: values only; ormqr's own gradient is checked by
// finite differences in gradcheck.test.ts). Then shapes, methods and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(6100);
const ints = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });
const constant = (shape: number[]): CallInput => ({ ...x(shape), grad: false });
/** a a^T + 3 I over the last two dims, symmetric positive definite. */
const spd = (a: bp.Tensor) => a.matmul(a.mT).add(bp.eye(a.shape[a.ndim - 1]).mul(3));
const SPD = '(a @ a.mT + 3 * torch.eye(a.shape[-1]))';
const flat = (...ts: bp.Tensor[]) => bp.cat(ts.map((t) => t.reshape([-1])));

const CALLS: TorchCall[] = [
  { name: 'cholesky lower', inputs: { a: x([4, 4]) }, ours: (t) => bp.cholesky(spd(t.a)), py: `torch.cholesky(${SPD})` },
  { name: 'cholesky upper, batch (method)', inputs: { a: x([2, 3, 3]) }, ours: (t) => spd(t.a).cholesky({ upper: true }), py: `torch.cholesky(${SPD}, upper=True)` },
  { name: 'choleskyInverse lower', inputs: { l: x([4, 4]) }, ours: (t) => bp.choleskyInverse(t.l.tril().add(bp.eye(4).mul(3))), py: 'torch.cholesky_inverse(l.tril() + 3 * torch.eye(4))' },
  { name: 'choleskyInverse upper, batch (method)', inputs: { u: x([2, 3, 3]) },
    ours: (t) => t.u.triu().add(bp.eye(3).mul(3)).choleskyInverse({ upper: true }), py: 'torch.cholesky_inverse(u.triu() + 3 * torch.eye(3), upper=True)' },
  { name: 'choleskySolve method', inputs: { b: x([3, 2]), l: x([3, 3]) },
    ours: (t) => t.b.choleskySolve(t.l.tril().add(bp.eye(3).mul(3))), py: 'b.cholesky_solve(l.tril() + 3 * torch.eye(3))' },
  { name: 'qr tall, some', inputs: { a: x([5, 3]) }, ours: (t) => { const { Q, R } = bp.qr(t.a); return flat(Q, R); }, py: '(lambda r: torch.cat([r.Q.reshape(-1), r.R.reshape(-1)]))(torch.qr(a))' },
  { name: 'qr wide batch, some false (method)', inputs: { a: x([2, 3, 4]) },
    ours: (t) => { const { Q, R } = t.a.qr({ some: false }); return flat(Q, R); }, py: '(lambda r: torch.cat([r.Q.reshape(-1), r.R.reshape(-1)]))(torch.qr(a, some=False))' },
  { name: 'svd: S, U diag(S) V^T and the leading singular pair, tall', inputs: { a: x([5, 3]) },
    ours: (t) => { const { U, S, V } = bp.svd(t.a); return flat(S, U.mul(S.unsqueeze(-2)).matmul(V.mT), U.narrow(1, 0, 1).matmul(V.narrow(1, 0, 1).mT)); },
    py: '(lambda r: torch.cat([r.S, ((r.U * r.S.unsqueeze(-2)) @ r.V.mT).reshape(-1), (r.U[:, :1] @ r.V[:, :1].mT).reshape(-1)]))(torch.svd(a))' },
  { name: 'svd wide batch, some false: S and U\'s leading columns squared (method)', inputs: { a: x([2, 2, 4]) },
    ours: (t) => { const { U, S, V } = t.a.svd({ some: false }); return flat(S, U.square(), V.narrow(-1, 0, 2).square()); },
    py: '(lambda r: torch.cat([r.S.reshape(-1), r.U.square().reshape(-1), r.V[..., :2].square().reshape(-1)]))(torch.svd(a, some=False))' },
  { name: 'svd computeUv false: S, U and V zeros', inputs: { a: x([3, 4]) },
    ours: (t) => { const { U, S, V } = bp.svd(t.a, { computeUv: false }); return flat(S, U, V); },
    py: '(lambda r: torch.cat([r.S, r.U.reshape(-1), r.V.reshape(-1)]))(torch.svd(a, compute_uv=False))' },
  { name: 'lu: LU and pivots', inputs: { a: x([4, 4]) }, ours: (t) => { const r = bp.lu(t.a); return flat(r.LU, r.pivots); },
    py: '(lambda r: torch.cat([r[0].reshape(-1), r[1].float()]))(torch.lu(a))' },
  { name: 'lu getInfos, batch with a singular matrix (method)', inputs: { a: ints([2, 2, 2], [1, 2, 2, 4, 3, 1, 2, 5]) },
    ours: (t) => { const r = t.a.lu({ getInfos: true }); return flat(r.LU, r.pivots, r.infos!); },
    py: '(lambda r: torch.cat([r[0].reshape(-1), r[1].float().reshape(-1), r[2].float()]))(torch.lu(a, get_infos=True))' },
  { name: 'luUnpack of lu (P, L, U)', inputs: { a: x([2, 3, 3]) }, ours: (t) => { const r = bp.lu(t.a); const u = bp.luUnpack(r.LU, r.pivots); return flat(u.P, u.L, u.U); },
    py: '(lambda u: torch.cat([u.P.reshape(-1), u.L.reshape(-1), u.U.reshape(-1)]))(torch.lu_unpack(*torch.lu(a)))' },
  { name: 'luUnpack of a wide LU', inputs: { a: x([3, 5]), p: ints([3], [2, 2, 3]) },
    ours: (t) => { const u = bp.luUnpack(t.a, t.p); return flat(u.P, u.L, u.U); },
    py: '(lambda u: torch.cat([u.P.reshape(-1), u.L.reshape(-1), u.U.reshape(-1)]))(torch.lu_unpack(a, p.int()))' },
  { name: 'luUnpack of a tall LU, data alone', inputs: { a: x([5, 3]), p: ints([3], [4, 5, 3]) },
    ours: (t) => { const u = bp.luUnpack(t.a, t.p, { unpackPivots: false }); return flat(u.P, u.L, u.U); },
    py: '(lambda u: torch.cat([u.P.reshape(-1), u.L.reshape(-1), u.U.reshape(-1)]))(torch.lu_unpack(a, p.int(), unpack_pivots=False))' },
  { name: 'luUnpack pivots alone', inputs: { a: constant([4, 4]), p: ints([4], [3, 4, 4, 4]) },
    ours: (t) => { const u = bp.luUnpack(t.a, t.p, { unpackData: false }); return flat(u.P, u.L, u.U); },
    py: '(lambda u: torch.cat([u.P.reshape(-1), u.L.reshape(-1), u.U.reshape(-1)]))(torch.lu_unpack(a, p.int(), unpack_data=False))' },
  { name: 'luSolve through lu', inputs: { b: x([3, 2]), a: x([3, 3]) }, ours: (t) => { const r = bp.lu(t.a); return bp.luSolve(t.b, r.LU, r.pivots); },
    py: 'torch.lu_solve(b, *torch.lu(a))' },
  { name: 'luSolve method, batch', inputs: { b: x([2, 4, 1]), a: x([2, 4, 4]) }, ours: (t) => { const r = bp.lu(t.a); return t.b.luSolve(r.LU, r.pivots); },
    py: 'b.lu_solve(*torch.lu(a))' },
  { name: 'triangularSolve: upper by default; solution and copy', inputs: { b: x([3, 2]), a: x([3, 3]) },
    ours: (t) => { const r = bp.triangularSolve(t.b, t.a.add(bp.eye(3).mul(3))); return flat(r.solution, r.clonedCoefficient); },
    py: '(lambda r: torch.cat([r.solution.reshape(-1), r.cloned_coefficient.reshape(-1)]))(torch.triangular_solve(b, a + 3 * torch.eye(3)))' },
  { name: 'triangularSolve lower, transpose, unitriangular, A broadcast (method)', inputs: { b: x([2, 3, 2]), a: x([3, 3]) },
    ours: (t) => { const r = t.b.triangularSolve(t.a, { upper: false, transpose: true, unitriangular: true }); return flat(r.solution, r.clonedCoefficient); },
    py: '(lambda r: torch.cat([r.solution.reshape(-1), r.cloned_coefficient.reshape(-1)]))(torch.triangular_solve(b, a, upper=False, transpose=True, unitriangular=True))' },
  { name: 'triangularSolve upper, transpose', inputs: { b: x([4, 1]), a: x([4, 4]) },
    ours: (t) => bp.triangularSolve(t.b, t.a.add(bp.eye(4).mul(3)), { transpose: true }).solution, py: 'torch.triangular_solve(b, a + 3 * torch.eye(4), transpose=True).solution' },
  { name: 'geqrf tall, wide and batch: a and tau', inputs: { a: constant([5, 3]), b: constant([3, 5]), c: constant([2, 4, 4]) },
    ours: (t) => flat(...[t.a, t.b, t.c].flatMap((m) => { const r = bp.geqrf(m); return [r.a, r.tau]; })),
    py: 'torch.cat([u.reshape(-1) for m in (a, b, c) for u in torch.geqrf(m)])' },
  { name: 'geqrf of a column with nothing below its diagonal (tau 0)', inputs: { a: ints([3, 3], [2, 1, 0, 0, 3, 1, 0, 0, 4]) },
    ours: (t) => { const r = t.a.geqrf(); return flat(r.a, r.tau); }, py: 'torch.cat([u.reshape(-1) for u in torch.geqrf(a)])' },
  { name: 'orgqr of geqrf (the Q of qr)', inputs: { a: constant([2, 5, 3]) },
    ours: (t) => { const r = bp.geqrf(t.a); return flat(bp.orgqr(r.a, r.tau), r.a.orgqr(r.tau)); }, py: '(lambda r: torch.cat([torch.orgqr(*r).reshape(-1), r[0].orgqr(r[1]).reshape(-1)]))(torch.geqrf(a))' },
  { name: 'ormqr of geqrf: left and right, with and without transpose', inputs: { a: constant([5, 3]), c: constant([5, 2]), d: constant([2, 5]) },
    ours: (t) => { const { a, tau } = bp.geqrf(t.a); return flat(bp.ormqr(a, tau, t.c), a.ormqr(tau, t.c, { transpose: true }), bp.ormqr(a, tau, t.d, { left: false }), bp.ormqr(a, tau, t.d, { left: false, transpose: true })); },
    py: '(lambda g: torch.cat([torch.ormqr(g[0], g[1], c).reshape(-1), g[0].ormqr(g[1], c, transpose=True).reshape(-1), torch.ormqr(g[0], g[1], d, left=False).reshape(-1), torch.ormqr(g[0], g[1], d, left=False, transpose=True).reshape(-1)]))(torch.geqrf(a))' },
  { name: 'ormqr with fewer reflectors than columns, batch', inputs: { a: constant([2, 4, 3]), tau: constant([2, 2]), c: constant([2, 4, 3]) },
    ours: (t) => bp.ormqr(t.a, t.tau, t.c), py: 'torch.ormqr(a, tau, c)' },
  { name: 'linalg.luFactor of a tall, a wide and a batch of tall matrices: LU, pivots and LU\'s gradient', inputs: { a: x([5, 3]), b: x([3, 5]), c: x([2, 4, 2]) },
    ours: (t) => flat(...[t.a, t.b, t.c].flatMap((m) => { const r = bp.linalg.luFactor(m); return [r.LU, r.pivots]; })),
    py: 'torch.cat([u.reshape(-1).float() for m in (a, b, c) for u in torch.linalg.lu_factor(m)])' },
  { name: 'linalg.lu of tall and wide: P, L and U with their gradients', inputs: { a: x([6, 4]), b: x([2, 3, 5]) },
    ours: (t) => flat(...[t.a, t.b].flatMap((m) => { const r = bp.linalg.lu(m); return [r.P, r.L, r.U.mul(2)]; })),
    py: 'torch.cat([u.reshape(-1) * (2 if i == 2 else 1) for m in (a, b) for i, u in enumerate(torch.linalg.lu(m))])' },
  { name: 'lu (torch.lu) of a wide matrix, and luUnpack of it', inputs: { a: x([2, 4]) },
    ours: (t) => { const r = bp.lu(t.a); const u = bp.luUnpack(r.LU, r.pivots); return flat(r.LU, u.L, u.U); },
    py: '(lambda r: (lambda u: torch.cat([r[0].reshape(-1), u[1].reshape(-1), u[2].reshape(-1)]))(torch.lu_unpack(*r)))(torch.lu(a))' },
  { name: 'chainMatmul of three, and of one', inputs: { a: x([2, 3]), b: x([3, 4]), c: x([4, 2]) },
    ours: (t) => flat(bp.chainMatmul(t.a, t.b, t.c), bp.chainMatmul(t.b)), py: 'torch.cat([torch.chain_matmul(a, b, c).reshape(-1), torch.chain_matmul(b).reshape(-1)])' },
  { name: 'ger, matrixPower', inputs: { a: x([3]), b: x([2]), m: x([3, 3]) },
    ours: (t) => flat(bp.ger(t.a, t.b), bp.matrixPower(t.m, 3)), py: 'torch.cat([torch.ger(a, b).reshape(-1), torch.matrix_power(m, 3).reshape(-1)])' },
];

eachBackend('older linear-algebra names', () => {
  it.skipIf(!haveTorch)('match torch 1.13: values and gradients', () => expectCallsLikeTorch(CALLS, 2e-5));
});
noteIfNoTorch('the comparison of the older linear-algebra names with torch');

it('gives torch\'s shapes: svd some false and computeUv false, qr some false, luUnpack without parts', () => {
  const a = bp.randn([2, 5, 3]);
  const full = bp.svd(a, { some: false });
  expect([full.U.shape, full.S.shape, full.V.shape]).toEqual([[2, 5, 5], [2, 3], [2, 3, 3]]);
  const reduced = bp.svd(a);
  expect([reduced.U.shape, reduced.V.shape]).toEqual([[2, 5, 3], [2, 3, 3]]);
  const none = bp.svd(a.mT, { computeUv: false });
  expect([none.U.shape, none.V.shape, none.U.abs().sum().item()]).toEqual([[2, 3, 3], [2, 5, 5], 0]);
  expect(bp.qr(a, { some: false }).Q.shape).toEqual([2, 5, 5]);
  expect(bp.geqrf(a).tau.shape).toEqual([2, 3]);
  const { LU, pivots } = bp.lu(bp.randn([3, 3]));
  expect(bp.luUnpack(LU, pivots, { unpackData: false }).L.shape).toEqual([0]);
  expect(bp.lu(bp.randn([3, 3])).infos).toBeUndefined();
});

it('names the function and the bad argument', () => {
  expect(() => bp.lu(bp.randn([3, 3]), { pivot: false })).toThrow('lu: pivot false (LU without pivoting) has no CPU factorization');
  expect(() => bp.lu(bp.tensor([[1, 2], [2, 4]]))).toThrow('lu: the input matrix is singular');
  expect(() => bp.lu(bp.randn([3, 3]), { getInfo: true } as never)).toThrow('getInfo');
  expect(() => bp.geqrf(bp.randn([3, 3], { requiresGrad: true }))).toThrow('geqrf: A requires a gradient, but geqrf has no derivative in it (nor has torch\'s); pass A.detach()');
  expect(bp.noGrad(() => bp.geqrf(bp.randn([3, 3], { requiresGrad: true }))).tau.shape).toEqual([3]);
  expect(() => bp.geqrf(bp.randn([3]))).toThrow('geqrf: A must be a matrix or a batch of them (shape [..., m, n]), got shape [3]');
  expect(() => bp.ormqr(bp.randn([5, 3]), bp.randn([3]), bp.randn([4, 2]))).toThrow('ormqr: A has 5 rows but C has 4 rows: shapes [5, 3] and [4, 2]');
  expect(() => bp.ormqr(bp.randn([5, 3]), bp.randn([4]), bp.randn([5, 2]))).toThrow('ormqr: tau must be [..., k] with A\'s batch dims and k at most min(5, 3), got shape [4]');
  expect(() => bp.luUnpack(bp.randn([3, 3]), bp.tensor([1, 2]))).toThrow('luUnpack: pivots must be [..., 3] with LU\'s batch dims for LU of shape [3, 3], got shape [2]');
  expect(() => bp.luUnpack(bp.randn([3, 3]), bp.tensor([2, 1, 3]))).toThrow('luUnpack: pivots[1] = 1 is not a row at or after 2 (1-based) of 3');
  expect(() => bp.choleskyInverse(bp.randn([2, 3]))).toThrow('choleskyInverse: the factor must be a square matrix or a batch of them (shape [..., n, n]), got shape [2, 3]');
  expect(() => bp.chainMatmul()).toThrow('chainMatmul: expected one or more matrices, got none');
  expect(() => bp.chainMatmul(bp.randn([2, 2]), bp.randn([2]))).toThrow('chainMatmul: tensor 1 must be 2-D, got shape [2]');
  expect(() => bp.svd(bp.randn([3, 3]), { some: 1 } as never)).toThrow('some');
  expect(() => bp.triangularSolve(bp.randn([3, 1]), bp.randn([3, 3]), { lower: true } as never)).toThrow('lower');
});

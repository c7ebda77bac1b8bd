// torch functions added in session 52 against torch 1.13: the products (dot, vdot, inner, mv,
// tensordot, the scaled sums addmv / addr / baddbmm / addbmm / addmm, addcmul, addcdiv), the shape
// and joining functions (broadcastTo ... takeAlongDim) and the structures (diagEmbed, blockDiag,
// cartesianProd, diagflat); values and the gradients of every input, on both backends; then shapes
// and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const F = bp.nn.functional;

const x = inputMaker(5300);
/** A constant input of the given integer values (indices). */
const ints = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });

const PRODUCTS: TorchCall[] = [
  { name: 'dot', inputs: { a: x([7]), b: x([7]) }, ours: (t) => bp.dot(t.a, t.b), py: 'torch.dot(a, b)' },
  { name: 'vdot (method dot)', inputs: { a: x([9]), b: x([9]) }, ours: (t) => bp.vdot(t.a, t.b).add(t.a.dot(t.b)), py: 'torch.vdot(a, b) + a.dot(b)' },
  { name: 'inner of 3-D and 2-D', inputs: { a: x([2, 3, 4]), b: x([5, 4]) }, ours: (t) => bp.inner(t.a, t.b), py: 'torch.inner(a, b)' },
  { name: 'inner with a 0-d operand', inputs: { a: x([]), b: x([2, 3]) }, ours: (t) => t.a.inner(t.b), py: 'torch.inner(a, b)' },
  { name: 'mv', inputs: { m: x([5, 8]), v: x([8]) }, ours: (t) => bp.mv(t.m, t.v), py: 'torch.mv(m, v)' },
  { name: 'tensordot, dims 2', inputs: { a: x([3, 4, 5]), b: x([4, 5, 2]) }, ours: (t) => bp.tensordot(t.a, t.b), py: 'torch.tensordot(a, b)' },
  { name: 'tensordot, dims lists out of order', inputs: { a: x([3, 4, 5]), b: x([5, 2, 3]) },
    ours: (t) => bp.tensordot(t.a, t.b, [[2, 0], [0, -1]]), py: 'torch.tensordot(a, b, dims=([2, 0], [0, 2]))' },
  { name: 'tensordot, dims 0 (outer)', inputs: { a: x([2, 3]), b: x([4]) }, ours: (t) => bp.tensordot(t.a, t.b, 0), py: 'torch.tensordot(a, b, 0)' },
  { name: 'addmv, beta and alpha', inputs: { c: x([5]), m: x([5, 3]), v: x([3]) },
    ours: (t) => bp.addmv(t.c, t.m, t.v, { beta: 0.5, alpha: -2 }), py: 'torch.addmv(c, m, v, beta=0.5, alpha=-2)' },
  { name: 'addr, input broadcast', inputs: { c: x([1, 4]), a: x([3]), b: x([4]) },
    ours: (t) => t.c.addr(t.a, t.b, { alpha: 3 }), py: 'torch.addr(c, a, b, alpha=3)' },
  { name: 'baddbmm', inputs: { c: x([2, 3, 4]), a: x([2, 3, 5]), b: x([2, 5, 4]) },
    ours: (t) => bp.baddbmm(t.c, t.a, t.b, { beta: 2, alpha: 0.25 }), py: 'torch.baddbmm(c, a, b, beta=2, alpha=0.25)' },
  { name: 'addbmm, input a row', inputs: { c: x([4]), a: x([3, 2, 5]), b: x([3, 5, 4]) },
    ours: (t) => t.c.addbmm(t.a, t.b, { beta: -1 }), py: 'torch.addbmm(c, a, b, beta=-1)' },
  { name: 'addmm, beta 0 ignores NaN input', inputs: { c: { shape: [2, 2], data: [NaN, 1, 2, 3], grad: false }, a: x([2, 3]), b: x([3, 2]) },
    ours: (t) => bp.addmm(t.c, t.a, t.b, { beta: 0, alpha: 2 }), py: 'torch.addmm(c, a, b, beta=0, alpha=2)' },
  { name: 'addcmul, broadcast, value', inputs: { c: x([3, 1]), a: x([4]), b: x([3, 4]) },
    ours: (t) => bp.addcmul(t.c, t.a, t.b, { value: -0.5 }), py: 'torch.addcmul(c, a, b, value=-0.5)' },
  { name: 'addcdiv', inputs: { c: x([2, 3]), a: x([2, 3]), b: x([2, 3], 0.5, 2) },
    ours: (t) => t.c.addcdiv(t.a, t.b, { value: 2 }), py: 'torch.addcdiv(c, a, b, value=2)' },
];

/** The pieces of a split, each scaled by its place (so that a piece in the wrong place shows), flattened and joined. */
const joined = (parts: bp.Tensor[]) => bp.cat(parts.map((p, k) => p.reshape([p.size]).mul(k + 1)));
const joinedPy = (expr: string) => `torch.cat([p.reshape(-1) * (k + 1) for k, p in enumerate(${expr})])`;

const SHAPES: TorchCall[] = [
  { name: 'Tensor.unfold: overlapping windows, strided windows, a window of 0', inputs: { a: x([2, 7, 3]) },
    ours: (t) => bp.cat([t.a.unfold(1, 3, 1).reshape([-1]), t.a.unfold(-1, 2, 2).reshape([-1]).mul(2), t.a.unfold(1, 0, 3).reshape([-1])]),
    py: 'torch.cat([a.unfold(1, 3, 1).reshape(-1), a.unfold(-1, 2, 2).reshape(-1) * 2, a.unfold(1, 0, 3).reshape(-1)])' },
  { name: 'broadcastTo with -1', inputs: { a: x([3, 1]) }, ours: (t) => bp.broadcastTo(t.a, [2, -1, 4]), py: 'torch.broadcast_to(a, (2, -1, 4))' },
  { name: 'broadcastTensors', inputs: { a: x([3, 1]), b: x([4]) },
    ours: (t) => { const [p, q] = bp.broadcastTensors([t.a, t.b]); return p.mul(q.add(3)); }, py: '(lambda p, q: p * (q + 3))(*torch.broadcast_tensors(a, b))' },
  { name: 'unbind dim 1', inputs: { a: x([2, 3, 2]) }, ours: (t) => joined(bp.unbind(t.a, 1)), py: joinedPy('torch.unbind(a, 1)') },
  { name: 'unflatten with -1', inputs: { a: x([2, 12]) }, ours: (t) => bp.unflatten(t.a, 1, [3, -1]).sum(1), py: 'a.unflatten(1, (3, -1)).sum(1)' },
  { name: 'moveaxis', inputs: { a: x([2, 3, 4]) }, ours: (t) => bp.moveaxis(t.a, [0, 1], [2, 0]), py: 'torch.moveaxis(a, (0, 1), (2, 0))' },
  { name: 'ravel of a transpose', inputs: { a: x([3, 4]) }, ours: (t) => bp.ravel(t.a.t()), py: 'torch.ravel(a.t())' },
  { name: 'atleast3d of [m, n]', inputs: { a: x([2, 3]) }, ours: (t) => bp.atleast3d(t.a), py: 'torch.atleast_3d(a)' },
  { name: 'atleast2d / atleast3d of [n], atleast1d of 0-d', inputs: { a: x([3]), s: x([]) },
    ours: (t) => bp.atleast3d(t.a).add(bp.atleast2d([t.a])[0].reshape([1, 3, 1])).add(bp.atleast1d(t.s)),
    py: 'torch.atleast_3d(a) + torch.atleast_2d(a).reshape(1, 3, 1) + torch.atleast_1d(s)' },
  { name: 'columnStack', inputs: { a: x([3]), b: x([3, 2]) }, ours: (t) => bp.columnStack([t.a, t.b, t.a]), py: 'torch.column_stack((a, b, a))' },
  { name: 'dstack', inputs: { a: x([3]), b: x([1, 3]), c: x([1, 3, 2]) }, ours: (t) => bp.dstack([t.a, t.b, t.c]), py: 'torch.dstack((a, b, c))' },
  { name: 'tensorSplit into 3 of 7', inputs: { a: x([2, 7]) }, ours: (t) => joined(bp.tensorSplit(t.a, 3, 1)), py: joinedPy('torch.tensor_split(a, 3, 1)') },
  { name: 'tensorSplit at indices (negative, past the end)', inputs: { a: x([7]) }, ours: (t) => joined(t.a.tensorSplit([1, -2, 10])), py: joinedPy('torch.tensor_split(a, [1, -2, 10])') },
  { name: 'tensorSplit at indices out of order (overlapping parts)', inputs: { a: x([3, 6]) }, ours: (t) => joined(bp.tensorSplit(t.a, [4, 1, 5], 1)), py: joinedPy('torch.tensor_split(a, [4, 1, 5], 1)') },
  { name: 'hsplit of 1-D and 2-D, vsplit, dsplit', inputs: { a: x([6]), b: x([4, 6]), c: x([2, 2, 4]) },
    ours: (t) => bp.cat([joined(bp.hsplit(t.a, 3)), joined(t.b.hsplit([2, 3])), joined(bp.vsplit(t.b, 2)), joined(bp.dsplit(t.c, [1]))]),
    py: `torch.cat([${joinedPy('torch.hsplit(a, 3)')}, ${joinedPy('b.hsplit([2, 3])')}, ${joinedPy('torch.vsplit(b, 2)')}, ${joinedPy('torch.dsplit(c, [1])')}])` },
  { name: 'fliplr, flipud', inputs: { a: x([3, 4, 2]) }, ours: (t) => bp.fliplr(t.a).mul(bp.flipud(t.a)), py: 'torch.fliplr(a) * torch.flipud(a)' },
  { name: 'rot90 once, twice, -1 times, in dims [1, 2]', inputs: { a: x([2, 3, 3]) },
    ours: (t) => bp.rot90(t.a, 1, [1, 2]).add(bp.rot90(t.a, 2, [1, 2]).mul(2)).add(t.a.rot90(-1, [1, 2]).mul(3)),
    py: 'torch.rot90(a, 1, [1, 2]) + 2 * torch.rot90(a, 2, [1, 2]) + 3 * a.rot90(-1, [1, 2])' },
  { name: 'rot90 of a non-square plane', inputs: { a: x([2, 3]) }, ours: (t) => bp.rot90(t.a), py: 'torch.rot90(a)' },
  { name: 'takeAlongDim, broadcast', inputs: { a: x([3, 4]), i: ints([1, 2], [3, 0]) },
    ours: (t) => bp.takeAlongDim(t.a, t.i, 1), py: 'torch.take_along_dim(a, i.long(), 1)' },
  { name: 'takeAlongDim of argsort (the sort)', inputs: { a: x([3, 5]) },
    ours: (t) => t.a.takeAlongDim(bp.argsort(t.a, 1), 1), py: 'torch.take_along_dim(a, torch.argsort(a, 1), 1)' },
  { name: 'takeAlongDim without dim', inputs: { a: x([3, 4]), i: ints([2, 2], [11, 0, 5, 5]) },
    ours: (t) => bp.takeAlongDim(t.a, t.i), py: 'torch.take_along_dim(a, i.long())' },
];

const STRUCTURES: TorchCall[] = [
  { name: 'diagEmbed, default dims', inputs: { a: x([2, 3]) }, ours: (t) => bp.diagEmbed(t.a), py: 'torch.diag_embed(a)' },
  { name: 'diagEmbed, offset -1, dims 0 and 2', inputs: { a: x([2, 3]) }, ours: (t) => bp.diagEmbed(t.a, -1, 0, 2), py: 'torch.diag_embed(a, -1, 0, 2)' },
  { name: 'diagEmbed, offset 2, dims 2 and 0 (swapped)', inputs: { a: x([2, 3]) }, ours: (t) => t.a.diagEmbed(2, 2, 0), py: 'torch.diag_embed(a, 2, 2, 0)' },
  { name: 'diag of a vector (through diagEmbed)', inputs: { a: x([3]) }, ours: (t) => bp.diag(t.a, -2), py: 'torch.diag(a, -2)' },
  { name: 'diagflat', inputs: { a: x([2, 2]) }, ours: (t) => bp.diagflat(t.a, 1), py: 'torch.diagflat(a, 1)' },
  { name: 'blockDiag of 0-d, 1-D, 2-D and an empty block', inputs: { s: x([]), a: x([3]), b: x([2, 2]), e: x([0, 2]) },
    ours: (t) => bp.blockDiag([t.s, t.a, t.b, t.e]), py: 'torch.block_diag(s, a, b, e)' },
  { name: 'cartesianProd', inputs: { a: x([2]), b: x([3]), c: x([2]) }, ours: (t) => bp.cartesianProd([t.a, t.b, t.c]), py: 'torch.cartesian_prod(a, b, c)' },
  { name: 'cartesianProd of one tensor', inputs: { a: x([3]) }, ours: (t) => bp.cartesianProd([t.a]), py: 'torch.cartesian_prod(a)' },
  { name: 'trilIndices and triuIndices', inputs: {}, ours: () => bp.cat([bp.trilIndices(3, 4, 1), bp.triuIndices(3, 4, -1), bp.trilIndices(4, 2, -1)], 1),
    py: 'torch.cat([torch.tril_indices(3, 4, 1), torch.triu_indices(3, 4, -1), torch.tril_indices(4, 2, -1)], 1).float()' },
];

noteIfNoTorch('session 52 torch functions against torch');
/** torch's other names in nn.functional and linalg (session 58). */
const NAMES: TorchCall[] = [
  // (torch's upsample_nearest and upsample_bilinear, deprecated, warn on stderr: their definitions, interpolate's calls, stand in.)
  { name: 'F.upsample, upsampleNearest, upsampleBilinear', inputs: { a: x([1, 2, 3, 3]) },
    ours: (t) => bp.cat([F.upsample(t.a, { scaleFactor: 2, mode: 'bilinear' }).reshape([-1]), F.upsampleNearest(t.a, { size: 5 }).reshape([-1]), F.upsampleBilinear(t.a, { scaleFactor: 2 }).reshape([-1])]),
    py: 'torch.cat([F.interpolate(a, scale_factor=2, mode="bilinear").reshape(-1), F.interpolate(a, size=5, mode="nearest").reshape(-1), F.interpolate(a, scale_factor=2, mode="bilinear", align_corners=True).reshape(-1)])' },
  { name: 'F.pdist and the adaptive max poolings with indices', inputs: { a: x([4, 3]), b: x([1, 2, 5, 7]) },
    ours: (t) => bp.cat([F.pdist(t.a), F.adaptiveMaxPool2dWithIndices(t.b, [2, 3]).values.reshape([-1]), F.adaptiveMaxPool2dWithIndices(t.b, 3).indices.reshape([-1]),
      F.adaptiveMaxPool1dWithIndices(t.a.reshape([1, 3, 4]), 3).indices.reshape([-1])]),
    py: 'torch.cat([F.pdist(a), F.adaptive_max_pool2d(b, (2, 3)).reshape(-1), F.adaptive_max_pool2d(b, 3, return_indices=True)[1].float().reshape(-1), F.adaptive_max_pool1d(a.reshape(1, 3, 4), 3, return_indices=True)[1].float().reshape(-1)])' },
  { name: 'F.adaptiveMaxPool3dWithIndices, batched and not, overlapping windows', inputs: { a: x([2, 2, 5, 7, 3]), b: x([2, 4, 4, 4]) },
    ours: (t) => { const r = F.adaptiveMaxPool3dWithIndices(t.a, [3, 4, 2]), q = F.adaptiveMaxPool3dWithIndices(t.b, 3); return bp.cat([r.values.reshape([-1]), r.indices.reshape([-1]), q.values.reshape([-1]), q.indices.reshape([-1])]); },
    py: 'torch.cat([t.float().reshape(-1) for t in (*F.adaptive_max_pool3d(a, (3, 4, 2), return_indices=True), *F.adaptive_max_pool3d(b, 3, return_indices=True))])' },
  { name: 'asStrided: overlapping windows, an offset, a stride of 0, a scalar, an empty view', inputs: { a: x([3, 4]) },
    ours: (t) => bp.cat([t.a.asStrided([2, 3], [1, 2], 1).reshape([-1]), bp.asStrided(t.a, [3, 3], [4, 1]).reshape([-1]), bp.asStrided(t.a, [2, 3], [0, 3], 2).reshape([-1]),
      bp.asStrided(t.a, [], [], 7).reshape([-1]), bp.asStrided(t.a, [0, 2], [1, 1], 11).reshape([-1])]),
    py: 'torch.cat([a.as_strided((2, 3), (1, 2), 1).reshape(-1), torch.as_strided(a, (3, 3), (4, 1)).reshape(-1), torch.as_strided(a, (2, 3), (0, 3), 2).reshape(-1), torch.as_strided(a, (), (), 7).reshape(-1), torch.as_strided(a, (0, 2), (1, 1), 11).reshape(-1)])' },
  // (Values only: torch 1.13's as_strided_scatter backward returns uninitialised memory; its gradients are checked below.)
  { name: 'asStridedScatter', inputs: { a: x([3, 4], -2, 2, false), s: x([2, 2], -2, 2, false) },
    ours: (t) => bp.asStridedScatter(t.a, t.s, [2, 2], [1, 2], 3), py: 'torch.as_strided_scatter(a, s, (2, 2), (1, 2), 3)' },
  { name: 'gradient: even spacing, edge orders 1 and 2, two samples', inputs: { a: x([7]), b: x([2]) },
    ours: (t) => bp.cat([...bp.gradient(t.a), ...bp.gradient(t.a, { spacing: 0.5, edgeOrder: 2 }), ...bp.gradient(t.b, { spacing: -2 })]),
    py: 'torch.cat([*torch.gradient(a), *torch.gradient(a, spacing=0.5, edge_order=2), *torch.gradient(b, spacing=-2.)])' },
  { name: 'gradient: coordinates, edge orders 1 and 2', inputs: { a: x([6]), c: { shape: [6], data: [0, 1, 1.5, 3.5, 4, 6], grad: false } },
    ours: (t) => bp.cat([...bp.gradient(t.a, { spacing: [t.c] }), ...bp.gradient(t.a, { spacing: [t.c], edgeOrder: 2 })]),
    py: 'torch.cat([*torch.gradient(a, spacing=(c,)), *torch.gradient(a, spacing=(c,), edge_order=2)])' },
  { name: 'gradient of a matrix: every dim, one dim, spacing per dim and coordinates per dim', inputs: { a: x([3, 5]), r: { shape: [3], data: [0, 0.5, 2], grad: false }, q: { shape: [5], data: [-1, 0, 2, 3, 5], grad: false } },
    ours: (t) => bp.cat([...bp.gradient(t.a), ...bp.gradient(t.a, { dim: 1 }), ...bp.gradient(t.a, { spacing: [2, 3] }), ...bp.gradient(t.a, { spacing: [t.r, t.q], edgeOrder: 2 }), ...bp.gradient(t.a, { dim: [-1], spacing: [t.q] })].map((g) => g.reshape([-1]))),
    py: 'torch.cat([g.reshape(-1) for g in (*torch.gradient(a), *torch.gradient(a, dim=1), *torch.gradient(a, spacing=[2., 3.]), *torch.gradient(a, spacing=(r, q), edge_order=2), *torch.gradient(a, dim=[-1], spacing=(q,)))])' },
  { name: 'linalg.diagonal (the last two dims) and linalg.matmul', inputs: { a: x([2, 3, 4]), b: x([4, 2]) },
    ours: (t) => bp.cat([bp.linalg.diagonal(t.a).reshape([-1]), bp.linalg.diagonal(t.a, 1, 0, 2).reshape([-1]), bp.linalg.matmul(t.a, t.b).reshape([-1])]),
    py: 'torch.cat([torch.linalg.diagonal(a).reshape(-1), torch.linalg.diagonal(a, offset=1, dim1=0, dim2=2).reshape(-1), torch.linalg.matmul(a, b).reshape(-1)])' },
];

eachBackend('torch functions', () => {
  it.runIf(haveTorch)(`products: ${PRODUCTS.length} calls, values and gradients as torch's`, () => expectCallsLikeTorch(PRODUCTS, 4e-6));
  it.runIf(haveTorch)(`shapes and joins: ${SHAPES.length} calls`, () => expectCallsLikeTorch(SHAPES));
  it.runIf(haveTorch)(`structures: ${STRUCTURES.length} calls`, () => expectCallsLikeTorch(STRUCTURES));

  it.runIf(haveTorch)(`other names: ${NAMES.length} calls`, () => expectCallsLikeTorch(NAMES));

  it('asStridedScatter\'s gradients: x\'s but where written, src\'s from there', () => {
    const a = bp.zeros([2, 3], { requiresGrad: true }), src = bp.zeros([2], { requiresGrad: true });
    bp.asStridedScatter(a, src, [2], [2], 1).mul(bp.arange(1, 7).reshape([2, 3])).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 0, 3, 0, 5, 6]);
    expect(Array.from(src.grad!.data)).toEqual([2, 4]);
  });

  it('gives the shapes torch gives', () => {
    const a = bp.randn([2, 7]);
    expect(bp.tensorSplit(a, 3, 1).map((p) => p.shape)).toEqual([[2, 3], [2, 2], [2, 2]]);
    expect(bp.tensorSplit(bp.randn([7]), [1, -2, 10]).map((p) => p.shape)).toEqual([[1], [4], [2], [0]]);
    expect(bp.hsplit(bp.zeros([2, 0]), 2).map((p) => p.shape)).toEqual([[2, 0], [2, 0]]);
    expect(bp.unbind(a).map((p) => p.shape)).toEqual([[7], [7]]);
    expect(bp.blockDiag([]).shape).toEqual([1, 0]);
    expect(bp.trilIndices(0, 3).shape).toEqual([2, 0]);
    expect(bp.t(bp.randn([3])).shape).toEqual([3]);
    expect(bp.dot(bp.tensor([1, 2]), bp.tensor([3, 4])).shape).toEqual([]);
    expect(bp.tensordot(bp.randn([2, 3]), bp.randn([3, 2]), 1).shape).toEqual([2, 2]);
  });

  it('names the function and what was wrong', () => {
    const v = bp.randn([3]), m = bp.randn([2, 3]);
    expect(() => bp.dot(v, bp.randn([4]))).toThrow('dot: the vectors must be of one length, got shapes [3] and [4]');
    expect(() => m.unfold(1, 4, 1)).toThrow('unfold: size 4 must be in [0, 3] (dimension 1 of shape [2, 3])');
    expect(() => m.unfold(0, 1, 0)).toThrow('unfold: step must be positive, got 0');
    expect(() => m.unfold(2, 1, 1)).toThrow(/^unfold: dim 2 is out of range/);
    expect(() => bp.tensor(3).unfold(0, 1, 1)).toThrow('unfold: a 0-d tensor has no dimension to slide along');
    expect(() => bp.dot(m, v)).toThrow('dot: both operands must be 1-D vectors, got shapes [2, 3] and [3]');
    expect(() => bp.mv(m, bp.randn([2]))).toThrow('mv: shapes [2, 3] and [2] cannot be multiplied (3 columns against 2 elements)');
    expect(() => bp.inner(m, bp.randn([2]))).toThrow('inner: the last dims must be of one size, got shapes [2, 3] and [2]');
    expect(() => bp.tensordot(m, m, 3)).toThrow('tensordot: dims must be an integer from 0 to the smaller rank (2) or two lists of dims, got 3');
    expect(() => bp.tensordot(m, m, [[0], [1]])).toThrow('tensordot: contracted dims differ in size: dim 0 of [2, 3] (2) against dim 1 of [2, 3] (3)');
    expect(() => bp.tensordot(m, m, [[0, 0], [0, 1]])).toThrow('tensordot: a dim is contracted twice in [0, 0] / [0, 1]');
    expect(() => bp.addmm(bp.randn([3, 3]), m, bp.randn([3, 2]))).toThrow('addmm: input against the product: shapes [3, 3] and [2, 2] cannot be broadcast together (dimension 0: 3 vs 2)');
    expect(() => bp.addmm(bp.randn([2]), m, m)).toThrow('addmm: shapes [2, 3] and [2, 3] cannot be multiplied (3 columns against 2 rows)');
    expect(() => bp.addmv(bp.randn([2]), m, v, { gamma: 1 } as never)).toThrow(/addmv: .*gamma/);
    expect(() => bp.baddbmm(bp.randn([1]), bp.randn([2, 2, 3]), bp.randn([3, 3, 2]))).toThrow('baddbmm: batch sizes differ: shapes [2, 2, 3] and [3, 3, 2]');
    expect(() => bp.addbmm(bp.randn([1]), m, m)).toThrow('addbmm: both operands must be batches of matrices (3-D), got shapes [2, 3] and [2, 3]');
    expect(() => bp.addcmul(v, m, bp.randn([4]))).toThrow(/addcmul/);
    expect(() => bp.addcdiv(v, v, v, { value: '2' as never })).toThrow('addcdiv: value must be a number, got string');
    expect(() => bp.unflatten(m, 1, [2, -1])).toThrow('unflatten: sizes [2, -1] do not multiply to the size of dim 1 (3) of shape [2, 3]');
    expect(() => bp.unflatten(m, 1, [-1, -1])).toThrow(/unflatten: sizes \[-1, -1\]/);
    expect(() => bp.unbind(bp.tensor(1))).toThrow('unbind: cannot unbind a zero-dimensional tensor');
    expect(() => bp.broadcastTo(m, [3, 3])).toThrow('expand: cannot expand shape [2, 3] to [3, 3] (dimension 0)');
    expect(() => bp.broadcastTensors([m, bp.randn([2])])).toThrow(/broadcastTensors/);
    expect(() => bp.t(bp.randn([2, 2, 2]))).toThrow('t: expects a tensor with at most 2 dimensions, got shape [2, 2, 2]; use transpose(d0, d1) or permute');
    expect(() => bp.hsplit(m, 2)).toThrow('hsplit: dim 1 of size 3 does not split into 2 equal parts');
    expect(() => bp.vsplit(v, 1)).toThrow('vsplit: expects a tensor of at least 2 dims, got shape [3]');
    expect(() => bp.dsplit(m, 1)).toThrow('dsplit: expects a tensor of at least 3 dims, got shape [2, 3]');
    expect(() => bp.tensorSplit(m, 0)).toThrow('tensorSplit: sections must be a positive integer, got 0');
    expect(() => bp.tensorSplit(m, [1.5])).toThrow('tensorSplit: indices must be an array of integers (or sections a positive integer), got [1.5]');
    expect(() => bp.fliplr(v)).toThrow('fliplr: expects a tensor of at least 2 dims, got shape [3]');
    expect(() => bp.rot90(m, 1, [0, 0])).toThrow(/rot90: dim 0 appears more than once/);
    expect(() => bp.rot90(m, 0.5)).toThrow('rot90: k must be an integer, got 0.5');
    expect(() => bp.takeAlongDim(m, bp.zeros([2]), 1)).toThrow('takeAlongDim: x and indices must have the same number of dims, got shapes [2, 3] and [2]');
    expect(() => bp.takeAlongDim(m, bp.full([2, 1], 3), 1)).toThrow(/gather/);
    expect(() => bp.diagEmbed(bp.tensor(1))).toThrow('diagEmbed: the input must have at least 1 dim, got a 0-d tensor');
    expect(() => bp.diagEmbed(v, 0, 1, -1)).toThrow('diagEmbed: dim1 and dim2 must be different dims, got 1 and -1');
    expect(() => bp.blockDiag([bp.randn([1, 1, 1])])).toThrow('blockDiag: tensor 0 must have at most 2 dims, got shape [1, 1, 1]');
    expect(() => bp.cartesianProd([m])).toThrow('cartesianProd: tensor 0 must be 1-D, got shape [2, 3]');
    expect(() => bp.trilIndices(-1, 2)).toThrow('trilIndices: row must be a non-negative integer, got -1');
    expect(() => bp.gradient(bp.ones([2]), { edgeOrder: 2 })).toThrow('gradient: expected each dimension size to be at least edgeOrder + 1 (3), dim 0 of shape [2] has 2');
    expect(() => bp.gradient(m, { spacing: [1] })).toThrow('gradient: spacing must be a number or one entry per dim differentiated (2), got [1]');
    expect(() => bp.gradient(m, { spacing: 0 })).toThrow('gradient: a spacing must be a non-zero finite number or a tensor of coordinates, got 0');
    expect(() => bp.gradient(m, { dim: 1, spacing: [bp.ones([2])] })).toThrow('gradient: the coordinates of dim 1 must be a 1-D tensor of its 3 samples, got shape [2]');
    expect(() => bp.gradient(m, { edgeOrder: 3 as never })).toThrow('gradient: edgeOrder must be 1 or 2, got 3');
    expect(() => m.asStrided([5, 5], [4, 1])).toThrow('asStrided: sizes [5, 5], strides [4, 1] and storage offset 0 need 21 elements, more than the tensor\'s 6');
    expect(() => m.asStrided([2], [1, 1])).toThrow('asStrided: mismatch in length of strides and shape (2 and 1)');
    expect(() => m.asStrided([2], [-1])).toThrow('asStrided: stride must be an array of non-negative integers, got [-1]');
    expect(() => bp.asStridedScatter(m, bp.ones([3]), [2], [1])).toThrow('asStridedScatter: src must have the shape [2], got [3]');
    expect(() => bp.triuIndices(2, 2, 0.5)).toThrow('triuIndices: offset must be an integer, got 0.5');
  });
});

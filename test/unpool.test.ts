// maxUnpool2d / maxUnpool1d / maxUnpool3d, their modules and maxPool1dWithIndices / maxPool3dWithIndices against torch 1.13 (values, and
// the gradient through max pooling and unpooling together) on both backends, and their errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5200);
const F = bp.nn.functional;

/** maxPool2d's indices then maxUnpool2d, on both sides: `pool` and `unpool` are the Python arguments after the tensor(s). */
const roundTrip = (name: string, shape: number[], ours: (t: bp.Tensor) => bp.Tensor, pool: string, unpool: string): TorchCall => ({
  name, inputs: { a: x(shape) }, ours: (t) => ours(t.a),
  py: `(lambda r: torch.nn.functional.max_unpool2d(r[0], r[1], ${unpool}))(torch.nn.functional.max_pool2d(a, ${pool}, return_indices=True))`,
});

const CALLS: TorchCall[] = [
  roundTrip('kernel 2, batch', [2, 3, 6, 6], (a) => { const r = bp.maxPool2dWithIndices(a, 2); return F.maxUnpool2d(r.values, r.indices, 2); }, '2', '2'),
  roundTrip('kernel 3, stride 2, padding 1, unbatched', [2, 7, 7], (a) => {
    const r = bp.maxPool2dWithIndices(a, 3, { stride: 2, padding: 1 });
    return F.maxUnpool2d(r.values, r.indices, 3, { stride: 2, padding: 1 });
  }, '3, 2, 1', '3, 2, 1'),
  roundTrip('kernel [2, 3], outputSize one larger (a whole shape given)', [1, 2, 5, 7], (a) => {
    const r = bp.maxPool2dWithIndices(a, [2, 3]);
    return F.maxUnpool2d(r.values, r.indices, [2, 3], { outputSize: [1, 2, 5, 7] });
  }, '(2, 3)', '(2, 3), output_size=(1, 2, 5, 7)'),
  roundTrip('nn.MaxUnpool2d, its unpool with outputSize', [1, 1, 5, 5], (a) => {
    const r = bp.maxPool2dWithIndices(a, 2);
    return new bp.nn.MaxUnpool2d(2).unpool(r.values, r.indices, [5, 5]);
  }, '2', '2, output_size=(5, 5)'),
  // 1-d: maxPool1dWithIndices's indices (torch's max_pool1d with return_indices), then unpooled.
  { name: '1-d: kernel 3, stride 2, padding 1, batch', inputs: { a: x([2, 3, 9]) },
    ours: (t) => { const r = F.maxPool1dWithIndices(t.a, 3, { stride: 2, padding: 1 }); return F.maxUnpool1d(r.values, r.indices, 3, { stride: 2, padding: 1 }); },
    py: '(lambda r: torch.nn.functional.max_unpool1d(r[0], r[1], 3, 2, 1))(torch.nn.functional.max_pool1d(a, 3, 2, 1, return_indices=True))' },
  { name: '1-d: the indices themselves, unbatched, dilation 2', inputs: { a: x([3, 11], -2, 2, false) },
    ours: (t) => F.maxPool1dWithIndices(t.a, 3, { dilation: 2 }).indices, py: 'torch.nn.functional.max_pool1d(a, 3, dilation=2, return_indices=True)[1].float()' },
  { name: '1-d: nn.MaxUnpool1d, its unpool with outputSize one longer', inputs: { a: x([1, 2, 7]) },
    ours: (t) => { const r = F.maxPool1dWithIndices(t.a, 2); return new bp.nn.MaxUnpool1d(2).unpool(r.values, r.indices, [7]); },
    py: '(lambda r: torch.nn.MaxUnpool1d(2)(r[0], r[1], output_size=[7]))(torch.nn.functional.max_pool1d(a, 2, return_indices=True))' },
  // 3-d: maxPool3dWithIndices's indices (torch's max_pool3d with return_indices), then unpooled.
  { name: '3-d: kernel 2, batch', inputs: { a: x([2, 2, 4, 4, 4]) },
    ours: (t) => { const r = F.maxPool3dWithIndices(t.a, 2); return F.maxUnpool3d(r.values, r.indices, 2); },
    py: '(lambda r: torch.nn.functional.max_unpool3d(r[0], r[1], 2))(torch.nn.functional.max_pool3d(a, 2, return_indices=True))' },
  { name: '3-d: the indices, kernel [2, 3, 2], stride 2, padding 1, dilation [1, 1, 2], ceil mode, unbatched', inputs: { a: x([2, 5, 6, 7], -2, 2, false) },
    ours: (t) => F.maxPool3dWithIndices(t.a, [2, 3, 2], { stride: 2, padding: 1, dilation: [1, 1, 2], ceilMode: true }).indices,
    py: 'torch.nn.functional.max_pool3d(a, (2, 3, 2), 2, 1, (1, 1, 2), ceil_mode=True, return_indices=True)[1].float()' },
  { name: '3-d: nn.MaxUnpool3d, stride 1 padding 1, unpool with outputSize', inputs: { a: x([1, 1, 4, 5, 5]) },
    ours: (t) => { const r = F.maxPool3dWithIndices(t.a, 3, { stride: 2, padding: 1 }); return new bp.nn.MaxUnpool3d(3, { stride: 2, padding: 1 }).unpool(r.values, r.indices, [4, 5, 5]); },
    py: '(lambda r: torch.nn.MaxUnpool3d(3, 2, 1)(r[0], r[1], output_size=[4, 5, 5]))(torch.nn.functional.max_pool3d(a, 3, 2, 1, return_indices=True))' },
];

noteIfNoTorch('maxUnpool2d against torch');
eachBackend('maxUnpool2d', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and the input's gradient through pooling and unpooling`, () => {
    expectCallsLikeTorch(CALLS);
  });

  it('puts each value at its position, zeros elsewhere; the later of two at one position stays', () => {
    const v = bp.tensor([[[[1, 2], [3, 4]]]]);
    const i = bp.tensor([[[[0, 3], [3, 15]]]]);
    const y = F.maxUnpool2d(v, i, 2);
    expect(y.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(y.data)).toEqual([1, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]);
    expect(new bp.nn.MaxUnpool2d(2, { stride: 1 }).toString()).toBe('MaxUnpool2d(kernel_size=2, stride=1, padding=0)');
  });

  it('names the function and the bad argument', () => {
    const v = bp.randn([1, 1, 2, 2]), i = bp.zeros([1, 1, 2, 2]);
    expect(() => F.maxUnpool2d(bp.randn([4, 4]), bp.zeros([4, 4]), 2)).toThrow('maxUnpool2d: x must be [N, C, H, W] or [C, H, W], got shape [4, 4]');
    expect(() => F.maxUnpool2d(v, bp.zeros([1, 1, 2, 3]), 2)).toThrow('maxUnpool2d: indices must have x\'s shape [1, 1, 2, 2], got [1, 1, 2, 3]');
    expect(() => F.maxUnpool2d(v, bp.full([1, 1, 2, 2], 16), 2)).toThrow('maxUnpool2d: indices hold positions in the 4 x 4 output planes, [0, 16), got 16 at element 0');
    expect(() => F.maxUnpool2d(v, bp.full([1, 1, 2, 2], 1.5), 2)).toThrow('maxUnpool2d: indices hold positions in the 4 x 4 output planes, [0, 16), got 1.5 at element 0');
    expect(() => F.maxUnpool2d(v, i, 2, { outputSize: [6, 4] })).toThrow('maxUnpool2d: outputSize 6 x 4 must lie within the stride (2 x 2) of 4 x 4 in each dim, exclusive');
    expect(() => F.maxUnpool2d(v, i, 2, { outputSize: [4] })).toThrow('maxUnpool2d: outputSize must be an array of integers ending with the height and width, got [4]');
    expect(() => F.maxUnpool2d(v, i, 0)).toThrow(/maxUnpool2d: kernelSize/);
    expect(() => F.maxUnpool2d(v, i, 2, { strde: 1 } as never)).toThrow(/maxUnpool2d: .*strde/);
    expect(() => new bp.nn.MaxUnpool2d(2, { padding: -1 })).toThrow(/MaxUnpool2d: padding/);
    // 1-d, in its own terms.
    const v1 = bp.randn([1, 1, 2]);
    expect(() => F.maxUnpool1d(bp.randn([2]), bp.zeros([2]), 2)).toThrow('maxUnpool1d: input must be 2-D [C, L] or 3-D [N, C, L], got shape [2]');
    expect(() => F.maxUnpool1d(v1, bp.zeros([1, 1, 3]), 2)).toThrow('maxUnpool1d: indices must have x\'s shape [1, 1, 2], got [1, 1, 3]');
    expect(() => F.maxUnpool1d(v1, bp.full([1, 1, 2], 4), 2)).toThrow('maxUnpool1d: indices hold positions in the 4 output planes, [0, 4), got 4 at element 0');
    expect(() => F.maxUnpool1d(v1, bp.zeros([1, 1, 2]), 2, { outputSize: [9] })).toThrow('maxUnpool1d: outputSize 9 must lie within the stride (2) of 4 in each dim, exclusive');
    expect(() => F.maxUnpool1d(v1, bp.zeros([1, 1, 2]), 0)).toThrow('maxUnpool1d: kernelSize must be an integer of at least 1, got 0');
    expect(() => new bp.nn.MaxUnpool1d(2, { stride: 0 })).toThrow(/MaxUnpool1d: stride/);
    expect(new bp.nn.MaxUnpool1d(3).toString()).toBe('MaxUnpool1d(kernel_size=3, stride=3, padding=0)');
    // 3-d.
    const v3 = bp.randn([1, 1, 2, 2, 2]);
    expect(() => F.maxUnpool3d(v3, bp.zeros([1, 1, 2, 2, 3]), 2)).toThrow('maxUnpool3d: indices must have x\'s shape [1, 1, 2, 2, 2], got [1, 1, 2, 2, 3]');
    expect(() => F.maxUnpool3d(v3, bp.full([1, 1, 2, 2, 2], 64), 2)).toThrow('maxUnpool3d: indices hold positions in the 4 x 4 x 4 output volumes, [0, 64), got 64 at element 0');
    expect(() => F.maxUnpool3d(v3, bp.zeros([1, 1, 2, 2, 2]), 2, { outputSize: [9, 4, 4] })).toThrow('maxUnpool3d: outputSize 9 x 4 x 4 must lie within the stride (2 x 2 x 2) of 4 x 4 x 4 in each dim, exclusive');
    expect(() => F.maxUnpool3d(bp.randn([2, 2]), bp.zeros([2, 2]), 2)).toThrow(/^maxUnpool3d: input must be 4-D \[C, D, H, W\] or 5-D/);
    expect(new bp.nn.MaxUnpool3d(2).toString()).toBe('MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))');
  });
});

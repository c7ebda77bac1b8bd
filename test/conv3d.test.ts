// lib/ops/conv3d.ts (conv3d, convTranspose3d, maxPool3d, avgPool3d, adaptive 3-d pooling) and the
// layers Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d and
// BatchNorm3d against torch 1.13 on both backends: values and every input's gradient, the layers'
// printing, and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(4700);
const F = nn.functional;
// Inputs of the integers 0, 1 and 2: windows that hold their largest value more than once, whose
// gradient torch gives to the first in its scan (depth, row, column), not shared.
const tied = (shape: number[]) => {
  const c = x(shape, 0, 3);
  return { ...c, data: Array.from(c.data, Math.floor) };
};

const CALLS: TorchCall[] = [
  { name: 'conv3d with bias', inputs: { a: x([2, 3, 5, 6, 7]), w: x([4, 3, 3, 3, 3], -0.5, 0.5), b: x([4]) },
    ours: (t) => F.conv3d(t.a, t.w, t.b), py: 'F.conv3d(a, w, b)' },
  { name: 'conv3d stride, padding, dilation (depth strided and dilated)', inputs: { a: x([1, 2, 9, 6, 7]), w: x([3, 2, 3, 2, 3], -0.5, 0.5) },
    ours: (t) => F.conv3d(t.a, t.w, null, { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [2, 2, 1] }),
    py: 'F.conv3d(a, w, None, stride=(2, 1, 2), padding=(1, 0, 1), dilation=(2, 2, 1))' },
  { name: 'conv3d groups 2, unbatched', inputs: { a: x([4, 4, 5, 5]), w: x([6, 2, 2, 3, 3], -0.5, 0.5), b: x([6]) },
    ours: (t) => F.conv3d(t.a, t.w, t.b, { groups: 2, padding: 1 }), py: 'F.conv3d(a, w, b, groups=2, padding=1)' },
  { name: 'conv3d depthwise (groups = channels), stride 2', inputs: { a: x([2, 3, 6, 5, 5]), w: x([3, 1, 3, 3, 3], -0.5, 0.5) },
    ours: (t) => F.conv3d(t.a, t.w, null, { groups: 3, stride: 2, padding: 'valid' }), py: "F.conv3d(a, w, None, groups=3, stride=2, padding='valid')" },
  { name: "conv3d padding 'same' (odd and even totals, dilated)", inputs: { a: x([1, 2, 5, 6, 7]), w: x([3, 2, 2, 3, 4], -0.5, 0.5) },
    ours: (t) => F.conv3d(t.a, t.w, null, { padding: 'same', dilation: [1, 2, 1] }), py: "F.conv3d(a, w, None, padding='same', dilation=(1, 2, 1))" },
  { name: 'nn.Conv3d with paddingMode circular and reflect', inputs: { a: x([2, 2, 4, 5, 5]), w: x([3, 2, 3, 3, 3], -0.5, 0.5, false), b: x([3], -1, 1, false) },
    ours: (t) => {
      const layer = (mode: 'circular' | 'reflect', padding: 1 | 'same') => {
        const c = new nn.Conv3d(2, 3, 3, { padding, paddingMode: mode });
        c.weight.data.set(t.w.data);
        c.bias!.data.set(t.b.data);
        return c.forward(t.a);
      };
      return layer('circular', 1).add(layer('reflect', 'same'));
    },
    py: "(lambda mk: mk('circular', 1)(a) + mk('reflect', 'same')(a))(lambda mode, p: (lambda m: (m.weight.data.copy_(w), m.bias.data.copy_(b), m)[-1])(torch.nn.Conv3d(2, 3, 3, padding=p, padding_mode=mode)))" },
  { name: 'convTranspose3d with bias', inputs: { a: x([2, 3, 3, 4, 4]), w: x([3, 2, 2, 3, 3], -0.5, 0.5), b: x([2]) },
    ours: (t) => F.convTranspose3d(t.a, t.w, t.b), py: 'F.conv_transpose3d(a, w, b)' },
  { name: 'convTranspose3d stride, padding, outputPadding, dilation', inputs: { a: x([1, 2, 3, 4, 5]), w: x([2, 3, 3, 2, 3], -0.5, 0.5) },
    ours: (t) => F.convTranspose3d(t.a, t.w, null, { stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 1], dilation: [1, 2, 1] }),
    py: 'F.conv_transpose3d(a, w, None, stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 1), dilation=(1, 2, 1))' },
  { name: 'convTranspose3d groups 2, unbatched, depth padding past the first offsets', inputs: { a: x([4, 3, 4, 4]), w: x([4, 1, 3, 2, 2], -0.5, 0.5), b: x([2]) },
    ours: (t) => F.convTranspose3d(t.a, t.w, t.b, { groups: 2, padding: [2, 0, 0], stride: [2, 1, 1] }), py: 'F.conv_transpose3d(a, w, b, groups=2, padding=(2, 0, 0), stride=(2, 1, 1))' },
  { name: 'maxPool3d kernel 2', inputs: { a: x([2, 3, 4, 6, 6]) }, ours: (t) => F.maxPool3d(t.a, 2), py: 'F.max_pool3d(a, 2)' },
  { name: 'maxPool3d stride, padding, dilation', inputs: { a: x([1, 2, 7, 6, 7]) },
    ours: (t) => F.maxPool3d(t.a, [3, 2, 2], { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [2, 1, 1] }),
    py: 'F.max_pool3d(a, (3, 2, 2), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(2, 1, 1))' },
  { name: 'avgPool3d kernel 2, unbatched', inputs: { a: x([3, 4, 6, 6]) }, ours: (t) => F.avgPool3d(t.a, 2), py: 'F.avg_pool3d(a, 2)' },
  { name: 'avgPool3d kernel 3, stride 2, padding 1', inputs: { a: x([2, 2, 7, 5, 6]) },
    ours: (t) => F.avgPool3d(t.a, 3, { stride: 2, padding: 1 }), py: 'F.avg_pool3d(a, 3, stride=2, padding=1)' },
  { name: 'maxPool3d ceilMode (partial last windows)', inputs: { a: x([1, 2, 5, 7, 6]) },
    ours: (t) => F.maxPool3d(t.a, 2, { ceilMode: true }).reshape([-1]).add(F.maxPool3d(t.a, 3, { stride: 2, padding: 1, ceilMode: true }).sum()),
    py: 'F.max_pool3d(a, 2, ceil_mode=True).reshape(-1) + F.max_pool3d(a, 3, stride=2, padding=1, ceil_mode=True).sum()' },
  { name: 'avgPool3d ceilMode, countIncludePad false', inputs: { a: x([2, 2, 5, 6, 7]) },
    ours: (t) => F.avgPool3d(t.a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    py: 'F.avg_pool3d(a, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)' },
  { name: 'avgPool3d ceilMode with the padding counted, and divisorOverride', inputs: { a: x([1, 3, 5, 7, 6]) },
    ours: (t) => F.avgPool3d(t.a, [2, 3, 2], { stride: 2, padding: [1, 1, 0], ceilMode: true }).reshape([-1]).add(F.avgPool3d(t.a, 2, { divisorOverride: 3 }).sum()),
    py: 'F.avg_pool3d(a, (2, 3, 2), stride=2, padding=(1, 1, 0), ceil_mode=True).reshape(-1) + F.avg_pool3d(a, 2, divisor_override=3).sum()' },
  { name: 'adaptiveAvgPool3d to uneven windows, and to one (global)', inputs: { a: x([2, 3, 5, 7, 6]) },
    ours: (t) => F.adaptiveAvgPool3d(t.a, [2, 3, 4]).reshape([-1]).add(F.adaptiveAvgPool3d(t.a, 1).sum()),
    py: 'F.adaptive_avg_pool3d(a, (2, 3, 4)).reshape(-1) + F.adaptive_avg_pool3d(a, 1).sum()' },
  { name: 'adaptiveMaxPool3d, a side kept (null), unbatched', inputs: { a: x([2, 7, 5, 6]) },
    ours: (t) => F.adaptiveMaxPool3d(t.a, [3, null, 4]), py: 'F.adaptive_max_pool3d(a, (3, None, 4))' },
  { name: 'maxPool3d over ties, apart and overlapping (the gradient to the first largest, as torch)', inputs: { a: tied([2, 2, 4, 5, 6]) },
    ours: (t) => F.maxPool3d(t.a, 2).reshape([-1]).add(F.maxPool3d(t.a, 3, { stride: 1, padding: 1 }).sum()),
    py: 'F.max_pool3d(a, 2).reshape(-1) + F.max_pool3d(a, 3, stride=1, padding=1).sum()' },
  { name: 'maxPool3d over ties, dilated and ceil mode', inputs: { a: tied([1, 3, 7, 5, 6]) },
    ours: (t) => F.maxPool3d(t.a, [3, 2, 2], { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [2, 1, 1], ceilMode: true }),
    py: 'F.max_pool3d(a, (3, 2, 2), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(2, 1, 1), ceil_mode=True)' },
  { name: 'adaptiveMaxPool3d over ties (uneven, overlapping windows)', inputs: { a: tied([2, 2, 5, 7, 6]) },
    ours: (t) => F.adaptiveMaxPool3d(t.a, [3, 4, 4]).reshape([-1]).add(F.adaptiveMaxPool3d(t.a, 1).sum()),
    py: 'F.adaptive_max_pool3d(a, (3, 4, 4)).reshape(-1) + F.adaptive_max_pool3d(a, 1).sum()' },
  { name: 'BatchNorm3d in training', inputs: { a: x([3, 2, 3, 4, 5]) }, ours: (t) => new nn.BatchNorm3d(2).forward(t.a), py: 'torch.nn.BatchNorm3d(2)(a)' },
];

noteIfNoTorch('conv3d, maxPool3d, avgPool3d and BatchNorm3d against torch');
eachBackend('conv3d', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and every input's gradient`, () => {
    expectCallsLikeTorch(CALLS, 2e-5);
  });

  it('layers hold torch\'s parameters and print as torch\'s', () => {
    const c = new nn.Conv3d(2, 4, [3, 2, 1], { stride: [2, 1, 1], padding: 1, dilation: [1, 2, 1], groups: 2, bias: false });
    expect(c.weight.shape).toEqual([4, 1, 3, 2, 1]);
    expect(c.toString()).toBe('Conv3d(2, 4, kernel_size=(3, 2, 1), stride=(2, 1, 1), padding=(1, 1, 1), dilation=(1, 2, 1), groups=2, bias=False)');
    expect(new nn.Conv3d(2, 4, 3).toString()).toBe('Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))');
    expect(new nn.ConvTranspose3d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }).toString())
      .toBe('ConvTranspose3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1), output_padding=(1, 1, 1))');
    const up = new nn.ConvTranspose3d(2, 4, [2, 3, 1], { groups: 2, bias: false, dilation: [1, 2, 1] });
    expect([up.toString(), up.weight.shape]).toEqual(['ConvTranspose3d(2, 4, kernel_size=(2, 3, 1), stride=(1, 1, 1), dilation=(1, 2, 1), groups=2, bias=False)', [2, 2, 2, 3, 1]]);
    expect(new nn.Conv3d(2, 4, 3, { padding: 'same', paddingMode: 'reflect' }).toString()).toBe('Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same, padding_mode=reflect)');
    expect(new nn.Conv3d(2, 4, 3, { padding: 1, paddingMode: 'circular' }).toString()).toBe('Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=(1, 1, 1), padding_mode=circular)');
    expect(new nn.MaxPool3d(2).toString()).toBe('MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(new nn.MaxPool3d(2, { ceilMode: true }).toString()).toBe('MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)');
    expect(new nn.MaxPool3d([3, 2, 2], { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [2, 1, 1] }).toString())
      .toBe('MaxPool3d(kernel_size=(3, 2, 2), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(2, 1, 1), ceil_mode=False)');
    expect(new nn.AvgPool3d(3, { stride: 2, padding: 1 }).toString()).toBe('AvgPool3d(kernel_size=3, stride=2, padding=1)');
    expect(new nn.AdaptiveAvgPool3d(1).toString()).toBe('AdaptiveAvgPool3d(output_size=1)');
    expect(new nn.AdaptiveMaxPool3d([2, null, 3]).toString()).toBe('AdaptiveMaxPool3d(output_size=(2, None, 3))');
    expect(new nn.AdaptiveAvgPool3d([1, 1, 1]).forward(bp.ones([2, 3, 4, 4, 4])).shape).toEqual([2, 3, 1, 1, 1]);
    const y = new nn.Sequential(new nn.Conv3d(1, 2, 3, { padding: 1 }), new nn.BatchNorm3d(2), new nn.ReLU(), new nn.MaxPool3d(2)).forward(bp.randn([2, 1, 4, 4, 4]));
    expect(y.shape).toEqual([2, 2, 2, 2, 2]);
  });

  it('names the function and the bad argument', () => {
    expect(() => F.conv3d(bp.randn([2, 3, 4]), bp.randn([1, 3, 1, 1, 1]))).toThrow('conv3d: input must be 4-D [C, D, H, W] or 5-D [N, C, D, H, W], got shape [2, 3, 4]');
    expect(() => F.conv3d(bp.randn([1, 3, 4, 4, 4]), bp.randn([2, 2, 1, 1, 1]))).toThrow('conv3d: weight must be [out, 3, kd, kh, kw] with out divisible by 1 for an input of shape [1, 3, 4, 4, 4] and groups 1, got shape [2, 2, 1, 1, 1]');
    expect(() => F.conv3d(bp.randn([1, 3, 4, 4, 4]), bp.randn([2, 3, 1, 1, 1]), bp.randn([3]))).toThrow('conv3d: bias must be [2], got shape [3]');
    expect(() => F.conv3d(bp.randn([1, 3, 2, 4, 4]), bp.randn([2, 3, 3, 1, 1]))).toThrow("conv3d: the input's depth 2 (padded) is smaller than the kernel's extent 3");
    expect(() => F.conv3d(bp.randn([1, 3, 4, 4, 4]), bp.randn([2, 3, 1, 1, 1]), null, { stride: [1, 2] as never })).toThrow('conv3d: stride must be an integer of at least 1 or three of them [depth, height, width], got [1, 2]');
    expect(() => F.conv3d(bp.randn([1, 4, 4, 4, 4]), bp.randn([2, 2, 1, 1, 1]), null, { groups: 3 })).toThrow("conv3d: groups must be a positive integer dividing the input's 4 channels, got 3");
    expect(() => F.maxPool3d(bp.randn([1, 1, 4, 4, 4]), 2, { padding: [2, 0, 0] })).toThrow('maxPool3d: padding must be at most half the kernel size, got padding 2 and kernel size 2 in depth');
    expect(() => F.conv3d(bp.randn([1, 1, 4, 4, 4]), bp.randn([1, 1, 3, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow("conv3d: padding 'same' needs stride 1, got 2");
    expect(() => new nn.Conv3d(1, 1, 3, { padding: 'same', stride: [1, 2, 1] })).toThrow("Conv3d: padding 'same' needs stride 1, got (1, 2, 1)");
    expect(() => new nn.Conv3d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(/Conv3d: paddingMode must be one of/);
    expect(() => F.avgPool3d(bp.randn([1, 1, 4, 4, 4]), 2, { divisorOverride: 0 })).toThrow('avgPool3d: divisorOverride must be a non-zero integer, got 0');
    expect(() => new nn.AdaptiveAvgPool3d([1, 1] as never)).toThrow('AdaptiveAvgPool3d: outputSize must be a positive integer or three of them [depth, height, width] (null keeps that side), got [1, 1]');
    expect(() => F.adaptiveMaxPool3d(bp.zeros([1, 2, 0, 3, 3]), 1)).toThrow("adaptiveMaxPool3d: the input's channels, depth, height and width must not be 0, got shape [1, 2, 0, 3, 3]");
    expect(() => F.convTranspose3d(bp.randn([1, 2, 3, 3, 3]), bp.randn([2, 1, 2, 2, 2]), null, { outputPadding: [2, 0, 0] })).toThrow('convTranspose3d: outputPadding 2 in depth must be smaller than the stride 1 or the dilation 1');
    expect(() => F.convTranspose3d(bp.randn([1, 2, 3, 3, 3]), bp.randn([2, 1, 2, 2]))).toThrow('convTranspose3d: weight must be 5-D [in, out / groups, kd, kh, kw], got shape [2, 1, 2, 2]');
    expect(() => F.convTranspose3d(bp.randn([1, 2, 3, 3, 3]), bp.randn([2, 1, 2, 2, 2]), bp.randn([3]))).toThrow('convTranspose3d: bias must be [1], got shape [3]');
    expect(() => F.convTranspose3d(bp.randn([1, 3, 3, 3, 3]), bp.randn([2, 1, 2, 2, 2]))).toThrow('convTranspose3d: input [1, 3, 3, 3, 3] (3 channels) does not match weight [2, 1, 2, 2, 2] with groups 1 (expected 2 input channels, divisible by groups)');
    expect(() => new nn.Conv3d(3, 4, 3, { groups: 2 })).toThrow('Conv3d: inChannels (3) and outChannels (4) must both be divisible by groups (2)');
    expect(() => new nn.MaxPool3d(0)).toThrow('MaxPool3d: kernelSize must be an integer of at least 1 or three of them [depth, height, width], got 0');
    expect(() => new nn.BatchNorm3d(2).forward(bp.randn([2, 2, 3, 3]))).toThrow(/BatchNorm3d: .*\[N, 2, D, H, W\]/);
  });
});

// conv2d, maxPool2d and avgPool2d against torch 1.13 (values and every gradient; max pooling's
// indices and the gradient's place bit for bit, ties, NaN and -inf included), nn.Conv2d,
// nn.MaxPool2d, nn.AvgPool2d and nn.BatchNorm2d as layers (initial values, training against torch,
// saving), and their argument errors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { inputGradientByImage, oneImageAtATime, withSize } from './helpers/conv_paths';
import { setConvRowsChunkFloats } from '../lib/ops/conv_rows';
import { Geometry, runsByImage, setConvByImageFloats } from '../lib/ops/conv';
import { hasNative } from '../lib/backend/registry';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { expectLike, expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(2026);
const { int, pick } = drawsOf(r);
const randoms = (n: number) => Array.from({ length: n }, () => Math.fround(2 * r() - 1));

/** A conv2d call: a the input, b the weight; args [bias or null, stride, padding, dilation, groups, batched]. */
function convCases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 150) {
    const groups = pick([1, 1, 1, 2, 3]);
    const cg = 1 + int(3), og = 1 + int(3);
    const n = 1 + int(3), h = 1 + int(9), w = 1 + int(9);
    const kh = 1 + int(4), kw = 1 + int(4);
    const stride: number | [number, number] = r() < 0.5 ? 1 + int(3) : [1 + int(3), 1 + int(3)];
    const dilation: number | [number, number] = r() < 0.7 ? 1 : [1 + int(2), 1 + int(2)];
    const padding: number | [number, number] | 'valid' | 'same' = r() < 0.15 ? pick(['valid', 'same'] as const) : r() < 0.5 ? int(3) : [int(3), int(3)];
    const [sh, sw] = typeof stride === 'number' ? [stride, stride] : stride;
    const [dh, dw] = typeof dilation === 'number' ? [dilation, dilation] : dilation;
    const [ph, pw] = typeof padding === 'number' ? [padding, padding] : padding === 'valid' ? [0, 0] : padding === 'same' ? [dh * (kh - 1) / 2, dw * (kw - 1) / 2] : padding;
    if (padding === 'same' && (sh !== 1 || sw !== 1)) continue; // an odd total: one more at the bottom and right
    if (Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) < 0 || Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) < 0) continue;
    const batched = r() < 0.85;
    const xs = batched ? [n, cg * groups, h, w] : [cg * groups, h, w];
    const ws = [og * groups, cg, kh, kw];
    const bias = r() < 0.7 ? randoms(og * groups) : null;
    out.push({ op: 'conv2d', a: randoms(xs.reduce((p, q) => p * q, 1)), as: xs, b: randoms(ws.reduce((p, q) => p * q, 1)), bs: ws, args: [bias, stride, padding, dilation, groups] });
  }
  // Depthwise (groups = channels, 1-3 outputs each): their own kernels, not a GEMM per group.
  while (out.length < 210) {
    const c = 2 + int(5), m = 1 + int(3), n = 1 + int(3), h = 1 + int(11), w = 1 + int(11), kh = 1 + int(5), kw = 1 + int(5);
    const stride: [number, number] = [1 + int(3), 1 + int(3)];
    const dilation: [number, number] = r() < 0.6 ? [1, 1] : [1 + int(2), 1 + int(2)];
    const same = r() < 0.15;
    const padding: [number, number] | 'same' = same ? 'same' : [int(3), int(3)];
    if (same && (stride[0] !== 1 || stride[1] !== 1)) continue;
    const [ph, pw] = same ? [0, 0] : (padding as [number, number]);
    if (!same && (Math.floor((h + 2 * ph - dilation[0] * (kh - 1) - 1) / stride[0]) < 0 || Math.floor((w + 2 * pw - dilation[1] * (kw - 1) - 1) / stride[1]) < 0)) continue;
    const batched = r() < 0.85;
    const xs = batched ? [n, c, h, w] : [c, h, w];
    const ws = [c * m, 1, kh, kw];
    out.push({ op: 'conv2d', a: randoms(xs.reduce((p, q) => p * q, 1)), as: xs, b: randoms(ws.reduce((p, q) => p * q, 1)), bs: ws, args: [r() < 0.7 ? randoms(c * m) : null, stride, padding, dilation, c] });
  }
  // 'same' with an odd total padding (even kernels, or a dilation that makes one): torch pads the
  // extra row and column at the bottom and right.
  for (const [kh, kw, dilation] of [[2, 2, 1], [2, 3, 1], [4, 1, 1], [3, 2, [1, 3]], [2, 2, 2], [4, 4, [3, 1]]] as const) {
    const xs = [2, 2, 5, 6], ws = [3, 2, kh, kw];
    out.push({ op: 'conv2d', a: randoms(60 * 2), as: xs, b: randoms(6 * kh * kw), bs: ws, args: [randoms(3), 1, 'same', dilation, 1] });
  }
  return out;
}

/** A pooling call: args [kind, kernel, stride (null: the kernel), padding, dilation, ceilMode, countIncludePad, divisorOverride]. */
function poolCases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 200) {
    const max = r() < 0.55;
    const kh = 1 + int(4), kw = 1 + int(4);
    const kernel = r() < 0.5 && kh === kw ? kh : [kh, kw];
    const stride = r() < 0.3 ? null : r() < 0.5 ? 1 + int(3) : [1 + int(3), 1 + int(3)];
    const padding = [int(Math.floor(kh / 2) + 1), int(Math.floor(kw / 2) + 1)];
    const dilation = max && r() < 0.3 ? [1 + int(2), 1 + int(2)] : [1, 1];
    const ceil = r() < 0.4;
    const n = 1 + int(2), c = 1 + int(3), h = 1 + int(9), w = 1 + int(9);
    const size = (s: number, k: number, st: number, p: number, d: number) => {
      let o = Math.floor((s + 2 * p - d * (k - 1) - 1 + (ceil ? st - 1 : 0)) / st) + 1;
      if (ceil && (o - 1) * st >= s + p) o--;
      return o;
    };
    const [sh, sw] = stride === null ? [kh, kw] : typeof stride === 'number' ? [stride, stride] : stride;
    if (size(h, kh, sh, padding[0], dilation[0]) < 1 || size(w, kw, sw, padding[1], dilation[1]) < 1) continue;
    // Windows wholly in the padding (dilated, or ceil mode's last) are refused: tested below, not here.
    const meets = (s: number, o: number, k: number, st: number, p: number, d: number) => {
      for (let i = 0; i < o; i++) {
        let f = i * st - p;
        while (f < 0) f += d;
        if (f >= s || f > i * st - p + (k - 1) * d) return false;
      }
      return true;
    };
    if (!meets(h, size(h, kh, sh, padding[0], dilation[0]), kh, sh, padding[0], dilation[0]) || !meets(w, size(w, kw, sw, padding[1], dilation[1]), kw, sw, padding[1], dilation[1])) continue;
    const xs = r() < 0.85 ? [n, c, h, w] : [c, h, w];
    const count = xs.reduce((p, q) => p * q, 1);
    // Ties (small integers) often, and now and then NaN and -inf, for max pooling's rule.
    const a = Array.from({ length: count }, () => (max && r() < 0.05 ? NaN : max && r() < 0.08 ? -Infinity : r() < 0.4 ? int(3) : Math.fround(4 * r() - 2)));
    out.push({ op: max ? 'max' : 'avg', a, as: xs, args: [max ? 'max' : 'avg', kernel, stride, padding, dilation, ceil, r() < 0.7, r() < 0.15 ? pick([1, 3, -2]) : null] });
  }
  return out;
}

const gradWeights = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function runConv(c: OpCase): OpResult {
  const [biasData, stride, padding, dilation, groups] = c.args as [number[] | null, bp.Size2, bp.Conv2dOptions['padding'], bp.Size2, number];
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const w = bp.tensor(c.b as number[], { shape: c.bs, requiresGrad: true });
  const b = biasData && bp.tensor(biasData, { requiresGrad: true });
  const y = bp.conv2d(x, w, b, { stride, padding, dilation, groups });
  y.mul(bp.tensor(gradWeights(y.size), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: [...Array.from(w.grad!.data), ...(b ? Array.from(b.grad!.data) : [])] };
}

function runPool(c: OpCase): OpResult {
  const [kind, kernel, stride, padding, dilation, ceilMode, countIncludePad, divisorOverride] = c.args as
    ['max' | 'avg', bp.Size2, bp.Size2 | null, [number, number], [number, number], boolean, boolean, number | null];
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  let y: bp.Tensor;
  let extra: number[] = [];
  if (kind === 'max') {
    const r = bp.maxPool2dWithIndices(x, kernel, { stride: stride ?? undefined, padding, dilation, ceilMode });
    y = r.values;
    extra = Array.from(r.indices.data);
  } else {
    y = bp.avgPool2d(x, kernel, { stride: stride ?? undefined, padding, ceilMode, countIncludePad, divisorOverride: divisorOverride ?? undefined });
  }
  y.mul(bp.tensor(gradWeights(y.size), { shape: [...y.shape] })).sum().backward();
  return { y: [...Array.from(y.data), ...extra], shape: [...y.shape], ga: Array.from(x.grad!.data), gb: null };
}

const CONV_SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True); w = T(c["b"], c["bs"], True)
    bias, stride, padding, dilation, groups = p
    b = None if bias is None else T(bias, [len(bias)], True)
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": enc(w.grad) + ([] if b is None else enc(b.grad))})
print(json.dumps(out))
`;

const POOL_SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    kind, kernel, stride, padding, dilation, ceil, include, override = p
    extra = []
    if kind == "max":
        y, i = F.max_pool2d(x, kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil, return_indices=True)
        extra = i.float().reshape(-1).tolist()
    else:
        y = F.avg_pool2d(x, kernel, stride=stride, padding=padding, ceil_mode=ceil, count_include_pad=include, divisor_override=override)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()) + extra, "shape": list(y.shape), "ga": enc(x.grad), "gb": None})
print(json.dumps(out))
`;

const CONV = convCases();
const POOL = poolCases();
noteIfNoTorch('the comparison of convolution and pooling with torch');
eachBackend('conv2d and pooling', () => {
  it.runIf(haveTorch)(`${CONV.length} random conv2d calls as torch's (stride, padding, dilation, groups, bias; the input's, weight's and bias's gradients)`, () => {
    // Sums of up to 36 products in another order than torch's.
    expectOpsLikeTorch(CONV, CONV_SCRIPT, runConv, 2e-6);
  });

  it.runIf(haveTorch)(`the same ${CONV.length} calls with the input gradient made one image at a time (the batch path's chunks), as torch's`, () => {
    inputGradientByImage(() => expectOpsLikeTorch(CONV, CONV_SCRIPT, runConv, 2e-6));
  });

  it('a convolution\'s gradients in chunks of images (the last one shorter): the same bits at one and two threads, within rounding of one chunk', () => {
    // 5 images of 400 positions x 144 floats of rows: four to a chunk of 2^18 floats, then one.
    const data = [[5, 16, 20, 20], [24, 16, 3, 3], [24]].map((shape) => bp.randn(shape));
    const gy = bp.randn([5, 24, 20, 20]);
    const grads = () => {
      const [x, w, b] = data.map((t) => t.clone().requiresGrad_());
      bp.relu(bp.conv2d(x, w, b, { padding: 1 })).mul(gy).sum().backward();
      return [x, w, b].map((t) => Array.from(t.grad!.data));
    };
    const threads = bp.getNumThreads();
    try {
      bp.setNumThreads(1);
      const chunked = grads();
      bp.setNumThreads(2);
      expect(grads()).toEqual(chunked);
      for (const floats of [1, 1 << 30]) {
        // One image a chunk; all five in one.
        const other = withSize(setConvRowsChunkFloats, floats, grads);
        chunked.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - other[i][j])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)))));
      }
    } finally {
      bp.setNumThreads(threads);
    }
  });

  it.runIf(haveTorch)(`the same ${CONV.length} calls one image at a time, the path of large batches (no rows of all images at once, made again in backward)`, () => {
    // The weight's gradient adds each image's sum (up to 121 products) rounded, as torch's
    // slow_conv2d does, where one sum over all images' products was rounded once.
    oneImageAtATime(() => expectOpsLikeTorch(CONV, CONV_SCRIPT, runConv, 5e-6));
  });

  it.runIf(haveTorch)(`${POOL.length} random max and average pooling calls as torch's (values, max's indices and the gradients bit for bit)`, () => {
    expectOpsLikeTorch(POOL, POOL_SCRIPT, runPool, () => 0);
  });

  it('a 1x1 convolution is a per-position linear layer, and a 3x3 one sums its window', () => {
    const x = bp.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 1, 3, 3] });
    expect(Array.from(bp.conv2d(x, bp.ones([1, 1, 3, 3])).data)).toEqual([45]);
    expect(Array.from(bp.conv2d(x, bp.ones([1, 1, 3, 3]), bp.tensor([0.5]), { padding: 1 }).data)).toEqual([12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5]);
    const y = bp.conv2d(x, bp.tensor([2, -1], { shape: [2, 1, 1, 1] }));
    expect(y.shape).toEqual([1, 2, 3, 3]);
    expect(Array.from(y.data)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, -1, -2, -3, -4, -5, -6, -7, -8, -9]);
    expect(Array.from(bp.maxPool2d(x, 2, { stride: 1 }).data)).toEqual([5, 6, 8, 9]);
    expect(Array.from(bp.avgPool2d(x, 3, { padding: 1, stride: 2 }).data)).toEqual([12 / 9, 16 / 9, 24 / 9, 28 / 9].map(Math.fround));
  });

  it('a Conv2d and the ReLU after it in a Sequential (one GEMM with its epilogue; the depthwise kernels and a ReLU) give the bits of the two apart', () => {
    bp.manualSeed(5);
    for (const conv of [new nn.Conv2d(3, 5, 3, { padding: 1 }), new nn.Conv2d(3, 6, 3, { padding: 1, groups: 3 })]) {
      const x = bp.randn([2, 3, 6, 7], { requiresGrad: true });
      const weights = bp.randn([2, conv.outChannels, 6, 7]);
      const gradients = (y: bp.Tensor) => {
        for (const t of [x, conv.weight, conv.bias!]) t.grad = null;
        y.mul(weights).sum().backward();
        return [Array.from(y.data), ...[x, conv.weight, conv.bias!].map((t) => Array.from(t.grad!.data))];
      };
      const fused = gradients(new nn.Sequential(conv, new nn.ReLU()).forward(x));
      const apart = gradients(bp.relu(conv.forward(x)));
      expect(fused).toEqual(apart);
      expect(fused[0].some((v) => v === 0) && fused[0].some((v) => v > 0)).toBe(true);
      // One image at a time the ReLU is an op after the convolution: the same bits as apart there.
      oneImageAtATime(() => expect(gradients(new nn.Sequential(conv, new nn.GELU()).forward(x))).toEqual(gradients(bp.gelu(conv.forward(x)))));
    }
  });

  it('argument errors name the argument and the shapes', () => {
    const x = bp.zeros([2, 3, 5, 5]);
    const w = bp.zeros([4, 3, 3, 3]);
    expect(() => bp.conv2d(bp.zeros([3, 5]), w)).toThrow(/conv2d: input must be 3-D \[C, H, W\] or 4-D \[N, C, H, W\], got shape \[3, 5\]/);
    expect(() => bp.conv2d(x, bp.zeros([4, 3, 3]))).toThrow(/conv2d: weight must be 4-D/);
    expect(() => bp.conv2d(x, bp.zeros([4, 2, 3, 3]))).toThrow(/conv2d: input \[2, 3, 5, 5\] \(3 channels\) does not match weight \[4, 2, 3, 3\] with groups 1/);
    expect(() => bp.conv2d(x, bp.zeros([4, 1, 3, 3]), null, { groups: 2 })).toThrow(/does not match weight \[4, 1, 3, 3\] with groups 2/);
    expect(() => bp.conv2d(x, w, bp.zeros([3]))).toThrow(/conv2d: bias shape \[3\] does not match weight shape \[4, 3, 3, 3\] \(expected \[4\]\)/);
    expect(() => bp.conv2d(x, w, null, { stride: 0 })).toThrow(/conv2d: stride must be an integer of at least 1 or two of them \[height, width\], got 0/);
    expect(() => bp.conv2d(x, w, null, { padding: [1] as unknown as number })).toThrow(/conv2d: padding must be an integer of at least 0/);
    expect(() => bp.conv2d(x, w, null, { dilation: 1.5 })).toThrow(/conv2d: dilation must be an integer of at least 1/);
    expect(() => bp.conv2d(x, w, null, { groups: 0 })).toThrow(/conv2d: groups must be a positive integer, got 0/);
    expect(() => bp.conv2d(x, bp.zeros([4, 3, 6, 3]))).toThrow(/conv2d: the output size \(0 x 3\) is too small for input \[2, 3, 5, 5\] with kernel 6 x 3/);
    expect(() => bp.conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/conv2d: padding 'same' needs stride 1, got 2 x 2/);
    expect(bp.conv2d(x, bp.zeros([4, 3, 2, 2]), null, { padding: 'same' }).shape).toEqual([2, 4, 5, 5]); // an odd total: padded first
    expect(() => bp.conv2d(x, w, null, { strides: 2 } as bp.Conv2dOptions)).toThrow(/conv2d: unknown option 'strides'/);
    expect(() => bp.conv2d(x, w, [1] as unknown as bp.Tensor)).toThrow(/conv2d: bias must be a Tensor or null/);
    expect(() => bp.maxPool2d(x, 2, { padding: 2 })).toThrow(/maxPool2d: padding 2 x 2 must be at most half the kernel size 2 x 2/);
    expect(() => bp.maxPool2d(x, undefined as unknown as number)).toThrow(/maxPool2d: kernelSize is required/);
    expect(() => new nn.Conv2d(3, 4, undefined as unknown as number)).toThrow(/Conv2d: kernelSize is required/);
    expect(() => bp.avgPool1d(bp.zeros([2, 3]), undefined as unknown as number)).toThrow(/avgPool1d: kernelSize is required/);
    expect(() => bp.maxPool2d(x, 0)).toThrow(/maxPool2d: kernelSize must be an integer of at least 1/);
    expect(() => bp.maxPool2d(x, 6)).toThrow(/maxPool2d: the output size \(0 x 0\) is too small/);
    // The one window reads rows -1 and 3 of 3 (and as many columns): none inside.
    expect(() => bp.maxPool2d(bp.zeros([1, 1, 3, 3]), 2, { padding: 1, dilation: 4 })).toThrow(/maxPool2d: a window of kernel 2 x 2, dilation 4 x 4 lies wholly in the padding of input \[1, 1, 3, 3\]/);
    expect(() => bp.maxPool2d(x, 2, { ceilMode: 1 as unknown as boolean })).toThrow(/maxPool2d: option ceilMode must be true or false/);
    // Sizes past int32 are refused before they reach the kernels (as Int32Array entries they wrapped).
    expect(() => bp.avgPool2d(x, 3, { padding: 1, stride: 2 ** 31 })).toThrow(/avgPool2d: sh = 2147483648 is larger than 2\^31 - 1 \(input \[2, 3, 5, 5\]\)/);
    expect(() => bp.conv2d(x, w, null, { dilation: [1, 2 ** 31] })).toThrow(/conv2d: the output size|conv2d: dw = 2147483648 is larger than 2\^31 - 1/);
    expect(() => bp.avgPool2d(x, 2, { divisorOverride: 0 })).toThrow(/avgPool2d: divisorOverride must be a non-zero integer, got 0/);
    expect(() => bp.avgPool2d(x, 2, { dilation: 2 } as bp.AvgPool2dOptions)).toThrow(/avgPool2d: unknown option 'dilation'/);
  });
});

describe('conv2d one image at a time from 2M floats of rows where the native backend reads the windows in place', () => {
  // 3x3, stride 1, padding 1 over [n, c, s, s] to `out` channels.
  const geometry = (n: number, c: number, s: number, k = 3, stride = 1): Geometry =>
    ({ n, c, h: s, w: s, kh: k, kw: k, sh: stride, sw: stride, ph: 1, pw: 1, dh: 1, dw: 1, oh: Math.floor((s + 2 - k) / stride) + 1, ow: Math.floor((s + 2 - k) / stride) + 1 });
  it('the rule: the band from 2^21 to 2^24 floats of rows takes stride 1, 64 or more window entries, at most 64 outputs, rows 8 times the wrap', () => {
    expect(runsByImage(geometry(4, 16, 64), 16, 16)).toBe(true); // 2.4M floats
    expect(runsByImage(geometry(2, 16, 64), 16, 16)).toBe(false); // 1.2M: under the band
    expect(runsByImage(geometry(4, 3, 200), 16, 3)).toBe(false); // 4.3M, windows of 27 entries
    expect(runsByImage(geometry(4, 16, 64), 128, 16)).toBe(false); // 128 outputs
    expect(runsByImage(geometry(16, 16, 64, 3, 2), 16, 16)).toBe(false); // stride 2
    expect(runsByImage(geometry(128, 64, 14), 64, 64)).toBe(false); // rows of 16 for 14 outputs
    expect(runsByImage(geometry(128, 64, 15), 64, 64)).toBe(true); // rows of 17 for 15
    expect(runsByImage(geometry(4, 3, 800), 16, 3)).toBe(true); // 69M: past 2^24, any
  });
  it.runIf(hasNative())("in that band, the batch path's values and gradients", () => {
    const data = [[4, 16, 64, 64], [16, 16, 3, 3], [16]].map((shape) => bp.randn(shape));
    const gy = bp.randn([4, 16, 64, 64]);
    const run = () => {
      const [x, w, b] = data.map((t) => t.clone().requiresGrad_());
      const y = bp.conv2d(x, w, b, { padding: 1 });
      y.mul(gy).sum().backward();
      return [y, x.grad!, w.grad!, b.grad!].map((t) => Array.from(t.data));
    };
    const got = run();
    const batch = withSize(setConvByImageFloats, 1 << 30, run);
    ['y', 'x.grad', 'w.grad', 'b.grad'].forEach((name, i) => {
      const worst = got[i].reduce((m, v, j) => Math.max(m, Math.abs(v - batch[i][j]) / (1 + Math.abs(v))), 0);
      expect(worst, name).toBeLessThanOrEqual(1e-4);
    });
  });
  it.runIf(hasNative())("convTranspose2d at stride 1 by the same rule (the convolution of x with the flipped weight): one image at a time in that band, with the batch path's values", () => {
    // [4, 16, 64, 64] by [16, 16, 3, 3], padding 1: 2.4M floats of the flipped convolution's rows.
    const data = [[4, 16, 64, 64], [16, 16, 3, 3]].map((shape) => bp.randn(shape));
    const gy = bp.randn([4, 16, 64, 64]);
    const run = () => {
      const [x, w] = data.map((t) => t.clone().requiresGrad_());
      const y = bp.nn.functional.convTranspose2d(x, w, null, { padding: 1 });
      const op = y.node!.op;
      y.mul(gy).sum().backward();
      return { op, values: [y, x.grad!, w.grad!].map((t) => Array.from(t.data)) };
    };
    const got = run();
    const batch = withSize(setConvByImageFloats, 1 << 30, run);
    expect([got.op, batch.op]).toEqual(['convTranspose2d', 'imageFromRows']);
    ['y', 'x.grad', 'w.grad'].forEach((name, i) => {
      const worst = got.values[i].reduce((m, v, j) => Math.max(m, Math.abs(v - batch.values[i][j]) / (1 + Math.abs(v))), 0);
      expect(worst, name).toBeLessThanOrEqual(1e-4);
    });
  });
});

describe('nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.BatchNorm2d', () => {
  it("Conv2d's parameters: shapes, torch's initial bounds, bias: false, and constructor errors", () => {
    bp.manualSeed(3);
    const conv = new nn.Conv2d(6, 8, [3, 2], { groups: 2 });
    expect(conv.weight.shape).toEqual([8, 3, 3, 2]);
    expect(conv.bias!.shape).toEqual([8]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    for (const t of [conv.weight, conv.bias!]) {
      const v = Array.from(t.data);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound / 2);
    }
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(new nn.Conv2d(1, 2, 3, { bias: false }).parameters().length).toBe(1);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/Conv2d: inChannels \(3\) and outChannels \(4\) must both be divisible by groups \(2\)/);
    expect(() => new nn.Conv2d(0, 4, 3)).toThrow(/Conv2d: inChannels must be a positive integer, got 0/);
    expect(() => new nn.Conv2d(1, 4, [3, 0])).toThrow(/Conv2d: kernelSize must be an integer of at least 1/);
    expect(() => new nn.Conv2d(1, 4, 3, { padding: 'same', stride: 2 })).toThrow(/Conv2d: padding 'same' needs stride 1, got \(2, 2\)/);
    expect(() => new nn.Conv2d(1, 4, 3, { bias: 1 as unknown as boolean })).toThrow(/Conv2d: option bias must be true or false/);
    expect(() => new nn.MaxPool2d(2, { stride: -1 })).toThrow(/MaxPool2d: stride must be an integer of at least 1/);
    expect(() => new nn.AvgPool2d(2, { divisorOverride: 1.5 })).toThrow(/AvgPool2d: divisorOverride must be a non-zero integer, got 1.5/);
    expect(() => new nn.BatchNorm2d(4).forward(bp.zeros([2, 4, 3]))).toThrow(/BatchNorm2d: expected input \[N, 4, H, W\], got shape \[2, 4, 3\]/);
    expect(() => new nn.BatchNorm2d(0)).toThrow(/BatchNorm2d: numFeatures must be a positive integer/);
  });

  it('a CNN saves and loads whole (architecture and state)', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 4, [3, 1], { stride: [1, 2], dilation: [1, 2], groups: 2, bias: false }), new nn.AvgPool2d(2, { ceilMode: true, countIncludePad: false, divisorOverride: 3 }),
      new nn.Flatten(), new nn.Linear(4, 3));
    const x = bp.randn([2, 1, 8, 8]);
    model.train();
    model.forward(x);
    model.eval();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-conv-')), 'cnn.safetensors');
    bp.save(model, file);
    const back = bp.load(file);
    expect(String(back)).toBe(String(model));
    back.eval();
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });
});

// A small CNN trained three steps by SGD with momentum from the same initial values here and in
// torch 1.13: the losses and the final parameters agree. Every layer's forward and backward is in it.
noteIfNoTorch('the CNN training comparison with torch');
eachBackend('a CNN trained as torch trains it', () => {
  it.runIf(haveTorch)('Conv2d, BatchNorm2d, ReLU, MaxPool2d, Conv2d (groups), AvgPool2d, Linear: 3 SGD steps', () => {
    bp.manualSeed(11);
    const model = new nn.Sequential(new nn.Conv2d(2, 6, 3, { padding: 1 }), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(6, 4, 3, { stride: 1, padding: 'same', groups: 2 }), new nn.ReLU(), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(16, 3));
    const init = model.parameters().map((p) => Array.from(p.data));
    const x = bp.randn([5, 2, 8, 8]);
    const y = [0, 1, 2, 1, 0];
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const lossFn = new nn.CrossEntropyLoss();
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      const l = lossFn.forward(model.forward(x), y);
      losses.push(l.item());
      l.backward();
      opt.step();
    }
    const script = `
import torch, json, sys
import torch.nn as nn
d = json.loads(sys.stdin.read())
m = nn.Sequential(nn.Conv2d(2, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 4, 3, padding='same', groups=2),
                  nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 3))
with torch.no_grad():
    for p, v in zip(m.parameters(), d["init"]): p.copy_(torch.tensor(v).reshape(p.shape))
x = torch.tensor(d["x"]).reshape(5, 2, 8, 8)
y = torch.tensor(d["y"])
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
losses = []
for s in range(3):
    opt.zero_grad()
    l = nn.CrossEntropyLoss()(m(x), y)
    losses.append(l.item())
    l.backward()
    opt.step()
print(json.dumps({"losses": losses, "params": [p.detach().reshape(-1).tolist() for p in m.parameters()]}))
`;
    const t = torchJson<{ losses: number[]; params: number[][] }>(script, JSON.stringify({ init, x: Array.from(x.data), y }));
    expectLike(losses, t.losses, 'losses', 1e-5);
    model.parameters().forEach((p, i) => expectLike(Array.from(p.data), t.params[i], `parameter ${i}`, 1e-5));
    expect(losses[2]).toBeLessThan(losses[0]);
  });
});

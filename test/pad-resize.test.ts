// pad (every mode) and interpolate (every mode, volumes too) against torch 1.13 on both backends, Conv1d and Conv2d
// with each paddingMode, the padding layers, nn.Upsample and nn.Dropout2d as layers, and their
// argument errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(2028);
const { int, pick } = drawsOf(r);
const randoms = (n: number) => Array.from({ length: n }, () => Math.fround(2 * r() - 1));

function cases(): OpCase[] {
  const out: OpCase[] = [];
  // pad: args [pads, value]; negative amounts cut (never below an empty dimension).
  while (out.length < 80) {
    const nd = 1 + int(4);
    const as = Array.from({ length: nd }, () => 1 + int(4));
    const dims = 1 + int(Math.min(nd, 3));
    const pads: number[] = [];
    for (let k = 0; k < dims; k++) {
      const size = as[nd - 1 - k];
      const before = int(4) - 1 - (r() < 0.2 ? int(size) : 0);
      const after = int(4) - 1;
      pads.push(before, size + before + after < 1 ? 1 - before - size : after);
    }
    out.push({ op: 'pad', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [pads, pick([0, 0, 1.5, -2]), 'constant'] });
  }
  // The other modes on the inputs torch takes: 1-3 padded dimensions of a batch (or one sample),
  // reflect below the size, circular at most the size (cut only by constant: torch's circular
  // reads memory it never wrote for some negative amounts).
  while (out.length < 200) {
    const mode = pick(['reflect', 'replicate', 'circular']);
    const dims = 1 + int(3);
    const nd = dims + (mode === 'circular' || r() < 0.6 ? 2 : 1);
    const as = Array.from({ length: nd }, (_, d) => (d < nd - dims ? 1 + int(3) : 1 + int(5)));
    const pads: number[] = [];
    for (let k = 0; k < dims; k++) {
      const size = as[nd - 1 - k];
      const amount = () => (mode === 'reflect' ? int(size) - (r() < 0.2 ? int(size) : 0) : mode === 'replicate' ? int(5) - 1 : int(size + 1));
      let [before, after] = [amount(), amount()];
      if (size + before + after < 1) [before, after] = [0, 0];
      pads.push(before, after);
    }
    out.push({ op: 'pad', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [pads, 0, mode] });
  }
  // interpolate: args [size or null, scaleFactor or null, mode, alignCorners or null]; factors whose
  // size is the input's (1.2 of 3) or twice it (2.2 of 3) still scale the positions in torch.
  while (out.length < 600) {
    const mode = pick(['nearest', 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area']);
    const spatial = mode === 'linear' ? 1 : mode === 'bilinear' || mode === 'bicubic' ? 2 : 1 + int(2);
    const as = [1 + int(2), 1 + int(3), ...Array.from({ length: spatial }, () => 1 + int(7))];
    const bySize = r() < 0.5;
    const size = bySize ? (r() < 0.3 ? 1 + int(12) : Array.from({ length: spatial }, () => 1 + int(12))) : null;
    const factor = bySize ? null : r() < 0.3 ? pick([2, 3, 0.5, 1.5, 1.2]) : Array.from({ length: spatial }, () => pick([1, 2, 3, 0.5, 1.5, 2.5, 0.75, 1.2, 2.2]));
    const outs = as.slice(2).map((s, i) => (size !== null ? 1 : Math.floor(s * (typeof factor === 'number' ? factor : (factor as number[])[i]))));
    if (outs.some((o) => o < 1)) continue;
    const alignCorners = mode === 'linear' || mode === 'bilinear' || mode === 'bicubic' ? pick([null, true, false]) : null;
    // torch 1.13's nearest backward halves a doubled side (copies a same-size one) where its forward
    // (1-d, or 2-d over several channels) scaled the positions by the factor: its gradient is not its
    // forward's there, and only the values are compared (ours is the forward's: tested below).
    const realOuts = as.slice(2).map((n, i) => (size !== null ? 0 : Math.floor(n * (typeof factor === 'number' ? factor : (factor as number[])[i]))));
    const torchGradAstray = mode === 'nearest' && factor !== null && !(spatial === 2 && as[1] === 1) && as.slice(2).some((n, i) => realOuts[i] === n || realOuts[i] === 2 * n);
    out.push({ op: 'interpolate', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [size, factor, mode, alignCorners, torchGradAstray] });
  }
  // Volumes [N, C, D, H, W]: nearest, nearest-exact, trilinear and area (drawn after the rest, whose
  // draws stay as they were).
  while (out.length < 680) {
    const mode = pick(['nearest', 'nearest-exact', 'trilinear', 'trilinear', 'area']);
    const as = [1 + int(2), 1 + int(3), ...Array.from({ length: 3 }, () => 1 + int(5))];
    const bySize = r() < 0.5;
    const size = bySize ? (r() < 0.3 ? 1 + int(7) : Array.from({ length: 3 }, () => 1 + int(7))) : null;
    const factor = bySize ? null : r() < 0.3 ? pick([2, 0.5, 1.5]) : Array.from({ length: 3 }, () => pick([1, 2, 0.5, 1.5, 0.75, 1.2]));
    const realOuts = as.slice(2).map((n, i) => (size !== null ? 1 : Math.floor(n * (typeof factor === 'number' ? factor : (factor as number[])[i]))));
    if (realOuts.some((o) => o < 1)) continue;
    const alignCorners = mode === 'trilinear' ? pick([null, true, false]) : null;
    const torchGradAstray = mode === 'nearest' && factor !== null && as.slice(2).some((n, i) => realOuts[i] === n || realOuts[i] === 2 * n);
    out.push({ op: 'interpolate', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [size, factor, mode, alignCorners, torchGradAstray] });
  }
  // Dims of 2048 and more, which pad fills by copies of slices (not an index a position): each mode,
  // a side of 0, a short dim padded beside a long one.
  const long: [bp.PadMode, number[], number[]][] = [['reflect', [2, 1, 2100], [5, 7]], ['replicate', [1, 3, 2050], [3, 0]], ['circular', [2, 2, 2048], [0, 4]],
    ['reflect', [1, 1, 3, 2049], [2, 3, 1, 1]], ['circular', [1, 2, 2, 2048], [6, 2, 1, 0]], ['replicate', [2, 2048, 2], [1, 1, 2, 3]]];
  for (const [mode, as, pads] of long) out.push({ op: 'pad', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [pads, 0, mode] });
  return out;
}

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const y = c.op === 'pad'
    ? bp.pad(x, c.args[0] as number[], { value: c.args[1] as number, mode: c.args[2] as bp.PadMode })
    : bp.interpolate(x, {
      size: (c.args[0] as number | number[] | null) ?? undefined, scaleFactor: (c.args[1] as number | number[] | null) ?? undefined,
      mode: c.args[2] as bp.InterpolateMode, alignCorners: (c.args[3] as boolean | null) ?? undefined,
    });
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: c.args[4] === true ? null : Array.from(x.grad!.data), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    if op == "pad":
        y = F.pad(x, p[0], value=p[1]) if p[2] == "constant" else F.pad(x, p[0], mode=p[2])
    else:
        size = p[0] if p[0] is None or isinstance(p[0], int) else tuple(p[0])
        factor = p[1] if p[1] is None or isinstance(p[1], (int, float)) else tuple(float(v) for v in p[1])
        y = F.interpolate(x, size=size, scale_factor=factor, mode=p[2], align_corners=p[3])
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": None if op == "interpolate" and p[4] else enc(x.grad), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of pad and interpolate with torch');
eachBackend('pad and interpolate', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (pad bit for bit; nearest within 1e-6, the linear modes, bicubic and area, sums of products, within 4e-6)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op === 'pad' ? 0 : ['nearest', 'nearest-exact'].includes(c.args[2] as string) ? 1e-6 : 4e-6));
  });

  it("nearest's gradient is its forward's where torch's backward strays from its forward (1-d, or 2-d over several channels; a factor making a side the same or twice)", () => {
    for (const [shape, scaleFactor] of [[[1, 2, 2, 5], [2.2, 1.2]], [[2, 3, 4, 4], [1.2, 2.2]], [[1, 1, 4], [1.2]], [[2, 2, 3], [2.2]]] as [number[], number[]][]) {
      const x = bp.randn(shape, { requiresGrad: true });
      const y = bp.interpolate(x, { scaleFactor });
      y.sum().backward();
      // Each element's gradient is how many outputs read it: count the reads through the values.
      const reads = new Map<number, number>();
      for (const v of y.data) reads.set(v, (reads.get(v) ?? 0) + 1);
      x.data.forEach((v, i) => expect(x.grad!.data[i], `element ${i}`).toBe(reads.get(v) ?? 0));
    }
  });

  it('argument errors name the argument', () => {
    const x = bp.zeros([2, 3]);
    expect(() => bp.pad(x, [1])).toThrow(/pad: pads must be an even number of integers, two per dimension and at most 4 for shape \[2, 3\], got \[1\]/);
    expect(() => bp.pad(x, [1, 1, 1, 1, 1, 1])).toThrow(/at most 4 for shape \[2, 3\]/);
    expect(() => bp.pad(x, [1.5, 1])).toThrow(/pad: pads must be an even number of integers/);
    expect(() => bp.pad(x, [-2, -2])).toThrow(/pad: padding \(-2, -2\) of dimension 1 leaves it -1 long \(input \[2, 3\]\); it must keep at least one element/);
    expect(() => bp.pad(x, [0, 0, -1, -1])).toThrow(/pad: padding \(-1, -1\) of dimension 0 leaves it 0 long/);
    expect(() => bp.pad(x, [1, 1], { mode: 'wrap' as 'constant' })).toThrow(/pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got "wrap"/);
    const b = bp.zeros([1, 2, 3]);
    expect(() => bp.pad(b, [1, 1], { mode: 'reflect', value: 2 })).toThrow(/pad: mode 'reflect' takes no value \(got 2\); the added elements come from the input/);
    expect(() => bp.pad(b, [3, 0], { mode: 'reflect' })).toThrow(/pad: mode 'reflect' needs each amount smaller than the dimension \(3\), got padding \(3, 0\) of dimension 2 \(input \[1, 2, 3\]\)/);
    expect(() => bp.pad(b, [4, 0], { mode: 'circular' })).toThrow(/pad: mode 'circular' needs each amount at most the dimension \(3\) and some of it kept to wrap around, got padding \(4, 0\)/);
    expect(() => bp.pad(b, [-3, 1], { mode: 'circular' })).toThrow(/pad: mode 'circular' needs each amount at most the dimension \(3\) and some of it kept to wrap around, got padding \(-3, 1\)/);
    expect(() => bp.pad(x, [1, 1], { mode: 'circular' })).toThrow(/pad: mode 'circular' pads 1 to 3 dimensions of a batch: 1 padded dimension\(s\) need a 3-D input, got shape \[2, 3\]/);
    expect(() => bp.pad(x, [1, 1, 1, 1], { mode: 'replicate' })).toThrow(/pad: mode 'replicate' pads 1 to 3 dimensions of a batch or of one sample: 2 padded dimension\(s\) need a 3-D or 4-D input, got shape \[2, 3\]/);
    expect(() => bp.pad(bp.zeros([5]), [1, 1], { mode: 'reflect' })).toThrow(/need a 2-D or 3-D input, got shape \[5\]/);
    expect(() => bp.pad(bp.zeros([1, 2, 0]), [1, 1], { mode: 'replicate' })).toThrow(/pad: mode 'replicate' cannot fill padding \(1, 1\) of dimension 2 \(input \[1, 2, 0\]\) from an empty dimension/);
    expect(() => bp.pad(b, [-2, -1], { mode: 'replicate' })).toThrow(/pad: padding \(-2, -1\) of dimension 2 leaves it 0 long/);
    expect(() => bp.pad(x, [1, 1], { value: '1' as unknown as number })).toThrow(/pad: value must be a number/);
    expect(() => bp.pad(bp.zeros([2, 0, 3]), [2 ** 30, 2 ** 30])).toThrow(/pad: the padded shape \[2, 0, 2147483651\] is too large/);
    expect(() => bp.interpolate(bp.zeros([1, 2, 0, 3]), { size: 4 })).toThrow(/interpolate: the input's spatial sizes must not be 0 \(there is nothing to pick from\), got shape \[1, 2, 0, 3\]/);
    const img = bp.zeros([1, 2, 3, 3]);
    expect(() => bp.interpolate(img, {})).toThrow(/interpolate: give exactly one of size and scaleFactor/);
    expect(() => bp.interpolate(img, { size: 2, scaleFactor: 2 })).toThrow(/interpolate: give exactly one of size and scaleFactor/);
    expect(() => bp.interpolate(img, { size: [2, 2, 2] })).toThrow(/interpolate: size must be a positive integer or 2 of them \(one per spatial dimension\), got \[2, 2, 2\]/);
    expect(() => bp.interpolate(img, { scaleFactor: -1 })).toThrow(/interpolate: scaleFactor must be a positive number or 2 of them/);
    expect(() => bp.interpolate(img, { scaleFactor: 0.2 })).toThrow(/interpolate: the output size \[0, 0\] is empty for input \[1, 2, 3, 3\]/);
    expect(() => bp.interpolate(img, { scaleFactor: 1e9 })).toThrow(/interpolate: the output size \[3000000000, 3000000000\] for input \[1, 2, 3, 3\] would hold more than 2\^32 elements/);
    expect(() => bp.interpolate(bp.zeros([1, 0, 3, 3]), { scaleFactor: 1e9 })).toThrow(/interpolate: the output size \[3000000000, 3000000000\] for input \[1, 0, 3, 3\] would hold more than 2\^32 elements \(or one side more than 2\^31 - 1\)/);
    expect(() => bp.interpolate(img, { size: 4, mode: 'cubic' as 'nearest' })).toThrow(/interpolate: mode must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', 'area', got "cubic"/);
    expect(() => bp.interpolate(img, { size: 4, mode: 'trilinear' })).toThrow("interpolate: mode 'trilinear' resizes 5-D inputs ('linear' 3-D, 'bilinear' 4-D, 'trilinear' 5-D ones), got shape [1, 2, 3, 3]");
    expect(() => bp.interpolate(bp.zeros([1, 1, 2, 2, 2]), { size: 4, mode: 'bicubic' })).toThrow("interpolate: mode 'bicubic' resizes 4-D [N, C, H, W] inputs, got shape [1, 1, 2, 2, 2]");
    expect(() => bp.interpolate(img, { size: 4, alignCorners: true })).toThrow(/interpolate: alignCorners is for the modes 'linear', 'bilinear', 'trilinear' and 'bicubic', not 'nearest'/);
    expect(() => bp.interpolate(bp.zeros([1, 2, 3]), { size: 4, mode: 'bicubic' })).toThrow(/interpolate: mode 'bicubic' resizes 4-D \[N, C, H, W\] inputs/);
    expect(() => bp.interpolate(img, { size: 4, mode: 'linear' })).toThrow("interpolate: mode 'linear' resizes 3-D inputs ('linear' 3-D, 'bilinear' 4-D, 'trilinear' 5-D ones), got shape [1, 2, 3, 3]");
    expect(() => bp.interpolate(bp.zeros([1, 2, 3]), { size: 4, mode: 'bilinear' })).toThrow("interpolate: mode 'bilinear' resizes 4-D inputs ('linear' 3-D, 'bilinear' 4-D, 'trilinear' 5-D ones), got shape [1, 2, 3]");
    expect(() => bp.interpolate(bp.zeros([2, 2, 3, 3]), { size: [2 ** 21, 2 ** 9], mode: 'area' })).toThrow(/^interpolate: mode 'area': outputSize \[2097152, 512\] for input \[2, 2, 3, 3\] is too large/);
    expect(() => bp.interpolate(img, { size: 4, mode: 'area', alignCorners: false })).toThrow(/interpolate: alignCorners is for the modes 'linear', 'bilinear', 'trilinear' and 'bicubic', not 'area'/);
    expect(() => bp.interpolate(bp.zeros([2, 3]), { size: 4 })).toThrow('interpolate: input must be 3-D [N, C, L], 4-D [N, C, H, W] or 5-D [N, C, D, H, W], got shape [2, 3]');
  });
});

// Conv1d and Conv2d layers with each paddingMode: args [padding, paddingMode, stride, dilation, bias].
function layerCases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 60) {
    const op = pick(['conv1d', 'conv2d']);
    const spatial = op === 'conv1d' ? 1 : 2;
    const [cin, cout, n] = [1 + int(3), 1 + int(3), 1 + int(2)];
    const k = Array.from({ length: spatial }, () => 1 + int(3));
    const sizes = Array.from({ length: spatial }, () => 2 + int(5));
    const mode = pick(['zeros', 'reflect', 'replicate', 'circular']);
    const same = r() < 0.3;
    const dilation = same ? 1 : 1 + int(2);
    const padding = same ? 'same' : int(3);
    const stride = same ? 1 : 1 + int(2);
    // reflect needs each amount below the size, circular at most it; every output at least one long.
    const amounts = k.map((kk) => (same ? dilation * (kk - 1) - Math.floor((dilation * (kk - 1)) / 2) : (padding as number)));
    if (mode === 'reflect' && amounts.some((a, d) => a >= sizes[d])) continue;
    if (mode === 'circular' && amounts.some((a, d) => a > sizes[d])) continue;
    if (sizes.some((sz, d) => sz + 2 * amounts[d] - dilation * (k[d] - 1) < 1)) continue;
    const as = [n, cin, ...sizes];
    const bs = [cout, cin, ...k];
    out.push({ op, a: randoms(as.reduce((p, q) => p * q, 1)), as, b: randoms(bs.reduce((p, q) => p * q, 1)), bs, args: [padding, mode, stride, dilation, randoms(cout)] });
  }
  return out;
}

function runLayer(c: OpCase): OpResult {
  const [padding, paddingMode, stride, dilation, bias] = c.args as [number | 'same', nn.PaddingMode, number, number, number[]];
  const [cout, cin, ...k] = c.bs!;
  const layer = c.op === 'conv1d'
    ? new nn.Conv1d(cin, cout, k[0], { padding, paddingMode, stride, dilation })
    : new nn.Conv2d(cin, cout, [k[0], k[1]], { padding, paddingMode, stride, dilation });
  layer.weight.data.set(c.b!);
  layer.bias!.data.set(bias);
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const y = layer.forward(x);
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: Array.from(layer.weight.grad!.data) };
}

const LAYER_SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    bs = c["bs"]
    Conv = torch.nn.Conv1d if op == "conv1d" else torch.nn.Conv2d
    layer = Conv(bs[1], bs[0], tuple(bs[2:]), stride=p[2], padding=p[0], dilation=p[3], padding_mode=p[1])
    with torch.no_grad():
        layer.weight.copy_(T(c["b"], bs, False))
        layer.bias.copy_(T(p[4], [bs[0]], False))
    y = layer(x)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": enc(layer.weight.grad)})
print(json.dumps(out))
`;

const LAYER_CASES = layerCases();
eachBackend('Conv1d and Conv2d with each paddingMode', () => {
  it.runIf(haveTorch)(`${LAYER_CASES.length} random layers as torch's (values and gradients within 2e-6)`, () => {
    expectOpsLikeTorch(LAYER_CASES, LAYER_SCRIPT, runLayer, 2e-6);
  });
});

describe('the padding layers, nn.Upsample, nn.Dropout2d', () => {
  it('the layers compute their ops, and refuse bad arguments', () => {
    const row = bp.arange(4).reshape([1, 1, 4]);
    expect(Array.from(new nn.ReflectionPad1d([2, 1]).forward(row).data)).toEqual([2, 1, 0, 1, 2, 3, 2]);
    expect(Array.from(new nn.ReplicationPad1d(2).forward(row).data)).toEqual([0, 0, 0, 1, 2, 3, 3, 3]);
    expect(Array.from(new nn.ConstantPad1d([1, -2], 9).forward(row).data)).toEqual([9, 0, 1]);
    // circular, a side cut: the part kept wraps around (torch's answer here too).
    expect(Array.from(bp.pad(row, [-1, 3], { mode: 'circular' }).data)).toEqual([1, 2, 3, 1, 2, 3]);
    const cube = bp.arange(8).reshape([1, 1, 2, 2, 2]);
    expect(new nn.ReflectionPad3d(1).forward(cube).shape).toEqual([1, 1, 4, 4, 4]);
    expect(Array.from(new nn.ReplicationPad3d([0, 0, 0, 0, 1, 0]).forward(cube).data)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(new nn.ConstantPad3d([0, 0, 0, 0, 0, 1], 0.5).forward(cube).data.subarray(8))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(new nn.ReflectionPad2d([1, 0, 0, 0]).forward(bp.arange(4).reshape([1, 2, 2])).data)).toEqual([1, 0, 1, 3, 2, 3]);
    expect(Array.from(new nn.ReplicationPad2d([0, 1, 1, 0]).forward(bp.arange(4).reshape([1, 2, 2])).data)).toEqual([0, 1, 1, 0, 1, 1, 2, 3, 3]);
    expect(() => new nn.ReflectionPad1d([1, 2, 3] as unknown as number)).toThrow(/ReflectionPad1d: padding must be an integer or 2 of them \[left, right\], got \[1, 2, 3\]/);
    expect(() => new nn.ReplicationPad3d(1.5)).toThrow(/ReplicationPad3d: padding must be an integer or 6 of them \[left, right, top, bottom, front, back\], got 1.5/);
    expect(() => new nn.ReflectionPad2d(3).forward(bp.zeros([1, 3, 3]))).toThrow(/pad: mode 'reflect' needs each amount smaller than the dimension \(3\)/);
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as nn.PaddingMode })).toThrow(/Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "mirror"/);
    expect(() => new nn.Conv1d(1, 1, 3, { paddingMode: 'zero' as nn.PaddingMode })).toThrow(/Conv1d: paddingMode must be one of/);
    const x = bp.arange(6).reshape([1, 1, 2, 3]);
    expect(Array.from(new nn.ZeroPad2d([1, 0, 0, 1]).forward(x).data)).toEqual([0, 0, 1, 2, 0, 3, 4, 5, 0, 0, 0, 0]);
    expect(Array.from(new nn.ConstantPad2d(-1, 7).forward(bp.ones([1, 3, 3])).data)).toEqual([1]);
    expect(Array.from(new nn.Upsample({ scaleFactor: [1, 2] }).forward(x).data)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(() => new nn.ZeroPad2d([1, 2] as unknown as number)).toThrow(/ZeroPad2d: padding must be an integer or 4 of them \[left, right, top, bottom\], got \[1, 2\]/);
    expect(() => new nn.ConstantPad2d(1, null as unknown as number)).toThrow(/ConstantPad2d: value must be a number, got null/);
    expect(() => new nn.Upsample({})).toThrow(/Upsample: give exactly one of size and scaleFactor/);
    expect(() => new nn.Upsample({ size: 2, mode: 'cubic' as 'nearest' })).toThrow(/Upsample: mode must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', 'area', got "cubic"/);
    expect(() => new nn.Upsample({ size: 2, alignCorners: true })).toThrow(/Upsample: alignCorners is for the modes 'linear', 'bilinear', 'trilinear' and 'bicubic', not 'nearest'/);
    expect(() => new nn.UpsamplingBilinear2d({})).toThrow(/UpsamplingBilinear2d: give exactly one of size and scaleFactor/);
    expect(() => new nn.UpsamplingNearest2d({ size: 2, mode: 'bilinear' } as nn.UpsamplingOptions)).toThrow(/UpsamplingNearest2d: .*mode/);
    const img = bp.arange(4).reshape([1, 1, 2, 2]);
    expect(Array.from(new nn.UpsamplingBilinear2d({ size: 3 }).forward(img).data)).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
    expect(Array.from(new nn.UpsamplingNearest2d({ scaleFactor: 2 }).forward(img).data)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    expect(() => new nn.Dropout2d(1.5)).toThrow(/Dropout2d: p must be in \[0, 1\], got 1.5/);
    expect(() => new nn.Dropout2d().forward(bp.zeros([4, 5]))).toThrow(/Dropout2d: input must be 3-D \[N, C, L\] or 4-D \[N, C, H, W\], got shape \[4, 5\]/);
  });

  it('Dropout2d zeroes whole channels (about p of them), scales the rest by 1 / (1 - p), passes gradients through its mask, and is the identity in eval mode', () => {
    bp.manualSeed(9);
    const d = new nn.Dropout2d(0.3);
    const x = bp.ones([40, 50, 2, 3], { requiresGrad: true });
    const y = d.forward(x);
    y.sum().backward();
    let dropped = 0;
    for (let ch = 0; ch < 40 * 50; ch++) {
      const vals = Array.from(y.data.subarray(ch * 6, ch * 6 + 6));
      const grads = Array.from(x.grad!.data.subarray(ch * 6, ch * 6 + 6));
      expect(new Set(vals).size, `channel ${ch}`).toBe(1);
      expect(grads).toEqual(vals);
      if (vals[0] === 0) dropped++;
      else expect(vals[0]).toBe(Math.fround(1 / 0.7));
    }
    expect(Math.abs(dropped / 2000 - 0.3)).toBeLessThan(0.04);
    const ch3 = d.forward(bp.ones([30, 20, 5]));
    for (let ch = 0; ch < 600; ch++) expect(new Set(ch3.data.subarray(ch * 5, ch * 5 + 5)).size).toBe(1);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(Array.from(new nn.Dropout2d(1).forward(bp.ones([2, 2, 2])).data)).toEqual(new Array(8).fill(0));
  });

  it('a model with them saves and loads whole', () => {
    const model = new nn.Sequential(new nn.ZeroPad2d([1, 2, 0, 1]), new nn.ConstantPad2d(1, -0.5), new nn.Upsample({ size: [7, 9] }), new nn.Dropout2d(0.1),
      new nn.Upsample({ scaleFactor: 0.5 }), new nn.ReflectionPad2d([1, 2, 0, 1]), new nn.ReplicationPad2d(2), new nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: 'circular' }),
      new nn.Flatten(2), new nn.ConstantPad1d([1, 0], 2.5), new nn.ReflectionPad1d(1), new nn.ReplicationPad1d([0, 2]), new nn.Conv1d(4, 2, 3, { padding: 'same', paddingMode: 'reflect' }));
    const file = `${require('node:os').tmpdir()}/bp-pad-${process.pid}.safetensors`;
    bp.save(model, file);
    const back = bp.load(file);
    expect(String(back)).toBe(String(model));
    back.eval();
    model.eval();
    const x = bp.randn([2, 3, 4, 4]);
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
    const resizers = new nn.Sequential(new nn.Upsample({ scaleFactor: [1.5, 2], mode: 'bilinear', alignCorners: true }), new nn.Upsample({ size: [3, 5], mode: 'area' }),
      new nn.UpsamplingBilinear2d({ scaleFactor: 2 }), new nn.UpsamplingNearest2d({ size: [4, 4] }), new nn.Upsample({ scaleFactor: 1.25, mode: 'nearest-exact' }));
    bp.save(resizers, file);
    const resizersBack = bp.load(file);
    expect(String(resizersBack)).toBe(String(resizers));
    expect((resizersBack as nn.Sequential).layers.map((l) => l.constructor.name)).toEqual(resizers.layers.map((l) => l.constructor.name));
    expect(Array.from(resizersBack.forward(x).data)).toEqual(Array.from(resizers.forward(x).data));
    const cubes = new nn.Sequential(new nn.ConstantPad3d(1, 3), new nn.ReflectionPad3d([1, 0, 0, 1, 1, 1]), new nn.ReplicationPad3d(1));
    bp.save(cubes, file);
    const cubesBack = bp.load(file);
    expect(String(cubesBack)).toBe(String(cubes));
    const v = bp.randn([1, 2, 2, 3, 2]);
    expect(Array.from(cubesBack.forward(v).data)).toEqual(Array.from(cubes.forward(v).data));
  });
});

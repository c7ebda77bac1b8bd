// conv1d, maxPool1d, avgPool1d, adaptiveAvgPool2d, convTranspose2d and convTranspose1d against torch 1.13 on both
// backends (values and every gradient), their layers (printing, saving, parameters) and their
// argument errors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { oneImageAtATime } from './helpers/conv_paths';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(2027);
const { int, pick } = drawsOf(r);
const randoms = (n: number) => Array.from({ length: n }, () => Math.fround(2 * r() - 1));
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Cases of every op: a the input, b the weight (convolutions), args the op's own. */
function cases(): OpCase[] {
  const out: OpCase[] = [];
  const tries = (n: number, make: () => OpCase | null) => {
    for (let made = 0; made < n;) {
      const c = make();
      if (c) { out.push(c); made++; }
    }
  };
  // conv1d: args [bias, stride, padding, dilation, groups].
  tries(60, () => {
    const groups = pick([1, 1, 2, 3]), cg = 1 + int(3), og = 1 + int(3), k = 1 + int(5), len = 1 + int(12);
    const dilation = 1 + int(2), padding = r() < 0.2 ? pick(['valid', 'same']) : int(3);
    const stride = padding === 'same' ? 1 : 1 + int(3);
    if (len + 2 * (typeof padding === 'string' ? 0 : padding) - (padding === 'same' ? 0 : dilation * (k - 1)) - 1 < 0) return null;
    const xs = r() < 0.85 ? [1 + int(3), cg * groups, len] : [cg * groups, len];
    const ws = [og * groups, cg, k];
    return { op: 'conv1d', a: randoms(size(xs)), as: xs, b: randoms(size(ws)), bs: ws, args: [r() < 0.7 ? randoms(og * groups) : null, stride, padding, dilation, groups] };
  });
  // pools 1d: args [kernel, stride or null, padding, dilation, ceil, countIncludePad].
  tries(60, () => {
    const max = r() < 0.5, k = 1 + int(4), len = 1 + int(12), ceil = r() < 0.4;
    const stride = r() < 0.3 ? null : 1 + int(3), padding = int(Math.floor(k / 2) + 1), dilation = max ? 1 + int(2) : 1;
    const s = stride ?? k;
    let o = Math.floor((len + 2 * padding - dilation * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
    if (ceil && (o - 1) * s >= len + padding) o--;
    if (o < 1) return null;
    // A window wholly in the padding is refused (conv.test.ts tests that): not drawn here.
    for (let i = 0; i < o; i++) {
      let f = i * s - padding;
      while (f < 0) f += dilation;
      if (f >= len || f > i * s - padding + (k - 1) * dilation) return null;
    }
    const xs = r() < 0.85 ? [1 + int(2), 1 + int(3), len] : [1 + int(3), len];
    const a = Array.from({ length: size(xs) }, () => (r() < 0.3 ? int(3) : Math.fround(4 * r() - 2)));
    return { op: max ? 'maxPool1d' : 'avgPool1d', a, as: xs, args: [k, stride, padding, dilation, ceil, r() < 0.7] };
  });
  // adaptiveAvgPool2d: args [outputSize].
  tries(40, () => {
    const h = 1 + int(9), w = 1 + int(9);
    const outSize = r() < 0.3 ? 1 + int(4) : [r() < 0.2 ? null : 1 + int(h + 2), r() < 0.2 ? null : 1 + int(w + 2)];
    const xs = r() < 0.85 ? [1 + int(2), 1 + int(3), h, w] : [1 + int(3), h, w];
    return { op: 'adaptiveAvgPool2d', a: randoms(size(xs)), as: xs, args: [outSize] };
  });
  // convTranspose2d: args [bias, stride, padding, outputPadding, dilation, groups].
  tries(80, () => {
    const groups = pick([1, 1, 2, 3]), cg = 1 + int(3), og = 1 + int(3), kh = 1 + int(4), kw = 1 + int(4), h = 1 + int(6), w = 1 + int(6);
    const stride: [number, number] = [1 + int(3), 1 + int(3)], dilation: [number, number] = [1 + int(2), 1 + int(2)];
    const padding: [number, number] = [int(3), int(3)];
    const outputPadding: [number, number] = [int(Math.max(stride[0], dilation[0])), int(Math.max(stride[1], dilation[1]))];
    const oh = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
    const ow = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
    if (oh < 1 || ow < 1) return null;
    const xs = r() < 0.85 ? [1 + int(2), cg * groups, h, w] : [cg * groups, h, w];
    const ws = [cg * groups, og, kh, kw];
    return { op: 'convTranspose2d', a: randoms(size(xs)), as: xs, b: randoms(size(ws)), bs: ws, args: [r() < 0.7 ? randoms(og * groups) : null, stride, padding, outputPadding, dilation, groups] };
  });
  // convTranspose1d: args [bias, stride, padding, outputPadding, dilation, groups].
  tries(60, () => {
    const groups = pick([1, 1, 2, 3]), cg = 1 + int(3), og = 1 + int(3), k = 1 + int(4), l = 1 + int(7);
    const stride = 1 + int(3), dilation = 1 + int(2), padding = int(3), outputPadding = int(Math.max(stride, dilation));
    if ((l - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1 < 1) return null;
    const xs = r() < 0.85 ? [1 + int(2), cg * groups, l] : [cg * groups, l];
    const ws = [cg * groups, og, k];
    return { op: 'convTranspose1d', a: randoms(size(xs)), as: xs, b: randoms(size(ws)), bs: ws, args: [r() < 0.7 ? randoms(og * groups) : null, stride, padding, outputPadding, dilation, groups] };
  });
  return out;
}

const weightsFor = (y: bp.Tensor) => bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] });

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const w = c.b ? bp.tensor(c.b, { shape: c.bs, requiresGrad: true }) : null;
  const p = c.args;
  let bias: bp.Tensor | null = null;
  let y: bp.Tensor;
  switch (c.op) {
    case 'conv1d':
      bias = p[0] === null ? null : bp.tensor(p[0] as number[], { requiresGrad: true });
      y = bp.conv1d(x, w!, bias, { stride: p[1] as number, padding: p[2] as number | 'valid', dilation: p[3] as number, groups: p[4] as number });
      break;
    case 'maxPool1d':
      y = bp.maxPool1d(x, p[0] as number, { stride: (p[1] as number | null) ?? undefined, padding: p[2] as number, dilation: p[3] as number, ceilMode: p[4] as boolean });
      break;
    case 'avgPool1d':
      y = bp.avgPool1d(x, p[0] as number, { stride: (p[1] as number | null) ?? undefined, padding: p[2] as number, ceilMode: p[4] as boolean, countIncludePad: p[5] as boolean });
      break;
    case 'adaptiveAvgPool2d':
      y = bp.adaptiveAvgPool2d(x, p[0] as number | [number | null, number | null]);
      break;
    case 'convTranspose1d':
      bias = p[0] === null ? null : bp.tensor(p[0] as number[], { requiresGrad: true });
      y = bp.convTranspose1d(x, w!, bias, { stride: p[1] as number, padding: p[2] as number, outputPadding: p[3] as number, dilation: p[4] as number, groups: p[5] as number });
      break;
    default:
      bias = p[0] === null ? null : bp.tensor(p[0] as number[], { requiresGrad: true });
      y = bp.convTranspose2d(x, w!, bias, { stride: p[1] as [number, number], padding: p[2] as [number, number], outputPadding: p[3] as [number, number], dilation: p[4] as [number, number], groups: p[5] as number });
  }
  y.mul(weightsFor(y)).sum().backward();
  const gb = w ? [...Array.from(w.grad!.data), ...(bias ? Array.from(bias.grad!.data) : [])] : null;
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    w = T(c["b"], c["bs"], True) if c.get("b") is not None else None
    b = None
    if op == "conv1d":
        b = None if p[0] is None else T(p[0], [len(p[0])], True)
        y = F.conv1d(x, w, b, stride=p[1], padding=p[2], dilation=p[3], groups=p[4])
    elif op == "maxPool1d":
        y = F.max_pool1d(x, p[0], stride=p[1], padding=p[2], dilation=p[3], ceil_mode=p[4])
    elif op == "avgPool1d":
        y = F.avg_pool1d(x, p[0], stride=p[1], padding=p[2], ceil_mode=p[4], count_include_pad=p[5])
    elif op == "adaptiveAvgPool2d":
        y = F.adaptive_avg_pool2d(x, p[0] if isinstance(p[0], int) else tuple(p[0]))
    elif op == "convTranspose1d":
        b = None if p[0] is None else T(p[0], [len(p[0])], True)
        y = F.conv_transpose1d(x, w, b, stride=p[1], padding=p[2], output_padding=p[3], dilation=p[4], groups=p[5])
    else:
        b = None if p[0] is None else T(p[0], [len(p[0])], True)
        y = F.conv_transpose2d(x, w, b, stride=p[1], padding=p[2], output_padding=p[3], dilation=p[4], groups=p[5])
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    gb = None if w is None else enc(w.grad) + ([] if b is None else enc(b.grad))
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": gb})
print(json.dumps(out))
`;

/** Whether an adaptiveAvgPool2d case pools to one element a plane (torch and this library take the mean, summed each its own way). */
function toOneElement(c: OpCase): boolean {
  const size = c.args[0] as number | (number | null)[];
  if (c.op !== 'adaptiveAvgPool2d') return false;
  return typeof size === 'number' ? size === 1 : size.every((s, i) => (s ?? c.as[c.as.length - 2 + i]) === 1);
}

const CASES = cases();
noteIfNoTorch('the comparison of conv1d, the 1-d poolings, adaptiveAvgPool2d and the transposed convolutions with torch');
eachBackend('conv1d, maxPool1d, avgPool1d, adaptiveAvgPool2d, convTranspose2d, convTranspose1d', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and every gradient; the poolings bit for bit but adaptive pooling to one element, a mean)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op.includes('Pool') && !toOneElement(c) ? 0 : 2e-6));
  });

  it.runIf(haveTorch)('the same calls with the convolutions one image at a time, the path of large batches (conv1d, both transposed ones)', () => {
    // The weight's gradient adds each image's sum rounded, where the batch path rounded one sum.
    oneImageAtATime(() => expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op === 'maxPool1d' ? 0 : 5e-6)));
  });

  it.runIf(haveTorch)("forwardTo(x, outputSize) as torch's forward(input, output_size), 1-d, 2-d and 3-d, sizes alone or whole shapes", () => {
    bp.manualSeed(8);
    const layers = [
      { layer: new nn.ConvTranspose1d(2, 3, 3, { stride: 3, padding: 1 }), x: bp.randn([2, 2, 4]), size: [11], torch: 'ConvTranspose1d(2, 3, 3, stride=3, padding=1)' },
      { layer: new nn.ConvTranspose2d(2, 4, [3, 2], { stride: [2, 3], padding: [1, 0], dilation: [1, 2], groups: 2 }), x: bp.randn([2, 3, 4]), size: [4, 6, 14],
        torch: 'ConvTranspose2d(2, 4, (3, 2), stride=(2, 3), padding=(1, 0), dilation=(1, 2), groups=2)' },
      { layer: new nn.ConvTranspose2d(3, 2, 3, { stride: 2 }), x: bp.randn([1, 3, 3, 3]), size: [1, 2, 8, 7], torch: 'ConvTranspose2d(3, 2, 3, stride=2)' },
      { layer: new nn.ConvTranspose3d(2, 2, 2, { stride: [2, 3, 1] }), x: bp.randn([1, 2, 2, 3, 2]), size: [5, 9, 3], torch: 'ConvTranspose3d(2, 2, 2, stride=(2, 3, 1))' },
    ];
    const script = `import torch, json, sys
out = []
for c in json.loads(sys.stdin.read()):
    m = eval("torch.nn." + c["torch"])
    with torch.no_grad():
        m.weight.copy_(torch.tensor(c["w"]).reshape(m.weight.shape)); m.bias.copy_(torch.tensor(c["b"]))
    y = m(torch.tensor(c["x"]).reshape(c["xs"]), output_size=c["size"])
    out.append({"shape": list(y.shape), "y": y.detach().reshape(-1).tolist()})
print(json.dumps(out))`;
    const theirs = torchJson<{ shape: number[]; y: number[] }[]>(script, JSON.stringify(layers.map(({ layer, x, size, torch }) => ({
      torch, size, x: Array.from(x.data), xs: x.shape, w: Array.from(layer.weight.data), b: Array.from(layer.bias!.data),
    }))));
    layers.forEach(({ layer, x, size }, i) => {
      const y = layer.forwardTo(x, size);
      expect(y.shape, `layer ${i}`).toEqual(theirs[i].shape);
      Array.from(y.data).forEach((v, k) => expect(Math.abs(v - theirs[i].y[k]), `layer ${i} [${k}]`).toBeLessThanOrEqual(1e-5));
    });
    const t = new nn.ConvTranspose2d(3, 2, 3, { stride: 2 });
    expect(Array.from(t.forwardTo(bp.ones([1, 3, 3, 3]), null).data)).toEqual(Array.from(t.forward(bp.ones([1, 3, 3, 3])).data));
    expect(() => t.forwardTo(bp.ones([1, 3, 3, 3]), [9, 7])).toThrow(/ConvTranspose2d: requested an output size of \[9, 7\], but valid sizes range from \[7, 7\] to \[8, 8\] \(for an input of \[3, 3\]\)/);
    expect(() => t.forwardTo(bp.ones([1, 3, 3, 3]), [7])).toThrow(/ConvTranspose2d: for 4-D input, outputSize must have 2 or 4 integers, got \[7\]/);
    expect(() => t.forwardTo(bp.ones([3, 3, 3]), [2, 7, 7.5])).toThrow(/ConvTranspose2d: for 3-D input, outputSize must have 2 or 3 integers/);
  });

  it('argument errors name the op, the argument and the shapes', () => {
    const x = bp.zeros([2, 3, 8]);
    expect(() => bp.conv1d(bp.zeros([3]), bp.zeros([4, 3, 2]))).toThrow(/conv1d: input must be 2-D \[C, L\] or 3-D \[N, C, L\], got shape \[3\]/);
    expect(() => bp.conv1d(x, bp.zeros([4, 3, 2, 1]))).toThrow(/conv1d: weight must be 3-D \[out, in \/ groups, k\], got shape \[4, 3, 2, 1\]/);
    expect(() => bp.conv1d(x, bp.zeros([4, 2, 2]))).toThrow(/^conv1d: input \[2, 3, 8\] \(3 channels\) does not match weight \[4, 2, 2\]/);
    expect(() => bp.conv1d(x, bp.zeros([4, 3, 9]))).toThrow(/^conv1d: the output size \(0\) is too small for input \[2, 3, 8\] with kernel 9, stride 1, padding 0, dilation 1$/);
    expect(() => bp.conv1d(x, bp.zeros([4, 3, 2]), null, { stride: [1, 2] as unknown as number })).toThrow(/conv1d: stride must be an integer of at least 1, got \[1, 2\]/);
    expect(() => bp.maxPool1d(x, 2, { padding: 2 })).toThrow(/^maxPool1d: padding 2 must be at most half the kernel size 2$/);
    expect(() => bp.avgPool1d(x, 0)).toThrow(/avgPool1d: kernelSize must be an integer of at least 1, got 0/);
    const seq = bp.zeros([1, 4, 3]);
    expect(() => bp.convTranspose1d(seq, bp.zeros([3, 2, 3]))).toThrow(/^convTranspose1d: input \[1, 4, 3\] \(4 channels\) does not match weight \[3, 2, 3\] with groups 1/);
    expect(() => bp.convTranspose1d(seq, bp.zeros([4, 2, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/^convTranspose1d: outputPadding 2 must be smaller than the stride 2 or the dilation 1$/);
    expect(() => bp.convTranspose1d(seq, bp.zeros([4, 2, 1]), null, { padding: 2 })).toThrow(/^convTranspose1d: the output size \(-1\) is too small for input \[1, 4, 3\] with kernel 1, stride 1, padding 2$/);
    expect(() => bp.convTranspose1d(seq, bp.zeros([4, 2, 3, 3]))).toThrow(/convTranspose1d: weight must be 3-D \[in, out \/ groups, k\], got shape \[4, 2, 3, 3\]/);
    expect(() => bp.convTranspose1d(seq, bp.zeros([4, 2, 3]), null, { stride: 0 })).toThrow(/convTranspose1d: stride must be an integer of at least 1, got 0/);
    const img = bp.zeros([1, 4, 3, 3]);
    expect(() => bp.convTranspose2d(img, bp.zeros([3, 2, 3, 3]))).toThrow(/convTranspose2d: input \[1, 4, 3, 3\] \(4 channels\) does not match weight \[3, 2, 3, 3\] with groups 1/);
    expect(() => bp.convTranspose2d(img, bp.zeros([4, 2, 3, 3]), bp.zeros([3]))).toThrow(/convTranspose2d: bias shape \[3\] does not match weight shape \[4, 2, 3, 3\] with groups 1 \(expected \[2\]\)/);
    expect(() => bp.convTranspose2d(img, bp.zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/convTranspose2d: outputPadding 2 x 2 must be smaller than the stride 2 x 2 or the dilation 1 x 1/);
    expect(() => bp.convTranspose2d(img, bp.zeros([4, 2, 1, 1]), null, { padding: 2 })).toThrow(/convTranspose2d: the output size \(-1 x -1\) is too small/);
    expect(() => bp.convTranspose2d(img, bp.zeros([4, 2, 2, 2]), null, { stride: 2 ** 31 })).toThrow(/convTranspose2d: h = 4294967298 is larger than 2\^31 - 1 \(input \[1, 4, 3, 3\]\)/);
    expect(() => bp.convTranspose2d(img, bp.zeros([4, 2, 3]))).toThrow(/convTranspose2d: weight must be 4-D \[in, out \/ groups, kh, kw\]/);
    expect(() => bp.convTranspose2d(img, bp.zeros([4, 2, 3, 3]), null, { groups: 3 })).toThrow(/with groups 3/);
  });
});

describe('nn.Conv1d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.MaxPool1d, nn.AvgPool1d, nn.AdaptiveAvgPool2d', () => {
  it("parameters' shapes and torch's initial bounds; constructor errors", () => {
    bp.manualSeed(4);
    const c1 = new nn.Conv1d(4, 6, 5, { groups: 2 });
    expect([c1.weight.shape, c1.bias!.shape]).toEqual([[6, 2, 5], [6]]);
    const t2 = new nn.ConvTranspose2d(4, 6, [3, 2], { groups: 2 });
    expect([t2.weight.shape, t2.bias!.shape]).toEqual([[4, 3, 3, 2], [6]]);
    const t1 = new nn.ConvTranspose1d(4, 6, 5, { groups: 2 });
    expect([t1.weight.shape, t1.bias!.shape]).toEqual([[4, 3, 5], [6]]);
    for (const [t, fanIn] of [[c1.weight, 10], [c1.bias!, 10], [t2.weight, 18], [t2.bias!, 18], [t1.weight, 15], [t1.bias!, 15]] as const) {
      const m = Math.max(...Array.from(t.data).map(Math.abs));
      expect(m).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
      expect(m).toBeGreaterThan(0.4 / Math.sqrt(fanIn));
    }
    expect(() => new nn.Conv1d(3, 4, 3, { groups: 2 })).toThrow(/Conv1d: inChannels \(3\) and outChannels \(4\) must both be divisible by groups \(2\)/);
    expect(() => new nn.Conv1d(3, 4, 2, { padding: 'same', stride: 2 })).toThrow(/Conv1d: padding 'same' needs stride 1, got 2/);
    expect(() => new nn.ConvTranspose2d(2, 4, 0)).toThrow(/ConvTranspose2d: kernelSize must be an integer of at least 1/);
    expect(() => new nn.ConvTranspose1d(2, 4, 3, { groups: 4 })).toThrow(/ConvTranspose1d: inChannels \(2\) and outChannels \(4\) must both be divisible by groups \(4\)/);
    expect(() => new nn.ConvTranspose1d(2, 4, 3, { outputPadding: -1 })).toThrow(/ConvTranspose1d: outputPadding must be an integer of at least 0, got -1/);
    expect(() => new nn.MaxPool1d(2, { stride: 0 })).toThrow(/MaxPool1d: stride must be an integer of at least 1, got 0/);
    expect(() => new nn.AvgPool1d(2, { countIncludePad: 0 as unknown as boolean })).toThrow(/AvgPool1d: option countIncludePad must be true or false/);
    expect(() => new nn.AdaptiveAvgPool2d([2, 0] as unknown as [number, number])).toThrow(/AdaptiveAvgPool2d: outputSize must be a positive integer or two of them/);
  });

  it('a model of them saves and loads whole', () => {
    const model = new nn.Sequential(new nn.Conv1d(2, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool1d(2), new nn.AvgPool1d(2, { ceilMode: true }),
      new nn.Flatten(0, 1));
    const up = new nn.Sequential(new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 1 }), new nn.AdaptiveAvgPool2d([null, 3]),
      new nn.Flatten(2), new nn.ConvTranspose1d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2, bias: false }));
    for (const [m, x] of [[model, bp.randn([2, 8])], [up, bp.randn([2, 3, 4, 4])]] as const) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-conv-more-')), 'm.safetensors');
      bp.save(m, file);
      const back = bp.load(file);
      expect(String(back)).toBe(String(m));
      expect(Array.from(back.forward(x).data)).toEqual(Array.from(m.forward(x).data));
    }
  });
});

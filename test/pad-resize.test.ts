// pad (constant) and interpolate (nearest) against torch 1.13 on both backends, nn.ZeroPad2d,
// nn.ConstantPad2d, nn.Upsample and nn.Dropout2d as layers, and their argument errors.
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
    out.push({ op: 'pad', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [pads, pick([0, 0, 1.5, -2])] });
  }
  // interpolate: args [size or null, scaleFactor or null].
  while (out.length < 160) {
    const spatial = 1 + int(2);
    const as = [1 + int(2), 1 + int(3), ...Array.from({ length: spatial }, () => 1 + int(7))];
    const bySize = r() < 0.5;
    const size = bySize ? (r() < 0.3 ? 1 + int(12) : Array.from({ length: spatial }, () => 1 + int(12))) : null;
    const factor = bySize ? null : r() < 0.3 ? pick([2, 3, 0.5, 1.5]) : Array.from({ length: spatial }, () => pick([1, 2, 3, 0.5, 1.5, 2.5, 0.75]));
    const outs = as.slice(2).map((s, i) => (size !== null ? 1 : Math.floor(s * (typeof factor === 'number' ? factor : (factor as number[])[i]))));
    if (outs.some((o) => o < 1)) continue;
    out.push({ op: 'interpolate', a: randoms(as.reduce((p, q) => p * q, 1)), as, args: [size, factor] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const y = c.op === 'pad'
    ? bp.pad(x, c.args[0] as number[], { value: c.args[1] as number })
    : bp.interpolate(x, { size: (c.args[0] as number | number[] | null) ?? undefined, scaleFactor: (c.args[1] as number | number[] | null) ?? undefined });
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    if op == "pad":
        y = F.pad(x, p[0], value=p[1])
    else:
        size = p[0] if p[0] is None or isinstance(p[0], int) else tuple(p[0])
        factor = p[1] if p[1] is None or isinstance(p[1], (int, float)) else tuple(float(v) for v in p[1])
        y = F.interpolate(x, size=size, scale_factor=factor, mode="nearest")
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of pad and interpolate with torch');
eachBackend('pad and interpolate', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values bit for bit; gradients, sums of up to a few, within 1e-6)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op === 'pad' ? 0 : 1e-6));
  });

  it('argument errors name the argument', () => {
    const x = bp.zeros([2, 3]);
    expect(() => bp.pad(x, [1])).toThrow(/pad: pads must be an even number of integers, two per dimension and at most 4 for shape \[2, 3\], got \[1\]/);
    expect(() => bp.pad(x, [1, 1, 1, 1, 1, 1])).toThrow(/at most 4 for shape \[2, 3\]/);
    expect(() => bp.pad(x, [1.5, 1])).toThrow(/pad: pads must be an even number of integers/);
    expect(() => bp.pad(x, [-2, -2])).toThrow(/pad: padding \(-2, -2\) of dimension 1 leaves it -1 long \(input \[2, 3\]\); it must keep at least one element/);
    expect(() => bp.pad(x, [0, 0, -1, -1])).toThrow(/pad: padding \(-1, -1\) of dimension 0 leaves it 0 long/);
    expect(() => bp.pad(x, [1, 1], { mode: 'reflect' as 'constant' })).toThrow(/pad: mode must be 'constant' \(the only mode here\), got "reflect"/);
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
    expect(() => bp.interpolate(img, { size: 4, mode: 'bilinear' as 'nearest' })).toThrow(/interpolate: mode must be 'nearest' \(the only mode here\), got "bilinear"/);
    expect(() => bp.interpolate(bp.zeros([2, 3]), { size: 4 })).toThrow(/interpolate: input must be 3-D \[N, C, L\] or 4-D \[N, C, H, W\], got shape \[2, 3\]/);
  });
});

describe('nn.ZeroPad2d, nn.ConstantPad2d, nn.Upsample, nn.Dropout2d', () => {
  it('the layers compute their ops, and refuse bad arguments', () => {
    const x = bp.arange(6).reshape([1, 1, 2, 3]);
    expect(Array.from(new nn.ZeroPad2d([1, 0, 0, 1]).forward(x).data)).toEqual([0, 0, 1, 2, 0, 3, 4, 5, 0, 0, 0, 0]);
    expect(Array.from(new nn.ConstantPad2d(-1, 7).forward(bp.ones([1, 3, 3])).data)).toEqual([1]);
    expect(Array.from(new nn.Upsample({ scaleFactor: [1, 2] }).forward(x).data)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(() => new nn.ZeroPad2d([1, 2] as unknown as number)).toThrow(/ZeroPad2d: padding must be an integer or four of them \[left, right, top, bottom\], got \[1, 2\]/);
    expect(() => new nn.ConstantPad2d(1, null as unknown as number)).toThrow(/ConstantPad2d: value must be a number, got null/);
    expect(() => new nn.Upsample({})).toThrow(/Upsample: give exactly one of size and scaleFactor/);
    expect(() => new nn.Upsample({ size: 2, mode: 'linear' as 'nearest' })).toThrow(/Upsample: mode must be 'nearest'/);
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
    const model = new nn.Sequential(new nn.ZeroPad2d([1, 2, 0, 1]), new nn.ConstantPad2d(1, -0.5), new nn.Upsample({ size: [7, 9] }), new nn.Dropout2d(0.1), new nn.Upsample({ scaleFactor: 0.5 }));
    const file = `${require('node:os').tmpdir()}/bp-pad-${process.pid}.safetensors`;
    bp.save(model, file);
    const back = bp.load(file);
    expect(String(back)).toBe(String(model));
    back.eval();
    model.eval();
    const x = bp.randn([2, 3, 4, 4]);
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });
});

// adaptiveAvgPool1d/2d and adaptiveMaxPool1d/2d (with torch's indices) against torch 1.13 on both
// backends: windows of differing sizes, sides kept (null), outputs larger than the input; max
// pooling bit for bit with ties, NaN and -inf; the nn layers, and the argument errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(2037);
const { int, pick } = drawsOf(r);
// Values with ties, NaN and -inf now and then (max pooling's rules), else uniform in [-1, 1).
const values = (n: number, special: boolean) => Array.from({ length: n }, () => {
  if (special && r() < 0.15) return pick([NaN, -Infinity, 0.5, 0.5, -0.5]);
  return Math.fround(2 * r() - 1);
});

function cases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 240) {
    const op = pick(['adaptiveAvgPool2d', 'adaptiveMaxPool2d', 'adaptiveAvgPool1d', 'adaptiveMaxPool1d']);
    const twoD = op.endsWith('2d');
    const sides = Array.from({ length: twoD ? 2 : 1 }, () => 1 + int(9));
    const batch = r() < 0.8 ? [r() < 0.05 ? 0 : 1 + int(2), 1 + int(3)] : [1 + int(3)];
    const as = [...batch, ...sides];
    const outSize = twoD
      ? r() < 0.3 ? 1 + int(5) : sides.map((s) => (r() < 0.2 ? null : 1 + int(s + 3)))
      : 1 + int(sides[0] + 3);
    out.push({ op, a: values(as.reduce((p, q) => p * q, 1), op.includes('Max')), as, args: [outSize] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const size = c.args[0] as number & [number | null, number | null];
  let y: bp.Tensor;
  let indices: number[] | null = null;
  if (c.op === 'adaptiveAvgPool2d') y = bp.adaptiveAvgPool2d(x, size);
  else if (c.op === 'adaptiveAvgPool1d') y = bp.adaptiveAvgPool1d(x, size);
  else {
    const res = c.op === 'adaptiveMaxPool2d' ? bp.adaptiveMaxPool2dWithIndices(x, size) : bp.adaptiveMaxPool1dWithIndices(x, size);
    y = res.values;
    indices = Array.from(res.indices.data);
    // The functional forms without indices give the same values.
    const plain = c.op === 'adaptiveMaxPool2d' ? bp.adaptiveMaxPool2d(x, size) : bp.adaptiveMaxPool1d(x, size);
    expect(Array.from(plain.data)).toEqual(Array.from(y.data));
  }
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: indices };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    size = p[0] if isinstance(p[0], int) else tuple(p[0])
    idx = None
    if op == "adaptiveAvgPool2d":
        y = F.adaptive_avg_pool2d(x, size)
    elif op == "adaptiveAvgPool1d":
        y = F.adaptive_avg_pool1d(x, size)
    elif op == "adaptiveMaxPool2d":
        y, idx = F.adaptive_max_pool2d(x, size, return_indices=True)
    else:
        y, idx = F.adaptive_max_pool1d(x, size, return_indices=True)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": None if idx is None else enc(idx.float())})
print(json.dumps(out))
`;

/** Whether an adaptive pooling's output has one element a plane (torch and this library take the mean, summed each its own way). */
function toOneElement(c: OpCase): boolean {
  const size = c.args[0] as number | (number | null)[];
  const sides = c.as.slice(-(c.op.endsWith('2d') ? 2 : 1));
  return typeof size === 'number' ? size === 1 : size.every((s, i) => (s ?? sides[i]) === 1);
}

const CASES = cases();
noteIfNoTorch('the comparison of the adaptive poolings with torch');
eachBackend('adaptive pooling', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values, max pooling's indices and the gradients bit for bit; averages to one element, a mean in both, within 2e-6)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op.includes('Avg') && toOneElement(c) ? 2e-6 : 0));
  });

  it('argument errors name the op, the argument and the shapes', () => {
    expect(() => bp.adaptiveAvgPool2d(bp.zeros([3, 8]), 2)).toThrow(/adaptiveAvgPool2d: input must be 3-D \[C, H, W\] or 4-D \[N, C, H, W\], got shape \[3, 8\]/);
    expect(() => bp.adaptiveMaxPool2d(bp.zeros([1, 2, 3]), [0, 2])).toThrow(/adaptiveMaxPool2d: outputSize must be a positive integer or two of them \[height, width\] \(null keeps that side\), got \[0, 2\]/);
    expect(() => bp.adaptiveAvgPool2d(bp.zeros([1, 3, 3]), [2 ** 30, 1])).toThrow(/adaptiveAvgPool2d: outputSize \[1073741824, 1\] for input \[1, 3, 3\] is too large: its windows would hold more than 2\^32 elements \(or a side more than 2\^31 - 1\)/);
    expect(() => bp.adaptiveMaxPool2dWithIndices(bp.zeros([2, 2, 3, 3]), [2 ** 20, 2 ** 20])).toThrow(/adaptiveMaxPool2dWithIndices: outputSize \[1048576, 1048576\] for input \[2, 2, 3, 3\] is too large/);
    expect(() => bp.adaptiveAvgPool2d(bp.zeros([1, 0, 3]), 2)).toThrow(/adaptiveAvgPool2d: the input's channels, height and width must not be 0, got shape \[1, 0, 3\]/);
    expect(() => bp.adaptiveMaxPool2d(bp.zeros([1, 0, 3, 3]), 2)).toThrow(/adaptiveMaxPool2d: the input's channels, height and width must not be 0/);
    expect(() => bp.adaptiveAvgPool1d(bp.zeros([2, 3, 4, 5]), 2)).toThrow(/adaptiveAvgPool1d: input must be 2-D \[C, L\] or 3-D \[N, C, L\], got shape \[2, 3, 4, 5\]/);
    expect(() => bp.adaptiveMaxPool1d(bp.zeros([2, 3]), 0)).toThrow(/adaptiveMaxPool1d: outputSize must be a positive integer, got 0/);
    expect(() => bp.adaptiveMaxPool1d(bp.zeros([2, 0]), 2)).toThrow(/^adaptiveMaxPool1d: the input's channels and length must not be 0, got shape \[2, 0\]$/);
    expect(() => bp.adaptiveMaxPool1dWithIndices(bp.zeros([2, 0]), 2)).toThrow(/^adaptiveMaxPool1dWithIndices: the input's channels and length must not be 0, got shape \[2, 0\]$/);
    expect(() => bp.adaptiveAvgPool1d(bp.zeros([1, 2, 3]), 2 ** 31)).toThrow(/^adaptiveAvgPool1d: outputSize 2147483648 for input \[1, 2, 3\] is too large/);
    // An empty batch gives an empty result, as torch's.
    expect(bp.adaptiveMaxPool2d(bp.zeros([0, 2, 3, 3]), 2).shape).toEqual([0, 2, 2, 2]);
    expect(bp.adaptiveAvgPool2d(bp.zeros([0, 2, 3, 3]), [null, 2]).shape).toEqual([0, 2, 3, 2]);
  });
});

describe('nn.AdaptiveAvgPool1d/2d, nn.AdaptiveMaxPool1d/2d', () => {
  it('compute their ops, refuse bad sizes, and save and load', () => {
    const x = bp.randn([2, 3, 7, 5]);
    expect(Array.from(new nn.AdaptiveMaxPool2d([3, null]).forward(x).data)).toEqual(Array.from(bp.adaptiveMaxPool2d(x, [3, null]).data));
    expect(Array.from(new nn.AdaptiveAvgPool2d(2).forward(x).data)).toEqual(Array.from(bp.adaptiveAvgPool2d(x, 2).data));
    const v = bp.randn([2, 3, 9]);
    expect(Array.from(new nn.AdaptiveAvgPool1d(4).forward(v).data)).toEqual(Array.from(bp.adaptiveAvgPool1d(v, 4).data));
    expect(Array.from(new nn.AdaptiveMaxPool1d(4).forward(v).data)).toEqual(Array.from(bp.adaptiveMaxPool1d(v, 4).data));
    expect(() => new nn.AdaptiveMaxPool2d([1, 2, 3] as unknown as number)).toThrow(/AdaptiveMaxPool2d: outputSize must be a positive integer or two of them/);
    expect(() => new nn.AdaptiveAvgPool1d(1.5)).toThrow(/AdaptiveAvgPool1d: outputSize must be a positive integer, got 1.5/);
    expect(() => new nn.AdaptiveMaxPool1d([2] as unknown as number)).toThrow(/AdaptiveMaxPool1d: outputSize must be a positive integer, got \[2\]/);
    const model = new nn.Sequential(new nn.AdaptiveMaxPool2d([5, null]), new nn.AdaptiveAvgPool2d(null), new nn.AdaptiveAvgPool2d([4, 3]), new nn.Flatten(2),
      new nn.AdaptiveMaxPool1d(7), new nn.AdaptiveAvgPool1d(2));
    const file = `${require('node:os').tmpdir()}/bp-adaptive-${process.pid}.safetensors`;
    bp.save(model, file);
    const back = bp.load(file);
    expect(String(back)).toBe(String(model));
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });
});

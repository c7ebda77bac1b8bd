// unfold and fold (nn.Unfold, nn.Fold) against torch 1.13 on both backends: random geometries,
// batched and not; values and gradients bit for bit (copies, and sums in torch's col2im order).
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng, sizeOfShape } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(5037);
const { int, pick, floats: randoms } = drawsOf(r);
const size = sizeOfShape;
const two = () => (r() < 0.5 ? 1 + int(3) : [1 + int(3), 1 + int(3)]);

// args [kernel, dilation, padding, stride, outputSize (fold)].
function cases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 160) {
    const op = pick(['unfold', 'fold']);
    const [k, d, s] = [two(), r() < 0.6 ? 1 : two(), r() < 0.5 ? 1 : two()];
    const p = r() < 0.5 ? 0 : [int(3), int(3)];
    const pairOf = (v: number | number[]) => (typeof v === 'number' ? [v, v] : v);
    const [[kh, kw], [dh, dw], [ph, pw], [sh, sw]] = [pairOf(k), pairOf(d), pairOf(p), pairOf(s)];
    const [h, w, c, n] = [1 + int(8), 1 + int(8), 1 + int(3), 1 + int(2)];
    const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    if (oh < 1 || ow < 1) continue;
    const batched = r() < 0.8;
    const as = op === 'unfold' ? [n, c, h, w] : [n, c * kh * kw, oh * ow];
    const shape = batched ? as : as.slice(1);
    out.push({ op, a: randoms(size(shape)), as: shape, args: [k, d, p, s, [h, w]] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const [k, dilation, padding, stride, hw] = c.args as [bp.Size2, bp.Size2, bp.Size2, bp.Size2, [number, number]];
  const y = c.op === 'unfold' ? new nn.Unfold(k, { dilation, padding, stride }).forward(x) : bp.fold(x, hw, k, { dilation, padding, stride });
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    t = lambda v: v if isinstance(v, int) else tuple(v)
    k, d, pad, s = t(p[0]), t(p[1]), t(p[2]), t(p[3])
    if op == "unfold":
        y = F.unfold(x, k, dilation=d, padding=pad, stride=s)
    else:
        y = F.fold(x, tuple(p[4]), k, dilation=d, padding=pad, stride=s)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of unfold and fold with torch');
eachBackend('unfold, fold', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and gradients bit for bit)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, 0);
  });

  it('argument errors name the op, the argument and the shapes', () => {
    expect(() => bp.unfold(bp.zeros([2, 3]), 2)).toThrow(/unfold: input must be 3-D \[C, H, W\] or 4-D \[N, C, H, W\], got shape \[2, 3\]/);
    expect(() => bp.unfold(bp.zeros([1, 1, 3, 3]), 4)).toThrow(/unfold: the output size \(0 x 0\) is too small for input \[1, 1, 3, 3\]/);
    expect(() => bp.unfold(bp.zeros([1, 1, 3, 3]), 2, { stride: 0 })).toThrow(/unfold: stride must be an integer of at least 1/);
    expect(() => bp.fold(bp.zeros([2, 7, 12]), [5, 5], [2, 3])).toThrow(/fold: input's dimension 1 \(7, shape \[2, 7, 12\]\) must be divisible by the kernel's size 2 x 3/);
    expect(() => bp.fold(bp.zeros([2, 18, 12]), [5, 6], [2, 3])).toThrow(/fold: input's last dimension \(12, shape \[2, 18, 12\]\) must be the number of blocks, 4 x 4 = 16, for outputSize 5 x 6/);
    expect(() => bp.fold(bp.zeros([18]), 5, [2, 3])).toThrow(/fold: input must be 2-D \[C kh kw, L\] or 3-D \[N, C kh kw, L\], got shape \[18\]/);
    expect(() => bp.fold(bp.zeros([6, 16]), undefined as unknown as number, 2)).toThrow(/fold: outputSize is required/);
  });
});

describe('nn.Unfold, nn.Fold', () => {
  it('fold(unfold(x)) counts each element once per block holding it; the layers refuse bad sizes, and save and load', () => {
    const x = bp.ones([1, 2, 4, 5]);
    const back = new nn.Fold([4, 5], 2).forward(new nn.Unfold(2).forward(x));
    expect(Array.from(back.data.subarray(0, 5))).toEqual([1, 2, 2, 2, 1]);
    expect(Array.from(back.data.subarray(5, 10))).toEqual([2, 4, 4, 4, 2]);
    expect(() => new nn.Unfold(0)).toThrow(/Unfold: kernelSize must be an integer of at least 1/);
    expect(() => new nn.Fold([4, 0], 2)).toThrow(/Fold: outputSize must be an integer of at least 1 or two of them/);
    expect(() => new nn.Fold(4, 2, { padding: -1 })).toThrow(/Fold: padding must be an integer of at least 0/);
    const model = new nn.Sequential(new nn.Unfold([2, 3], { padding: 1, stride: 2 }), new nn.Fold([5, 6], [2, 3], { padding: 1, stride: 2 }));
    const file = `${require('node:os').tmpdir()}/bp-fold-${process.pid}.safetensors`;
    bp.save(model, file);
    const loaded = bp.load(file);
    expect(String(loaded)).toBe(String(model));
    const v = bp.randn([2, 3, 5, 6]);
    expect(Array.from(loaded.forward(v).data)).toEqual(Array.from(model.forward(v).data));
  });
});

// gridSample and affineGrid against torch 1.13 on both backends (values, the input's and the grid's
// gradients, theta's gradient; every mode, padding mode and alignCorners, points inside and outside
// the image, a spatial transformer's whole chain), and their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(4242);
const { int, pick } = drawsOf(r);
const randoms = (n: number, scale = 1) => Array.from({ length: n }, () => Math.fround((2 * r() - 1) * scale));
const size = (s: number[]) => s.reduce((p, q) => p * q, 1);

/** gridSample: a the input, b the grid, args [mode, paddingMode, alignCorners]; affineGrid: a theta, args [size, alignCorners]; stn: both, args [size, mode, paddingMode, alignCorners]. */
function cases(): OpCase[] {
  const out: OpCase[] = [];
  for (let i = 0; i < 150; i++) {
    const n = 1 + int(2), c = 1 + int(3), h = 1 + int(6), w = 1 + int(6), ho = 1 + int(5), wo = 1 + int(5);
    const xs = [n, c, h, w], gs = [n, ho, wo, 2];
    // Points up to 1.4 past the edges (each padding mode's far side), some on pixel centres exactly.
    const grid = randoms(size(gs), 1.4).map((v, k) => (k % 7 === 0 ? Math.fround(Math.round(v * 4) / 4) : v));
    out.push({ op: 'gridSample', a: randoms(size(xs)), as: xs, b: grid, bs: gs, args: [pick(['bilinear', 'nearest']), pick(['zeros', 'border', 'reflection']), r() < 0.5] });
  }
  for (let i = 0; i < 30; i++) {
    const n = 1 + int(3), s = [n, 1 + int(3), 1 + int(7), 1 + int(7)];
    out.push({ op: 'affineGrid', a: randoms(n * 6), as: [n, 2, 3], args: [s, r() < 0.5] });
  }
  for (let i = 0; i < 20; i++) {
    const n = 1 + int(2), c = 1 + int(2), xs = [n, c, 2 + int(6), 2 + int(6)];
    const theta = Array.from({ length: n }, () => [1 + 0.3 * r(), 0.4 * r() - 0.2, 0.5 * r() - 0.25, 0.4 * r() - 0.2, 1 - 0.3 * r(), 0.5 * r() - 0.25]).flat().map(Math.fround);
    out.push({ op: 'stn', a: randoms(size(xs)), as: xs, b: theta, bs: [n, 2, 3], args: [[n, c, 1 + int(7), 1 + int(7)], pick(['bilinear', 'nearest']), pick(['zeros', 'border', 'reflection']), r() < 0.5] });
  }
  return out;
}

const weights = (n: number) => bp.tensor(Array.from({ length: n }, (_, i) => (i % 5) - 2));

function run(c: OpCase): OpResult {
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const b = c.b ? bp.tensor(c.b, { shape: c.bs, requiresGrad: true }) : null;
  let y: bp.Tensor;
  if (c.op === 'gridSample') {
    const [mode, paddingMode, alignCorners] = c.args as [bp.GridSampleMode, bp.GridSamplePadding, boolean];
    y = bp.gridSample(a, b!, { mode, paddingMode, alignCorners });
  } else if (c.op === 'affineGrid') {
    y = bp.affineGrid(a, c.args[0] as number[], c.args[1] as boolean);
  } else {
    const [s, mode, paddingMode, alignCorners] = c.args as [number[], bp.GridSampleMode, bp.GridSamplePadding, boolean];
    y = bp.gridSample(a, bp.affineGrid(b!, s, alignCorners), { mode, paddingMode, alignCorners });
  }
  y.mul(weights(y.size).reshape([...y.shape])).sum().backward();
  // 'nearest' gives the grid (and theta) no gradient: torch's is zeros.
  const gb = b ? Array.from(b.grad?.data ?? new Float32Array(b.size)) : null;
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad?.data ?? new Float32Array(a.size)), gb };
}

const SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    b = T(c["b"], c["bs"], True) if c.get("b") is not None else None
    if op == "gridSample":
        y = F.grid_sample(a, b, mode=p[0], padding_mode=p[1], align_corners=p[2])
    elif op == "affineGrid":
        y = F.affine_grid(a, p[0], align_corners=p[1])
    else:
        y = F.grid_sample(a, F.affine_grid(b, p[0], align_corners=p[3]), mode=p[1], padding_mode=p[2], align_corners=p[3])
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    ga = a.grad if a.grad is not None else torch.zeros_like(a)
    gb = None if b is None else (b.grad if b.grad is not None else torch.zeros_like(b))
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(ga), "gb": enc(gb)})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of gridSample and affineGrid with torch');
eachBackend('gridSample and affineGrid', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's: every mode, padding mode and alignCorners, points outside the image, a spatial transformer's chain (values and every gradient)`, () => {
    // Sums of four weighted neighbours and products of pixel positions, in another order than
    // torch's; theta's gradient sums over every output pixel.
    expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op === 'stn' ? 2e-5 : 3e-6));
  });

  it('an identity theta samples the image itself, and a point outside reads 0 with zeros padding', () => {
    const x = bp.arange(12).reshape([1, 1, 3, 4]);
    const grid = bp.affineGrid(bp.tensor([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 3, 4]);
    for (const mode of ['bilinear', 'nearest'] as const) expect(Array.from(bp.gridSample(x, grid, { mode }).data)).toEqual(Array.from(x.data));
    expect(Array.from(bp.gridSample(x, bp.tensor([[[[5, 5], [1, 1]]]]), { alignCorners: true }).data)).toEqual([0, 11]);
    expect(Array.from(bp.gridSample(x, bp.tensor([[[[5, 5]]]]), { paddingMode: 'border', alignCorners: true }).data)).toEqual([11]);
  });

  it('argument errors name the op, the argument and the shapes', () => {
    const x = bp.zeros([2, 3, 4, 5]), g = bp.zeros([2, 6, 7, 2]);
    expect(() => bp.gridSample(bp.zeros([3, 4, 5]), g)).toThrow(/gridSample: input must be 4-D \[N, C, H, W\], got shape \[3, 4, 5\]/);
    expect(() => bp.gridSample(bp.zeros([2, 3, 4, 5, 6]), g)).toThrow(/gridSample: input must be 4-D .* \(volumes are not supported\)/);
    expect(() => bp.gridSample(x, bp.zeros([1, 6, 7, 2]))).toThrow(/gridSample: grid must be \[N, Ho, Wo, 2\] with input's N = 2, got shape \[1, 6, 7, 2\] for input \[2, 3, 4, 5\]/);
    expect(() => bp.gridSample(x, bp.zeros([2, 6, 7, 3]))).toThrow(/gridSample: grid must be \[N, Ho, Wo, 2\]/);
    expect(() => bp.gridSample(x, g, { mode: 'bicubic' as bp.GridSampleMode })).toThrow(/gridSample: mode must be one of 'bilinear', 'nearest', got "bicubic" \(bicubic is not supported\)/);
    expect(() => bp.gridSample(x, g, { paddingMode: 'wrap' as bp.GridSamplePadding })).toThrow(/gridSample: paddingMode must be one of 'zeros', 'border', 'reflection', got "wrap"/);
    expect(() => bp.gridSample(x, g, { alignCorners: 1 as unknown as boolean })).toThrow(/gridSample: alignCorners must be a boolean, got 1/);
    expect(() => bp.gridSample(x, g, { align: true } as bp.GridSampleOptions)).toThrow(/gridSample: unknown option 'align'/);
    expect(() => bp.gridSample(bp.zeros([2, 3, 0, 5]), g)).toThrow(/gridSample: input \[2, 3, 0, 5\] has no pixels to sample/);
    expect(() => bp.gridSample([1] as unknown as bp.Tensor, g)).toThrow(/gridSample/);
    const theta = bp.zeros([2, 2, 3]);
    expect(() => bp.affineGrid(theta, [2, 3, 4])).toThrow(/affineGrid: size must be \[N, C, H, W\], four positive integers, got \[2, 3, 4\]/);
    expect(() => bp.affineGrid(theta, [2, 3, 4, 5, 6])).toThrow(/affineGrid: size must be .* \(volumes are not supported\)/);
    expect(() => bp.affineGrid(theta, [2, 3, 0, 5])).toThrow(/affineGrid: size must be \[N, C, H, W\], four positive integers/);
    expect(() => bp.affineGrid(theta, [3, 3, 4, 5])).toThrow(/affineGrid: theta must be \[N, 2, 3\] with size's N = 3, got shape \[2, 2, 3\]/);
    expect(() => bp.affineGrid(bp.zeros([2, 3, 3]), [2, 3, 4, 5])).toThrow(/affineGrid: theta must be \[N, 2, 3\]/);
    expect(() => bp.affineGrid(theta, [2, 3, 4, 5], 'yes' as unknown as boolean)).toThrow(/affineGrid: alignCorners must be a boolean, got "yes"/);
  });
});

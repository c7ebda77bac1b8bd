// pixelShuffle and pixelUnshuffle (nn.PixelShuffle, nn.PixelUnshuffle) against torch 1.13 on both
// backends: values and gradients bit for bit (a rearrangement), leading dims of any count; the layers'
// printing, saving and loading, and the argument errors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(77);
const { int, pick } = drawsOf(r);

function cases(): OpCase[] {
  const out: OpCase[] = [];
  for (let i = 0; i < 60; i++) {
    const f = 1 + int(3), lead = Array.from({ length: pick([0, 0, 1, 1, 2]) }, () => 1 + int(3));
    const shuffle = r() < 0.5;
    const s = shuffle ? [...lead, (1 + int(3)) * f * f, 1 + int(4), 1 + int(4)] : [...lead, 1 + int(3), (1 + int(3)) * f, (1 + int(3)) * f];
    const a = Array.from({ length: s.reduce((p, q) => p * q, 1) }, () => Math.fround(2 * r() - 1));
    out.push({ op: shuffle ? 'pixelShuffle' : 'pixelUnshuffle', a, as: s, args: [f] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const f = c.args[0] as number;
  const y = c.op === 'pixelShuffle' ? new nn.PixelShuffle(f).forward(x) : bp.pixelUnshuffle(x, f);
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    y = F.pixel_shuffle(x, p[0]) if op == "pixelShuffle" else F.pixel_unshuffle(x, p[0])
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of pixelShuffle and pixelUnshuffle with torch');
eachBackend('pixelShuffle, pixelUnshuffle', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's, bit for bit (values and gradients)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, 0);
  });

  it('unshuffle undoes shuffle, and shuffle puts channel c r^2 + i r + j at (h r + i, w r + j)', () => {
    const x = bp.arange(2 * 8 * 3 * 2).reshape([2, 8, 3, 2]);
    const y = bp.pixelShuffle(x, 2);
    expect(y.shape).toEqual([2, 2, 6, 4]);
    expect(Array.from(bp.pixelUnshuffle(y, 2).data)).toEqual(Array.from(x.data));
    // Image 0, output channel 1, pixel (3, 1): h = 1, i = 1, w = 0, j = 1 -> input channel 4 + 2 + 1 = 7 at (1, 0).
    expect(y.data[(0 * 2 + 1) * 24 + 3 * 4 + 1]).toBe(x.data[7 * 6 + 1 * 2 + 0]);
  });
});

it.runIf(haveTorch)("the layers print as torch's, and save and load in a model", () => {
  const model = new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.PixelShuffle(2), new nn.PixelUnshuffle(2));
  const torchRepr = torchJson<string>(`import torch, json
print(json.dumps(str(torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.PixelShuffle(2), torch.nn.PixelUnshuffle(2)))))`, '');
  expect(String(model)).toBe(torchRepr);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-shuffle-')), 'model.safetensors');
  bp.save(model, file);
  const back = bp.load(file);
  expect(String(back)).toBe(String(model));
  const x = bp.randn([2, 1, 4, 6]);
  expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
});

it('argument errors name the op, the argument and the shape', () => {
  expect(() => bp.pixelShuffle(bp.zeros([3, 4]), 2)).toThrow(/pixelShuffle: input must have at least 3 dims \[\*, C, H, W\], got shape \[3, 4\]/);
  expect(() => bp.pixelShuffle(bp.zeros([1, 6, 2, 2]), 2)).toThrow(/pixelShuffle: the input's channels \(6, shape \[1, 6, 2, 2\]\) must be divisible by upscaleFactor squared \(4\)/);
  expect(() => bp.pixelShuffle(bp.zeros([1, 4, 2, 2]), 0)).toThrow(/pixelShuffle: upscaleFactor must be a positive integer, got 0/);
  expect(() => bp.pixelUnshuffle(bp.zeros([1, 1, 4, 3]), 2)).toThrow(/pixelUnshuffle: the input's height and width \(4 x 3, shape \[1, 1, 4, 3\]\) must be divisible by downscaleFactor \(2\)/);
  expect(() => bp.pixelUnshuffle(bp.zeros([1, 1, 4, 4]), 1.5)).toThrow(/pixelUnshuffle: downscaleFactor must be a positive integer, got 1.5/);
  expect(() => new nn.PixelShuffle(-1)).toThrow(/PixelShuffle: upscaleFactor must be a positive integer, got -1/);
  expect(() => new nn.PixelUnshuffle(0)).toThrow(/PixelUnshuffle: downscaleFactor must be a positive integer, got 0/);
});

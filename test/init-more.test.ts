// nn.init.truncNormal (bounds, and the moments of the truncated normal), eye and dirac (against
// torch 1.13's eye_ and dirac_, which draw nothing), and their errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const { init } = nn;

it('truncNormal stays within [a, b] and has the truncated normal\'s mean and variance', () => {
  bp.manualSeed(11);
  const t = init.truncNormal(bp.zeros([200000]), 1, 2, -1, 4);
  const d = t.data;
  expect(d.reduce((a, v) => Math.min(a, v), Infinity)).toBeGreaterThanOrEqual(-1);
  expect(d.reduce((a, v) => Math.max(a, v), -Infinity)).toBeLessThanOrEqual(4);
  // N(1, 2) cut to [-1, 4]: alpha = -1, beta = 1.5 in standard units.
  const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const Phi = (x: number) => 0.5 * (1 + bp.erf(bp.tensor([x / Math.SQRT2])).item());
  const [al, be] = [-1, 1.5];
  const z = Phi(be) - Phi(al);
  const mean = 1 + 2 * (phi(al) - phi(be)) / z;
  const variance = 4 * (1 + (al * phi(al) - be * phi(be)) / z - ((phi(al) - phi(be)) / z) ** 2);
  const m = d.reduce((s, v) => s + v, 0) / d.length;
  const v = d.reduce((s, u) => s + (u - m) ** 2, 0) / d.length;
  expect(Math.abs(m - mean)).toBeLessThan(0.01);
  expect(Math.abs(v - variance)).toBeLessThan(0.02);
});

noteIfNoTorch('nn.init.eye and dirac against torch');
it.runIf(haveTorch)("eye and dirac give torch's tensors", () => {
  const want = torchJson<number[][]>(`
import json, sys, torch
out = [torch.nn.init.eye_(torch.empty(3, 5)).reshape(-1).tolist()]
for shape, groups in [((4, 2, 3), 1), ((6, 2, 3, 3), 2), ((2, 3, 2, 3, 4), 1), ((4, 1, 2, 2), 4)]:
    out.append(torch.nn.init.dirac_(torch.empty(*shape), groups).reshape(-1).tolist())
print(json.dumps(out))`, '');
  const got = [init.eye(bp.zeros([3, 5])), init.dirac(bp.zeros([4, 2, 3])), init.dirac(bp.ones([6, 2, 3, 3]), 2), init.dirac(bp.zeros([2, 3, 2, 3, 4])), init.dirac(bp.zeros([4, 1, 2, 2]), 4)];
  got.forEach((t, i) => expect(Array.from(t.data), `case ${i}`).toEqual(want[i]));
});

it('sparse zeroes ceil(sparsity rows) of each column and draws the rest from N(0, std)', () => {
  bp.manualSeed(12);
  const t = init.sparse(bp.ones([40, 300]), 0.25, 0.5);
  const d = t.data;
  for (let c = 0; c < 300; c++) {
    let zeros = 0;
    for (let r = 0; r < 40; r++) if (d[r * 300 + c] === 0) zeros++;
    expect(zeros, `column ${c}`).toBe(10);
  }
  const kept = Array.from(d).filter((v) => v !== 0);
  const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
  const sd = Math.sqrt(kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length);
  expect(Math.abs(mean)).toBeLessThan(0.02);
  expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
  expect(Array.from(init.sparse(bp.ones([3, 2]), 0).data).every((v) => v !== 0)).toBe(true);
});

it('names the initializer and what was wrong', () => {
  expect(() => init.truncNormal(bp.zeros([2]), 0, -1)).toThrow('truncNormal: std must be non-negative, got -1');
  expect(() => init.truncNormal(bp.zeros([2]), 0, 1, 2, -2)).toThrow('truncNormal: a and b must be numbers with a <= b, got 2 and -2');
  expect(() => init.eye(bp.zeros([2, 2, 2]))).toThrow('eye: only 2-D tensors are supported, got shape [2, 2, 2]');
  expect(() => init.dirac(bp.zeros([2, 2]))).toThrow('dirac: only 3, 4 or 5-D tensors are supported, got shape [2, 2]');
  expect(() => init.dirac(bp.zeros([3, 2, 2]), 2)).toThrow('dirac: dim 0 (3) must divide into groups, got 2');
  expect(() => init.sparse(bp.zeros([2, 2, 2]), 0.1)).toThrow('sparse: only 2-D tensors are supported, got shape [2, 2, 2]');
  expect(() => init.sparse(bp.zeros([2, 2]), 1.5)).toThrow('sparse: sparsity must be a fraction in [0, 1], got 1.5');
  expect(() => init.sparse(bp.zeros([2, 2]), 0.5, -1)).toThrow('sparse: std must be non-negative, got -1');
});

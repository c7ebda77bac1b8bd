// torch's creation functions and switches added beside the in-place twins: logspace (bit for bit with
// torch 1.13), the window functions (ours in double, rounded once; torch's float32 loop strays a few
// units in the last place from the double values), empty /
// emptyLike / randintLike, broadcastShapes; the generator's state (getRngState / setRngState, seed,
// initialSeed) and the gradient switches setGradEnabled / inferenceMode; then the errors.
import { afterEach, describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const LOGSPACE: [number, number, number, number][] = [[-2, 3.3, 7, 10], [0.1, -1, 1, 2], [1, 10, 10, 2], [0, 1, 0, 10], [-1.7, 2.9, 33, 3.5]];
const WINDOWS = ['hann', 'hamming', 'bartlett', 'blackman', 'kaiser'] as const;
const LENGTHS = [0, 1, 2, 5, 8, 63, 64, 65];

/** Our window of a kind: hamming with alpha 0.5, beta 0.3 and kaiser with beta 5, so that the options show. */
function ours(kind: (typeof WINDOWS)[number], n: number, periodic: boolean): bp.Tensor {
  switch (kind) {
    case 'hann': return bp.hannWindow(n, { periodic });
    case 'hamming': return bp.hammingWindow(n, { periodic, alpha: 0.5, beta: 0.3 });
    case 'bartlett': return bp.bartlettWindow(n, { periodic });
    case 'blackman': return bp.blackmanWindow(n, { periodic });
    case 'kaiser': return bp.kaiserWindow(n, { periodic, beta: 5 });
  }
}

const SCRIPT = `
import torch, json
out = {"logspace": [torch.logspace(a, b, n, base).tolist() for a, b, n, base in ${JSON.stringify(LOGSPACE)}], "windows": []}
for kind in ${JSON.stringify(WINDOWS)}:
    for n in ${JSON.stringify(LENGTHS)}:
        for periodic in (True, False):
            extra = {"hamming": {"alpha": 0.5, "beta": 0.3}, "kaiser": {"beta": 5.0}}.get(kind, {})
            out["windows"].append(getattr(torch, kind + "_window")(n, periodic=periodic, **extra).tolist())
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of logspace and the window functions with torch');
describe('creation functions', () => {
  it.runIf(haveTorch)('logspace gives torch\'s bits; the windows torch\'s values within float32 rounding', () => {
    const want = torchJson<{ logspace: number[][]; windows: number[][] }>(SCRIPT, '');
    LOGSPACE.forEach(([a, b, n, base], k) => expect(Array.from(bp.logspace(a, b, n, base).data), `logspace(${a}, ${b}, ${n}, ${base})`).toEqual(want.logspace[k]));
    let k = 0;
    for (const kind of WINDOWS) {
      for (const n of LENGTHS) {
        for (const periodic of [true, false]) {
          const got = ours(kind, n, periodic);
          const theirs = want.windows[k++];
          expect(got.shape, `${kind} ${n} ${periodic}`).toEqual([n]);
          got.data.forEach((v, i) => expect(Math.abs(v - theirs[i]), `${kind}(${n}, periodic ${periodic})[${i}]: ${v} vs ${theirs[i]}`).toBeLessThanOrEqual(5e-7));
        }
      }
    }
  });

  it('windows are symmetric (periodic: all but the first), and periodic is the longer symmetric window cut', () => {
    for (const kind of WINDOWS) {
      const sym = Array.from(ours(kind, 9, false).data);
      expect(sym, kind).toEqual([...sym].reverse());
      expect(Array.from(ours(kind, 8, true).data), kind).toEqual(sym.slice(0, 8));
    }
    expect(Array.from(bp.hannWindow(1).data)).toEqual([1]);
  });

  it('empty and emptyLike give zeros; randintLike draws in the range in the shape; broadcastShapes', () => {
    expect(Array.from(bp.empty([2, 3]).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(bp.empty([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(bp.emptyLike(bp.ones([3, 1])).shape).toEqual([3, 1]);
    bp.manualSeed(3);
    const r = bp.randintLike(bp.zeros([400]), -2, 3);
    expect(new Set(r.data)).toEqual(new Set([-2, -1, 0, 1, 2]));
    bp.manualSeed(3);
    const like = Array.from(bp.randintLike(bp.zeros([2, 5]), 4).data);
    bp.manualSeed(3);
    expect(like).toEqual(Array.from(bp.randint(4, [2, 5]).data));
    expect(bp.broadcastShapes([2, 1], [3], 3, [])).toEqual([2, 3]);
    expect(bp.broadcastShapes()).toEqual([]);
  });
});

describe('the generator\'s state and the gradient switches', () => {
  afterEach(() => bp.setGradEnabled(true));

  it('getRngState / setRngState replay the draws, the spare normal included; seed and initialSeed', () => {
    bp.manualSeed(11);
    expect(bp.initialSeed()).toBe(11);
    bp.randn([3]); // leaves a spare normal
    const s = bp.getRngState();
    const first = [...bp.randn([5]).data, ...bp.rand([4]).data];
    bp.rand([100]);
    bp.setRngState(s);
    expect([...bp.randn([5]).data, ...bp.rand([4]).data]).toEqual(first);
    s.words[0] ^= 1; // the state given back is a copy: changing it after changes nothing
    bp.setRngState(bp.getRngState());
    const a = bp.seed();
    expect(Number.isSafeInteger(a) && a >= 0).toBe(true);
    expect(bp.initialSeed()).toBe(a);
    const fromSeed = Array.from(bp.rand([3]).data);
    bp.manualSeed(a);
    expect(Array.from(bp.rand([3]).data)).toEqual(fromSeed);
  });

  it('setGradEnabled switches recording until switched back; inferenceMode runs a function without it', () => {
    const w = bp.tensor([1, 2], { requiresGrad: true });
    bp.setGradEnabled(false);
    expect(bp.isGradEnabled()).toBe(false);
    expect(w.mul(2).requiresGrad).toBe(false);
    expect(bp.enableGrad(() => w.mul(2).requiresGrad)).toBe(true);
    bp.setGradEnabled(true);
    expect(w.mul(2).requiresGrad).toBe(true);
    expect(bp.inferenceMode(() => w.mul(2).requiresGrad)).toBe(false);
    expect(bp.isGradEnabled()).toBe(true);
  });

  it('names what is wrong', () => {
    expect(() => bp.setGradEnabled(1 as never)).toThrow('setGradEnabled: mode must be true or false, got 1');
    expect(() => bp.inferenceMode(3 as never)).toThrow('inferenceMode: expected a function to run, got 3');
    expect(() => bp.setRngState({ words: new Uint32Array(3), spareNormal: NaN })).toThrow(/^setRngState: expected a state from getRngState/);
    expect(() => bp.setRngState(null as never)).toThrow(/^setRngState: expected a state from getRngState .* got null$/);
    expect(() => bp.setRngState({ words: new Uint32Array(4), spareNormal: NaN })).toThrow('setRngState: the four words must not all be 0 (the generator would give only zeros)');
    expect(() => bp.logspace(0, 1, -1)).toThrow('logspace: steps must be a non-negative integer, got -1');
    expect(() => bp.logspace(0, 1, 3, 'e' as never)).toThrow(/^logspace: base must be a number/);
    expect(() => bp.hannWindow(2.5)).toThrow('hannWindow: windowLength must be a non-negative integer, got 2.5');
    expect(() => bp.kaiserWindow(4, { periodic: 'no' as never })).toThrow('kaiserWindow: periodic must be true or false, got "no"');
    expect(() => bp.hammingWindow(4, { gamma: 1 } as never)).toThrow(/hammingWindow: .*gamma/);
    expect(() => bp.kaiserWindow(4, { beta: NaN })).toThrow(/^kaiserWindow: beta must be/);
    expect(() => bp.empty([-1])).toThrow(/^empty: invalid shape/);
    expect(() => bp.emptyLike([2] as never)).toThrow(/^emptyLike/);
    expect(() => bp.randintLike(bp.zeros([2]), 3, 1)).toThrow('randint: high (1) must be greater than low (3)');
    expect(() => bp.broadcastShapes([2], [3])).toThrow('broadcastShapes: shapes [2] and [3] cannot be broadcast together (dimension 0: 2 vs 3)');
    expect(() => bp.broadcastShapes([2.5] as never)).toThrow(/^broadcastShapes: invalid shape/);
  });
});

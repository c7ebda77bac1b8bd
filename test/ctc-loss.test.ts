// F.ctcLoss and nn.CTCLoss against torch 1.13: random batches of frames, classes and label sequences
// (repeated labels, empty targets, inputs too short for their targets with and without zeroInfinity),
// padded and 1-D targets, every reduction, one unbatched sample; the loss and the gradient of the
// logits through logSoftmax, and of log-probabilities given directly (torch's formula). Within 2e-5:
// torch runs the recursions in float32, ours in double. Then a hand-computed case and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const F = nn.functional;
const x = inputMaker(5600);
const list = (v: number[]) => `[${v.join(', ')}]`;

function calls(): TorchCall[] {
  const r = rng(56);
  const { int, pick } = drawsOf(r);
  const out: TorchCall[] = [];
  for (let i = 0; i < 40; i++) {
    const T = pick([1, 3, 6, 12]), N = 1 + int(4), C = 2 + int(5);
    const blank = pick([0, 0, C - 1]);
    const label = () => { let c = int(C - 1); if (c >= blank) c++; return c; };
    const zeroInfinity = r() < 0.5;
    const reduction = pick(['mean', 'sum', 'none'] as const);
    const S = 1 + int(5);
    const tLens = Array.from({ length: N }, () => int(S + 1));
    const inLens = Array.from({ length: N }, () => 1 + int(T));
    inLens[0] = T;
    const rows = tLens.map((len) => {
      const row = Array.from({ length: S }, label);
      if (len >= 2 && r() < 0.5) row[1] = row[0]; // a repeat needs a blank between: two frames more
      return row;
    });
    const oneDim = r() < 0.4;
    const targets = oneDim ? rows.flatMap((row, n) => row.slice(0, tLens[n])) : rows.flat();
    const direct = r() < 0.3;
    const opts = `blank=${blank}, reduction="${reduction}", zero_infinity=${zeroInfinity ? 'True' : 'False'}`;
    const tPy = oneDim ? `torch.tensor(${list(targets)}, dtype=torch.long)` : `torch.tensor(${list(targets)}, dtype=torch.long).reshape(${N}, ${S})`;
    const lpPy = direct ? 'a' : 'F.log_softmax(a, 2)';
    out.push({
      name: `T ${T} N ${N} C ${C} blank ${blank} targets ${oneDim ? '1-D' : `[${N}, ${S}]`} ${list(tLens)} inputs ${list(inLens)} ${reduction} zeroInfinity ${zeroInfinity}${direct ? ' (log-probabilities given)' : ''}`,
      inputs: { a: direct ? x([T, N, C], -4, -0.1) : x([T, N, C], -3, 3) },
      ours: (t) => {
        const lp = direct ? t.a : F.logSoftmax(t.a, 2);
        const tg = oneDim ? bp.tensor(targets) : bp.tensor(targets, { shape: [N, S] });
        return F.ctcLoss(lp, tg, inLens, bp.tensor(tLens), { blank, reduction, zeroInfinity });
      },
      py: `F.ctc_loss(${lpPy}, ${tPy}, torch.tensor(${list(inLens)}), torch.tensor(${list(tLens)}), ${opts})`,
    });
  }
  out.push({
    name: 'one unbatched sample, nn.CTCLoss, sum',
    inputs: { a: x([7, 4], -2, 2) },
    ours: (t) => new nn.CTCLoss({ reduction: 'sum' }).forward(F.logSoftmax(t.a, 1), bp.tensor([2, 2, 3]), bp.tensor(7), bp.tensor(3)),
    py: 'torch.nn.CTCLoss(reduction="sum")(F.log_softmax(a, 1), torch.tensor([2, 2, 3]), torch.tensor(7), torch.tensor(3))',
  });
  return out;
}

const CALLS = calls();
noteIfNoTorch('the comparison of ctcLoss with torch');
eachBackend('ctcLoss', () => {
  it.runIf(haveTorch)(`${CALLS.length} random calls as torch's (loss and gradients within 2e-5)`, () => expectCallsLikeTorch(CALLS, 2e-5));

  it('a hand-computed case: two frames, target [1], every path summed', () => {
    // p(frame, class): paths for "1" over 2 frames: (1,1), (1,b), (b,1).
    const p = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]];
    const lp = bp.tensor(p.map((row) => row.map(Math.log)), { shape: [2, 1, 3] });
    const want = -Math.log(p[0][1] * p[1][1] + p[0][1] * p[1][0] + p[0][0] * p[1][1]);
    const got = F.ctcLoss(lp, bp.tensor([[1]]), [2], [1], { reduction: 'sum' }).item();
    expect(Math.abs(got - want)).toBeLessThan(1e-6);
    // Two frames cannot hold "1 1" (a blank must part the repeat): infinite, or 0 with zeroInfinity.
    expect(F.ctcLoss(lp, bp.tensor([[1, 1]]), [2], [2], { reduction: 'sum' }).item()).toBe(Infinity);
    expect(F.ctcLoss(lp, bp.tensor([[1, 1]]), [2], [2], { reduction: 'sum', zeroInfinity: true }).item()).toBe(0);
  });

  it('bad arguments are named', () => {
    const lp = bp.zeros([4, 2, 3]);
    expect(() => F.ctcLoss(bp.zeros([4]), [1], [4], [1])).toThrow(/^ctcLoss: logProbs must be \[T, N, C\] or \[T, C\], got shape \[4\]$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [2]]), [4, 5], [1, 1])).toThrow(/^ctcLoss: inputLengths\[1\] = 5 exceeds the 4 frames of logProbs$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [2]]), [4], [1, 1])).toThrow(/^ctcLoss: inputLengths must have one length per sample \(2\), got 1$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [0]]), [4, 4], [1, 1])).toThrow(/^ctcLoss: target label 0 of sample 1 must be a class in \[0, 3\) other than the blank 0$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [3]]), [4, 4], [1, 1])).toThrow(/^ctcLoss: target label 3 of sample 1/);
    expect(() => F.ctcLoss(lp, bp.tensor([1, 2, 1]), [4, 4], [1, 1])).toThrow(/^ctcLoss: 1-D targets must hold exactly sum\(targetLengths\) = 2 labels, got 3$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [2]]), [4, 4], [2, 1])).toThrow(/^ctcLoss: targetLengths\[0\] = 2 exceeds the 1 columns of targets$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [2]]), [4, 4], [1, 1.5])).toThrow(/^ctcLoss: targetLengths must be non-negative integers, got 1.5 at position 1$/);
    expect(() => F.ctcLoss(lp, bp.tensor([[1], [2]]), [4, 4], [1, 1], { blank: 3 })).toThrow(/^ctcLoss: blank must be a class in \[0, 3\), got 3$/);
  });
});

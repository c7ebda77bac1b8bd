// Embedding's and F.embedding's maxNorm / normType (the rows read renormalized in place first, as
// torch's embedding_renorm_) and scaleGradByFreq (each row's gradient over its reads) against torch
// 1.13: outputs, the table after, its gradient; the printed form; the option errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const F = nn.functional;
const IDX = [[1, 4, 1, 0], [4, 4, 2, 1]];

const SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
c = json.load(sys.stdin)
out = []
for max_norm, norm_type, freq in [(1.0, 2.0, False), (0.5, 1.0, True), (None, 2.0, True)]:
    w = torch.tensor(c["w"]).reshape(6, 3).requires_grad_()
    with torch.no_grad(): base = w.clone()
    w2 = base.clone().requires_grad_()
    y = F.embedding(torch.tensor(c["idx"]), w2, max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=freq)
    (y * torch.arange(y.numel()).reshape(y.shape)).sum().backward()
    out.append([y.reshape(-1).tolist(), w2.detach().reshape(-1).tolist(), w2.grad.reshape(-1).tolist()])
print(json.dumps({"runs": out, "print": [str(torch.nn.Embedding(10, 3, max_norm=1.0, norm_type=1., scale_grad_by_freq=True)), str(torch.nn.Embedding(5, 2, padding_idx=1, max_norm=2.5))]}))
`;

noteIfNoTorch('the comparison of the embedding options with torch');
eachBackend('embedding options', () => {
  it.runIf(haveTorch)('maxNorm, normType and scaleGradByFreq as torch\'s: outputs, the renormalized table, its gradient, printing', () => {
    bp.manualSeed(3);
    const w = bp.randn([6, 3]).mul(1.5);
    const want = torchJson<{ runs: number[][][]; print: string[] }>(SCRIPT, JSON.stringify({ w: Array.from(w.data), idx: IDX }));
    const runs: [number | null, number, boolean][] = [[1, 2, false], [0.5, 1, true], [null, 2, true]];
    runs.forEach(([maxNorm, normType, scaleGradByFreq], k) => {
      const table = w.clone().requiresGrad_();
      const y = F.embedding(bp.tensor(IDX), table, { maxNorm, normType, scaleGradByFreq });
      y.mul(bp.arange(0, y.size).reshape(y.shape)).sum().backward();
      const [wy, ww, wg] = want.runs[k];
      const close = (a: ArrayLike<number>, e: number[], what: string) => Array.from(a).forEach((v, i) => expect(Math.abs(v - e[i]), `run ${k} ${what}[${i}]: ${v} vs ${e[i]}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(e[i]))));
      close(y.data, wy, 'output');
      close(table.data, ww, 'table');
      close(table.grad!.data, wg, 'gradient');
    });
    expect(String(new nn.Embedding(10, 3, { maxNorm: 1, normType: 1, scaleGradByFreq: true }))).toBe(want.print[0]);
    expect(String(new nn.Embedding(5, 2, { paddingIdx: 1, maxNorm: 2.5 }))).toBe(want.print[1]);
  });
});

describe('embedding option errors', () => {
  it('names what is wrong', () => {
    expect(() => new nn.Embedding(3, 2, { maxNorm: -1 })).toThrow('Embedding: maxNorm must be a non-negative number or null, got -1');
    expect(() => new nn.Embedding(3, 2, { normType: 0 })).toThrow('Embedding: normType must be a positive number, got 0');
    expect(() => F.embedding(bp.tensor([0]), bp.ones([3, 2]), { scaleGradByFreq: 1 as never })).toThrow(/^embedding: .*scaleGradByFreq/);
  });
});

// nn.utils.rnn.unpadSequence and unpackSequence against torch 1.13: time-first and batch-first
// padding, the padded tensor's gradient through the pieces, a pack of unsorted sequences unpacked in
// their own order; the errors by name.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const { unpadSequence, unpackSequence, packSequence, padSequence } = nn.utils.rnn;

const SCRIPT = `
import json, sys, torch
from torch.nn.utils.rnn import unpad_sequence, unpack_sequence, pack_sequence
c = json.load(sys.stdin)
out = {}
for bf in [False, True]:
    p = torch.tensor(c["p"]).reshape(c["shape"])
    if bf: p = p.transpose(0, 1).contiguous()
    p.requires_grad_()
    pieces = unpad_sequence(p.clone(), torch.tensor(c["lengths"]), batch_first=bf)
    sum((x * (k + 1)).sum() for k, x in enumerate(pieces)).backward()
    out[str(bf)] = {"pieces": [x.reshape(-1).tolist() for x in pieces], "shapes": [list(x.shape) for x in pieces], "grad": p.grad.reshape(-1).tolist()}
seqs = [torch.tensor(s).reshape(-1, 2) for s in c["seqs"]]
out["unpacked"] = [x.reshape(-1).tolist() for x in unpack_sequence(pack_sequence(seqs, enforce_sorted=False))]
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of unpadSequence and unpackSequence with torch');
eachBackend('nn.utils.rnn.unpadSequence, unpackSequence', () => {
  it.runIf(haveTorch)('as torch\'s: pieces, the padded tensor\'s gradient, an unsorted pack unpacked', () => {
    bp.manualSeed(12);
    const shape = [5, 3, 2], lengths = [2, 5, 3];
    const p0 = bp.randn(shape);
    const seqs = [bp.randn([2, 2]), bp.randn([4, 2]), bp.randn([1, 2])];
    const want = torchJson<Record<string, { pieces: number[][]; shapes: number[][]; grad: number[] }> & { unpacked: number[][] }>(SCRIPT,
      JSON.stringify({ p: Array.from(p0.data), shape, lengths, seqs: seqs.map((s) => Array.from(s.data)) }));
    for (const batchFirst of [false, true]) {
      const p = (batchFirst ? p0.transpose(0, 1) : p0).clone().requiresGrad_();
      const pieces = unpadSequence(p, lengths, { batchFirst });
      const w = want[batchFirst ? 'True' : 'False'];
      expect(pieces.map((x) => x.shape)).toEqual(w.shapes);
      expect(pieces.map((x) => Array.from(x.data))).toEqual(w.pieces);
      pieces.reduce<Tensor>((acc, x, k) => acc.add(x.mul(k + 1).sum()), bp.tensor(0)).backward();
      expect(Array.from(p.grad!.data)).toEqual(w.grad);
    }
    expect(unpackSequence(packSequence(seqs, { enforceSorted: false })).map((x) => Array.from(x.data))).toEqual(want.unpacked);
    // padSequence then unpadSequence gives the sequences back.
    expect(unpadSequence(padSequence(seqs), bp.tensor([2, 4, 1])).map((x) => Array.from(x.data))).toEqual(seqs.map((s) => Array.from(s.data)));
  });

  it('names the mistakes', () => {
    const p = bp.zeros([4, 2, 3]);
    expect(() => unpadSequence(p, [1, 2, 3])).toThrow('unpadSequence: lengths must hold one length per sequence (2), got 3');
    expect(() => unpadSequence(p, [1, 5])).toThrow('unpadSequence: length 1 must be an integer in [0, 4], got 5');
    expect(() => unpadSequence(bp.zeros([3]), [1])).toThrow('unpadSequence: padded must be a tensor of at least 2 dims (time and batch), got shape [3]');
    expect(() => unpadSequence(p, 'x' as never)).toThrow('unpadSequence: lengths must be a tensor or an array of numbers, got "x"');
    expect(() => unpackSequence(p as never)).toThrow('unpackSequence: packed must be a PackedSequence');
  });
});

// nn.MultiheadAttention, nn.TransformerEncoderLayer and nn.TransformerEncoder against torch 1.13:
// torch's modules built and run in Python, their state dicts loaded here, the same inputs and masks;
// outputs, attention weights and the gradients of the inputs and of every parameter (both
// backends). Then printing, state-dict names, dropout's modes and the argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

interface Case {
  kind: 'mha' | 'layer' | 'encoder' | 'decoderLayer' | 'decoder' | 'transformer';
  e: number; h: number; l: number; s: number; n: number;
  kdim?: number; vdim?: number; bias?: boolean; batchFirst?: boolean; unbatched?: boolean; sameKV?: boolean;
  attnMask?: 'causal' | 'heads' | 'float'; keyPadding?: boolean; average?: boolean; addBiasKv?: boolean; addZeroAttn?: boolean;
  ff?: number; activation?: 'relu' | 'gelu'; normFirst?: boolean; layers?: number;
}

const CASES: Case[] = [
  { kind: 'mha', e: 8, h: 2, l: 5, s: 5, n: 3, sameKV: true },
  { kind: 'mha', e: 8, h: 4, l: 4, s: 6, n: 2, attnMask: 'causal', keyPadding: true },
  { kind: 'mha', e: 12, h: 3, l: 3, s: 7, n: 2, kdim: 5, vdim: 9, average: false, keyPadding: true },
  { kind: 'mha', e: 8, h: 2, l: 4, s: 4, n: 3, batchFirst: true, attnMask: 'heads', bias: false },
  { kind: 'mha', e: 6, h: 3, l: 4, s: 5, n: 1, unbatched: true, attnMask: 'float' },
  { kind: 'mha', e: 8, h: 2, l: 4, s: 5, n: 2, addBiasKv: true, addZeroAttn: true, attnMask: 'causal', keyPadding: true },
  { kind: 'mha', e: 8, h: 4, l: 3, s: 4, n: 2, addBiasKv: true, batchFirst: true, attnMask: 'float', average: false },
  { kind: 'mha', e: 6, h: 2, l: 3, s: 5, n: 1, addZeroAttn: true, unbatched: true, kdim: 4, vdim: 7 },
  { kind: 'layer', e: 8, h: 2, l: 6, s: 6, n: 3, ff: 16, attnMask: 'causal' },
  { kind: 'layer', e: 8, h: 4, l: 5, s: 5, n: 2, ff: 12, activation: 'gelu', normFirst: true, batchFirst: true, keyPadding: true },
  { kind: 'encoder', e: 8, h: 2, l: 5, s: 5, n: 2, ff: 16, layers: 2, attnMask: 'causal' },
  { kind: 'decoderLayer', e: 8, h: 2, l: 4, s: 6, n: 2, ff: 16, attnMask: 'causal', keyPadding: true },
  { kind: 'decoderLayer', e: 8, h: 4, l: 3, s: 5, n: 3, ff: 12, activation: 'gelu', normFirst: true, batchFirst: true },
  { kind: 'decoder', e: 8, h: 2, l: 4, s: 5, n: 2, ff: 16, layers: 2, attnMask: 'causal', keyPadding: true },
  { kind: 'transformer', e: 8, h: 2, l: 4, s: 6, n: 2, ff: 16, layers: 2, attnMask: 'causal', keyPadding: true },
];

const SCRIPT = `
import sys, json, torch
import torch.nn as nn
torch.manual_seed(0)
def masks(c):
    L, S, N, H = c["l"], c["s"], c["n"], c["h"]
    am = None
    if c.get("attnMask") == "causal": am = torch.triu(torch.ones(L, L if c["kind"] in ("decoderLayer", "decoder", "transformer") else S, dtype=torch.bool), 1)
    elif c.get("attnMask") == "heads": am = torch.rand(N * H, L, S) < 0.3; am[:, :, 0] = False
    elif c.get("attnMask") == "float": am = torch.randn(L, S)
    kpm = None
    if c.get("keyPadding"): kpm = torch.zeros(N, S, dtype=torch.bool); kpm[:, -1] = True; kpm[0, -2] = True
    return am, kpm
out = []
for c in json.load(sys.stdin):
    E, H, L, S, N = c["e"], c["h"], c["l"], c["s"], c["n"]
    bf = c.get("batchFirst", False)
    am, kpm = masks(c)
    if c["kind"] == "mha":
        m = nn.MultiheadAttention(E, H, bias=c.get("bias", True), kdim=c.get("kdim"), vdim=c.get("vdim"), batch_first=bf, add_bias_kv=c.get("addBiasKv", False), add_zero_attn=c.get("addZeroAttn", False))
    elif c["kind"] in ("decoderLayer", "decoder", "transformer"):
        kw = dict(dim_feedforward=c["ff"], dropout=0.0, activation=c.get("activation", "relu"), batch_first=bf, norm_first=c.get("normFirst", False))
        if c["kind"] == "transformer": m = nn.Transformer(E, H, c["layers"], c["layers"], **kw)
        else:
            layer = nn.TransformerDecoderLayer(E, H, **kw)
            m = layer if c["kind"] == "decoderLayer" else nn.TransformerDecoder(layer, c["layers"], norm=nn.LayerNorm(E))
        with torch.no_grad():
            for p in m.parameters(): p.add_(torch.randn_like(p) * 0.1)
    else:
        layer = nn.TransformerEncoderLayer(E, H, dim_feedforward=c["ff"], dropout=0.0, activation=c.get("activation", "relu"), batch_first=bf, norm_first=c.get("normFirst", False))
        m = layer if c["kind"] == "layer" else nn.TransformerEncoder(layer, c["layers"], norm=nn.LayerNorm(E))
        with torch.no_grad():
            for p in m.parameters(): p.add_(torch.randn_like(p) * 0.1)
    shape = lambda f: ([L, f] if c.get("unbatched") else [N, L, f] if bf else [L, N, f])
    kshape = lambda f: ([S, f] if c.get("unbatched") else [N, S, f] if bf else [S, N, f])
    q = torch.randn(shape(E), requires_grad=True)
    k = torch.randn(kshape(c.get("kdim") or E), requires_grad=True)
    v = k if c.get("sameKV") else torch.randn(kshape(c.get("vdim") or E), requires_grad=True)
    if c["kind"] == "mha":
        if c.get("sameKV"): q = k
        y, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am, need_weights=True, average_attn_weights=c.get("average", True))
    elif c["kind"] in ("decoderLayer", "decoder"): y, w = m(q, k, tgt_mask=am, memory_key_padding_mask=kpm), None
    elif c["kind"] == "transformer": y, w = m(k, q, tgt_mask=am, src_key_padding_mask=kpm, memory_key_padding_mask=kpm), None
    elif c["kind"] == "layer": y, w = m(q, src_mask=am, src_key_padding_mask=kpm), None
    else: y, w = m(q, mask=am, src_key_padding_mask=kpm), None
    loss = (y * torch.linspace(-1, 1, y.numel()).reshape(y.shape)).sum()
    if w is not None: loss = loss + (w * torch.linspace(2, -1, w.numel()).reshape(w.shape)).sum()
    loss.backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    grads = {"q": flat(q.grad)}
    if k is not q and k.grad is not None: grads["k"] = flat(k.grad)
    if v is not k and v.grad is not None: grads["v"] = flat(v.grad)
    out.append({
        "state": {k2: {"shape": list(t.shape), "data": flat(t)} for k2, t in m.state_dict().items()},
        "inputs": {"q": flat(q), "k": flat(k), "v": flat(v), "qs": list(q.shape), "ks": list(k.shape), "vs": list(v.shape)},
        "am": None if am is None else {"shape": list(am.shape), "data": flat(am.float())},
        "kpm": None if kpm is None else {"shape": list(kpm.shape), "data": flat(kpm.float())},
        "y": flat(y), "yshape": list(y.shape), "w": None if w is None else flat(w), "wshape": None if w is None else list(w.shape),
        "grads": grads, "pgrads": {k2: flat(p.grad) for k2, p in m.named_parameters()},
    })
print(json.dumps(out))
`;

interface Blob { shape: number[]; data: number[] }
interface Answer {
  state: Record<string, Blob>; inputs: { q: number[]; k: number[]; v: number[]; qs: number[]; ks: number[]; vs: number[] };
  am: Blob | null; kpm: Blob | null; y: number[]; yshape: number[]; w: number[] | null; wshape: number[] | null;
  grads: Record<string, number[]>; pgrads: Record<string, number[]>;
}

function build(c: Case): nn.Module {
  if (c.kind === 'mha') return new nn.MultiheadAttention(c.e, c.h, { bias: c.bias ?? true, kdim: c.kdim, vdim: c.vdim, batchFirst: c.batchFirst ?? false, addBiasKv: c.addBiasKv, addZeroAttn: c.addZeroAttn });
  const options = { dimFeedforward: c.ff, dropout: 0, activation: c.activation, batchFirst: c.batchFirst, normFirst: c.normFirst };
  if (c.kind === 'transformer') return new nn.Transformer({ dModel: c.e, nhead: c.h, numEncoderLayers: c.layers, numDecoderLayers: c.layers, ...options });
  if (c.kind === 'decoderLayer' || c.kind === 'decoder') {
    const layer = new nn.TransformerDecoderLayer(c.e, c.h, options);
    return c.kind === 'decoderLayer' ? layer : new nn.TransformerDecoder(layer, c.layers!, { norm: new nn.LayerNorm(c.e) });
  }
  const layer = new nn.TransformerEncoderLayer(c.e, c.h, { dimFeedforward: c.ff, dropout: 0, activation: c.activation, batchFirst: c.batchFirst, normFirst: c.normFirst });
  return c.kind === 'layer' ? layer : new nn.TransformerEncoder(layer, c.layers!, { norm: new nn.LayerNorm(c.e) });
}

const near = (ours: ArrayLike<number>, theirs: number[], what: string) => {
  expect(ours.length, what).toBe(theirs.length);
  theirs.forEach((v, i) => expect(Math.abs(ours[i] - v), `${what}[${i}]: ${ours[i]} vs ${v}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
};

noteIfNoTorch('MultiheadAttention and TransformerEncoder against torch');
let answers: Answer[] | null = null;
eachBackend('attention and transformer modules', () => {
  it.runIf(haveTorch)(`${CASES.length} modules: torch's outputs, weights and every gradient`, () => {
    answers ??= torchJson<Answer[]>(SCRIPT, JSON.stringify(CASES));
    CASES.forEach((c, i) => {
      const a = answers![i];
      const what = `case ${i} (${c.kind})`;
      const m = build(c);
      const state: Record<string, Tensor> = {};
      for (const [k, b] of Object.entries(a.state)) state[k] = bp.tensor(b.data, { shape: b.shape });
      expect(Object.keys(m.stateDict()).sort(), `${what} state-dict names`).toEqual(Object.keys(state).sort());
      m.loadStateDict(state);
      const q = bp.tensor(a.inputs.q, { shape: a.inputs.qs, requiresGrad: true });
      const k = c.sameKV ? q : bp.tensor(a.inputs.k, { shape: a.inputs.ks, requiresGrad: true });
      const v = c.sameKV ? q : bp.tensor(a.inputs.v, { shape: a.inputs.vs, requiresGrad: true });
      const am = a.am ? bp.tensor(a.am.data, { shape: a.am.shape }) : undefined;
      const kpm = a.kpm ? bp.tensor(a.kpm.data, { shape: a.kpm.shape }) : undefined;
      let y: Tensor, w: Tensor | null = null;
      if (c.kind === 'mha') {
        const r = (m as nn.MultiheadAttention).attention(q, k, v, { attnMask: am, keyPaddingMask: kpm, averageAttnWeights: c.average ?? true, maskKind: c.attnMask === 'float' ? 'float' : 'bool' });
        y = r.output;
        w = r.weights;
      } else if (c.kind === 'decoderLayer' || c.kind === 'decoder') y = (m as nn.TransformerDecoder).forward(q, k, am, undefined, undefined, kpm);
      else if (c.kind === 'transformer') y = (m as nn.Transformer).forward(k, q, undefined, am, undefined, kpm, undefined, kpm);
      else y = m.forward(q, am as Tensor, kpm as Tensor);
      expect([...y.shape], what).toEqual(a.yshape);
      near(y.data, a.y, `${what} output`);
      let loss = y.mul(bp.linspace(-1, 1, y.size).reshape([...y.shape])).sum();
      if (w) {
        expect([...w.shape], what).toEqual(a.wshape);
        near(w.data, a.w!, `${what} weights`);
        loss = loss.add(w.mul(bp.linspace(2, -1, w.size).reshape([...w.shape])).sum());
      }
      loss.backward();
      near(q.grad!.data, a.grads.q, `${what} grad q`);
      if (a.grads.k) near(k.grad!.data, a.grads.k, `${what} grad k`);
      if (a.grads.v) near(v.grad!.data, a.grads.v, `${what} grad v`);
      for (const [name, p] of m.namedParameters()) near(p.grad!.data, a.pgrads[name], `${what} grad ${name}`);
    });
  });

  it('print and name their parts as torch does', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(String(layer)).toBe([
      'TransformerEncoderLayer(',
      '  (self_attn): MultiheadAttention(',
      '    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)',
      '  )',
      '  (linear1): Linear(in_features=8, out_features=16, bias=True)',
      '  (dropout): Dropout(p=0.1, inplace=False)',
      '  (linear2): Linear(in_features=16, out_features=8, bias=True)',
      '  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
      '  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
      '  (dropout1): Dropout(p=0.1, inplace=False)',
      '  (dropout2): Dropout(p=0.1, inplace=False)',
      ')',
    ].join('\n'));
    const enc = new nn.TransformerEncoder(layer, 3);
    expect(Object.keys(enc.stateDict()).filter((k) => k.startsWith('layers.2.self_attn'))).toEqual(
      ['layers.2.self_attn.in_proj_weight', 'layers.2.self_attn.in_proj_bias', 'layers.2.self_attn.out_proj.weight', 'layers.2.self_attn.out_proj.bias']);
    // Each copy starts from the layer's weights, and they are separate parameters.
    const l0 = enc.layers.at(0) as nn.TransformerEncoderLayer, l2 = enc.layers.at(2) as nn.TransformerEncoderLayer;
    expect(Array.from(l2.linear1.weight.data)).toEqual(Array.from(layer.linear1.weight.data));
    expect(l0.linear1.weight).not.toBe(l2.linear1.weight);
    expect(enc.parameters().length).toBe(3 * layer.parameters().length);
  });

  it('dropout acts in training only; eval is deterministic', () => {
    const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.5 });
    const x = bp.randn([4, 2, 8]);
    const a = mha.forward(x), b = mha.forward(x);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    mha.eval();
    expect(Array.from(mha.forward(x).data)).toEqual(Array.from(mha.forward(x).data));
    const r = mha.attention(x, x, x, { needWeights: false });
    expect(r.weights).toBeNull();
  });

  it('names the bad argument', () => {
    expect(() => new nn.MultiheadAttention(10, 3)).toThrow('MultiheadAttention: embedDim (10) must be divisible by numHeads (3)');
    expect(() => new nn.MultiheadAttention(8, 0)).toThrow('MultiheadAttention: numHeads must be a positive integer, got 0');
    expect(() => new nn.MultiheadAttention(8, 2, { dropout: 2 })).toThrow('MultiheadAttention: p must be in [0, 1], got 2');
    expect(() => new nn.MultiheadAttention(8, 2, { batch_first: true } as never)).toThrow(/MultiheadAttention: unknown option 'batch_first'/);
    const mha = new nn.MultiheadAttention(8, 2);
    const x = bp.randn([4, 2, 8]);
    expect(() => mha.forward(bp.randn([4, 2, 6]))).toThrow('MultiheadAttention: query has 6 features, embedDim is 8');
    expect(() => mha.forward(x, bp.randn([3, 2]))).toThrow(/MultiheadAttention: query, key and value must all be 3-D/);
    expect(() => mha.forward(x, bp.randn([5, 3, 8]))).toThrow(/MultiheadAttention: query, key and value disagree on batch or source length/);
    expect(() => mha.forward(x, x, x, undefined, bp.zeros([4, 5]))).toThrow('MultiheadAttention: attnMask must be [4, 4] or [4, 4, 4], got shape [4, 5]');
    expect(() => mha.forward(x, x, x, bp.zeros([2, 3]))).toThrow('MultiheadAttention: keyPaddingMask must be [2, 4], got shape [2, 3]');
    expect(() => mha.attention(x, x, x, { maskKind: 'byte' as 'bool' })).toThrow(`MultiheadAttention: maskKind must be 'bool' or 'float', got "byte"`);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got "tanh"`);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 0 })).toThrow('TransformerEncoderLayer: dimFeedforward must be a positive integer, got 0');
    expect(() => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2)).toThrow(/TransformerEncoder: encoderLayer must be a TransformerEncoderLayer/);
    expect(() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 0)).toThrow('TransformerEncoder: numLayers must be a positive integer, got 0');
    expect(() => new nn.TransformerDecoder(new nn.TransformerEncoderLayer(8, 2) as never, 2)).toThrow(/TransformerDecoder: decoderLayer must be a TransformerDecoderLayer/);
    expect(() => new nn.TransformerDecoderLayer(8, 3)).toThrow('MultiheadAttention: embedDim (8) must be divisible by numHeads (3)');
    expect(() => new nn.TransformerDecoderLayer(8, 2).forward(bp.randn([3, 2, 8]), 5 as never)).toThrow(/TransformerDecoderLayer memory/);
    expect(() => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 }).forward(bp.randn([3, 2, 8]), bp.randn([3, 4, 8])))
      .toThrow('Transformer: the batch sizes of src and tgt must be equal, got shapes [3, 2, 8] and [3, 4, 8]');
    expect(() => new nn.Transformer({ d_model: 8 } as never)).toThrow(/Transformer: unknown option 'd_model'/);
    expect(() => nn.Transformer.generateSquareSubsequentMask(-1)).toThrow('Transformer.generateSquareSubsequentMask: sz must be a non-negative integer, got -1');
  });
});

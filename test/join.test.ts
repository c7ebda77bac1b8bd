// cat, stack, narrow, split, chunk, squeeze, unsqueeze, expand and repeat: values and gradients against torch 1.13
// over random shapes and dimensions (both backends), identities that need no torch, and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { randomArray, rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

interface Case {
  op: 'cat' | 'stack' | 'narrow' | 'split' | 'chunk' | 'squeeze' | 'unsqueeze' | 'expand' | 'repeat';
  inputs: { shape: number[]; data: number[] }[];
  args: number[];
  sizes?: number[];
}

function randomCases(): Case[] {
  const r = rng(31);
  const { pick } = drawsOf(r);
  const data = (shape: number[]) => Array.from(randomArray(shape.reduce((a, b) => a * b, 1), r));
  const cases: Case[] = [];
  for (let i = 0; i < 120; i++) {
    const nd = 1 + Math.floor(r() * 3);
    const shape = Array.from({ length: nd }, () => pick([1, 2, 3, 4]));
    const dim = Math.floor(r() * nd) - (r() < 0.3 ? nd : 0);
    const op = pick(['cat', 'stack', 'narrow', 'split', 'chunk', 'squeeze', 'unsqueeze', 'expand', 'repeat'] as const);
    const d = dim < 0 ? dim + nd : dim;
    if (op === 'cat') {
      const inputs = Array.from({ length: 1 + Math.floor(r() * 3) }, () => { const s = [...shape]; s[d] = pick([0, 1, 2, 3]); return { shape: s, data: data(s) }; });
      cases.push({ op, inputs, args: [dim] });
    } else if (op === 'stack') {
      cases.push({ op, inputs: Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({ shape, data: data(shape) })), args: [Math.floor(r() * (nd + 1)) - (r() < 0.3 ? nd + 1 : 0)] });
    } else if (op === 'narrow') {
      const start = Math.floor(r() * (shape[d] + 1));
      cases.push({ op, inputs: [{ shape, data: data(shape) }], args: [dim, r() < 0.3 && start > 0 ? start - shape[d] : start, Math.floor(r() * (shape[d] - start + 1))] });
    } else if (op === 'split') {
      const c: Case = { op, inputs: [{ shape, data: data(shape) }], args: [1 + Math.floor(r() * 3), dim] };
      if (r() < 0.5) { const a = Math.floor(r() * (shape[d] + 1)); c.sizes = [a, shape[d] - a]; }
      cases.push(c);
    } else if (op === 'chunk') {
      cases.push({ op, inputs: [{ shape, data: data(shape) }], args: [1 + Math.floor(r() * 4), dim] });
    } else if (op === 'expand') {
      const s1 = shape.map((d) => (d === 1 && r() < 0.6 ? pick([2, 3]) : r() < 0.3 ? -1 : d));
      cases.push({ op, inputs: [{ shape, data: data(shape) }], args: r() < 0.4 ? [2, ...s1] : s1 });
    } else if (op === 'repeat') {
      const reps = shape.map(() => pick([1, 2, 3]));
      cases.push({ op, inputs: [{ shape, data: data(shape) }], args: r() < 0.4 ? [2, ...reps] : reps });
    } else if (op === 'squeeze') {
      cases.push({ op, inputs: [{ shape, data: data(shape) }], args: r() < 0.4 ? [] : [dim] });
    } else {
      cases.push({ op, inputs: [{ shape, data: data(shape) }], args: [Math.floor(r() * (nd + 1)) - (r() < 0.3 ? nd + 1 : 0)] });
    }
  }
  return cases;
}

// Each output gets the upstream gradient 1, 2, 3... over its elements, so every path is weighed apart.
function ours(c: Case): { outs: { shape: number[]; data: number[] }[]; grads: number[][] } {
  const xs = c.inputs.map((x) => bp.tensor(x.data, { shape: x.shape, requiresGrad: true }));
  const [a0, a1, a2] = c.args;
  let outs: Tensor[];
  switch (c.op) {
    case 'cat': outs = [bp.cat(xs, a0)]; break;
    case 'stack': outs = [bp.stack(xs, a0)]; break;
    case 'narrow': outs = [xs[0].narrow(a0, a1, a2)]; break;
    case 'split': outs = xs[0].split(c.sizes ?? a0, a1); break;
    case 'chunk': outs = xs[0].chunk(a0, a1); break;
    case 'squeeze': outs = [c.args.length ? xs[0].squeeze(a0) : xs[0].squeeze()]; break;
    case 'unsqueeze': outs = [xs[0].unsqueeze(a0)]; break;
    case 'expand': outs = [xs[0].expand(c.args)]; break;
    case 'repeat': outs = [xs[0].repeat(c.args)]; break;
  }
  let total: Tensor | null = null;
  for (const o of outs) {
    const w = bp.tensor(Array.from({ length: o.size }, (_, i) => i + 1), { shape: o.shape as number[] });
    const t = o.mul(w).sum();
    total = total ? total.add(t) : t;
  }
  total!.backward();
  return { outs: outs.map((o) => ({ shape: [...o.shape], data: Array.from(o.data) })), grads: xs.map((x) => Array.from(x.grad?.data ?? new Float32Array(x.size))) };
}

const TORCH_SCRIPT = `
import torch, json, sys
out = []
for c in json.loads(sys.stdin.read()):
    xs = [torch.tensor(x["data"], dtype=torch.float32).reshape(x["shape"]).requires_grad_() for x in c["inputs"]]
    op, a = c["op"], c["args"]
    if op == "cat": outs = [torch.cat(xs, a[0])]
    elif op == "stack": outs = [torch.stack(xs, a[0])]
    elif op == "narrow": outs = [xs[0].narrow(a[0], a[1], a[2])]
    elif op == "split": outs = list(xs[0].split(c["sizes"] if c.get("sizes") is not None else a[0], a[1]))
    elif op == "chunk": outs = list(xs[0].chunk(a[0], a[1]))
    elif op == "squeeze": outs = [xs[0].squeeze(a[0]) if a else xs[0].squeeze()]
    elif op == "expand": outs = [xs[0].expand(*a)]
    elif op == "repeat": outs = [xs[0].repeat(*a)]
    else: outs = [xs[0].unsqueeze(a[0])]
    total = sum((o * torch.arange(1, o.numel() + 1, dtype=torch.float32).reshape(o.shape)).sum() for o in outs)
    total.backward()
    out.append({"outs": [{"shape": list(o.shape), "data": o.detach().reshape(-1).tolist()} for o in outs],
                "grads": [(x.grad if x.grad is not None else torch.zeros_like(x)).reshape(-1).tolist() for x in xs]})
print(json.dumps(out))
`;

let answers: ReturnType<typeof ours>[] | null = null;
const cases = randomCases();
function torchAnswers(): ReturnType<typeof ours>[] {
  if (!answers) {
    answers = torchJson<ReturnType<typeof ours>[]>(TORCH_SCRIPT, JSON.stringify(cases));
  }
  return answers;
}

noteIfNoTorch('the comparison of cat/stack/narrow/split/chunk/squeeze/unsqueeze/expand/repeat with torch');
eachBackend('joining and cutting tensors', () => {
  it.runIf(haveTorch)('120 random calls: shapes, values and gradients as torch', () => {
    const theirs = torchAnswers();
    cases.forEach((c, i) => {
      const what = `case ${i}: ${c.op}(${c.inputs.map((x) => `[${x.shape}]`).join(', ')}; ${c.sizes ? `sizes ${c.sizes}, ` : ''}${c.args})`;
      expect(ours(c), what).toEqual(theirs[i]);
    });
  });

  it('split pieces and cat rebuild the tensor; stack is cat of unsqueezed; squeeze undoes unsqueeze', () => {
    const x = bp.arange(24).reshape([2, 3, 4]);
    expect(bp.cat(x.split([1, 3], -1), -1).toArray()).toEqual(x.toArray());
    expect(bp.cat(x.chunk(2, 1), 1).toArray()).toEqual(x.toArray());
    expect(bp.stack([x, x], 1).toArray()).toEqual(bp.cat([x.unsqueeze(1), x.unsqueeze(1)], 1).toArray());
    expect(x.unsqueeze(0).unsqueeze(-1).squeeze().shape).toEqual([2, 3, 4]);
    expect(x.narrow(2, -2, 2).toArray()).toEqual([[[2, 3], [6, 7], [10, 11]], [[14, 15], [18, 19], [22, 23]]]);
  });

  it('large narrows, splits and clones (one backend copy each) take the same elements as small ones', () => {
    // Past BULK_COPY (65536 floats) the blocks are copied by the backend's strided copy.
    const [rows, cols] = [300, 410];
    const x = bp.tensor(Float32Array.from({ length: rows * cols }, (_, i) => i), { shape: [rows, cols] });
    const at = (t: Tensor, r: number, c: number) => t.data[r * t.shape[1] + c];
    const n = x.narrow(1, 7, 250);
    expect(n.shape).toEqual([rows, 250]);
    for (let r = 0; r < rows; r += 37) for (let c = 0; c < 250; c += 23) expect(at(n, r, c)).toBe(r * cols + c + 7);
    expect(at(n, rows - 1, 249)).toBe((rows - 1) * cols + 256);
    const pieces = x.split(200, 1);
    expect(pieces.map((p) => p.shape[1])).toEqual([200, 200, 10]);
    expect(bp.cat(pieces, 1).toFloat32Array()).toEqual(x.toFloat32Array());
    // One large block per input (along dim 0): one threaded copy each.
    const both = bp.stack([x, x.mul(-1)]);
    expect([both.shape, both.data[rows * cols - 1], both.data[rows * cols + 5], both.data[2 * rows * cols - 1]])
      .toEqual([[2, rows, cols], rows * cols - 1, -5, -(rows * cols - 1)]);
    expect(bp.cat([x, x], 0).toFloat32Array().subarray(rows * cols)).toEqual(x.toFloat32Array());
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(c.toFloat32Array()).toEqual(x.toFloat32Array());
    // And their gradients: narrow's backward puts gy back in place, zeros elsewhere.
    const xg = bp.rand([rows, cols]).requiresGrad_();
    xg.narrow(1, 7, 250).clone().mul(2).sum().backward();
    const g = (xg.grad as Tensor).data;
    expect([g[0], g[7], g[256], g[257], g[(rows - 1) * cols + 256], g[rows * cols - 1]]).toEqual([0, 2, 2, 0, 2, 0]);
  });

  it('the gradient of a cut is its block alone, added into the input gradient with every other contribution', () => {
    // narrow's backward gives its block (a GradPart), not an array as large as x: split's 98 pieces of
    // [256, 784] cost 98 passes over x before. The walk adds blocks into x's pending gradient: made by
    // the first, added into by contiguous blocks (dim 0), gathered, added and put back by strided ones
    // (dim 1), copied first when another op's gradient is still shared (add's, given to both inputs).
    const [rows, cols] = [40, 30];
    const x = bp.tensor(Float32Array.from({ length: rows * cols }, (_, i) => (i % 7) - 3), { shape: [rows, cols], requiresGrad: true });
    const w = (shape: number[], k: number) => bp.tensor(Float32Array.from({ length: shape[0] * shape[1] }, (_, i) => ((i * k) % 11) - 5), { shape });
    const expected = new Float64Array(rows * cols);
    const weigh = (r0: number, c0: number, t: Tensor, times = 1) => {
      const [h, wd] = t.shape;
      for (let r = 0; r < h; r++) for (let c = 0; c < wd; c++) expected[(r0 + r) * cols + c0 + c] += times * t.data[r * wd + c];
    };
    const parts: Tensor[] = [];
    const wCols = x.split([4, 20, 6], 1).map((p, i) => { const m = w([rows, p.shape[1]], i + 2); parts.push(p.mul(m).sum()); return m; });
    weigh(0, 0, wCols[0]); weigh(0, 4, wCols[1]); // the third piece is left out of the loss: no gradient
    parts.pop();
    const wRows = x.chunk(4, 0).map((p, i) => { const m = w([p.shape[0], cols], i + 5); parts.push(p.mul(m).sum()); weigh(i * 10, 0, m); return m; });
    expect(wRows.length).toBe(4);
    const over = w([rows, 12], 3); // overlaps the first two column pieces
    parts.push(x.narrow(1, 2, 12).mul(over).sum());
    weigh(0, 2, over);
    // A whole-size gradient that add gives to both its inputs, so that it is shared when it comes;
    // h, its other holder, is read late in the walk (it feeds the first term too).
    const z = bp.zeros([rows * cols], { requiresGrad: true });
    const h = z.reshape([rows, cols]);
    parts[0] = parts[0].add(h.sum());
    parts.push(x.add(h).sum()); // last in the sum: the first gradient to reach x
    for (let i = 0; i < expected.length; i++) expected[i] += 1;
    const loss = parts.reduce((a, b) => a.add(b));
    loss.backward({ retainGraph: true });
    expect(Array.from((x.grad as Tensor).data)).toEqual(Array.from(expected));
    expect((z.grad as Tensor).data.every((v) => v === 2)).toBe(true);
    loss.backward(); // a second walk adds the same again
    expect(Array.from((x.grad as Tensor).data)).toEqual(Array.from(expected, (v) => 2 * v));
    expect((z.grad as Tensor).data.every((v) => v === 4)).toBe(true);
    // Blocks first: the first makes y's gradient, one that overlaps none before it is copied in, one
    // that overlaps is added. The walk takes the last term first: the second split piece (made),
    // the first (copied), the narrow over both and chunk's rows (added). And again with a whole-size
    // gradient between the two pieces, after which the first piece must be added too.
    for (const between of [false, true]) {
      const y = bp.tensor(Float32Array.from({ length: rows * cols }, (_, i) => (i % 5) - 2), { shape: [rows, cols], requiresGrad: true });
      expected.fill(between ? 1 : 0);
      const terms = [y.chunk(2, 0)[1], y.narrow(1, 5, 10), ...y.split([10, 20], 1)].map((p, i) => {
        const m = w([p.shape[0], p.shape[1]], i + 7);
        weigh(i === 0 ? 20 : 0, i === 1 ? 5 : i === 3 ? 10 : 0, m);
        return p.mul(m).sum();
      });
      if (between) terms.splice(3, 0, y.mul(1).sum());
      terms.reduce((a, b) => a.add(b)).backward();
      expect(Array.from((y.grad as Tensor).data)).toEqual(Array.from(expected));
    }
    // The node's own answer: one block, rows of 6 floats 30 apart from float 24.
    const piece = x.split([4, 20, 6], 1)[2];
    const [block] = (piece.node as NonNullable<Tensor['node']>).backward(bp.ones([rows, 6]).data);
    expect(block && !ArrayBuffer.isView(block) && { offset: block.offset, stride: block.stride, len: block.len, count: block.count })
      .toEqual({ offset: 24, stride: 30, len: 6, count: rows });
  });

  it('blocks of a node of ours: runs that go on into the next row overlap the runs there', () => {
    // A GradNode may give any block (GradPart is public): rows of 30, runs of 10 from column 25
    // reach columns 0-4 of the next row, where the second block's runs (columns 2-4) lie.
    const x = bp.zeros([3, 30], { requiresGrad: true });
    const piece = (offset: number, len: number, value: number): Tensor => new Tensor(new Float32Array(1), [1], true, {
      op: 'piece', inputs: [x], backward: () => [{ part: new Float32Array(2 * len).fill(value), offset, stride: 30, len, count: 2 }],
    });
    piece(2, 3, 10).add(piece(25, 10, 1)).sum().backward(); // the walk takes the second term first
    const g = Array.from((x.grad as Tensor).data);
    const expected = new Array<number>(90).fill(0);
    for (const at of [25, 55]) for (let i = at; i < at + 10; i++) expected[i] += 1;
    for (const at of [2, 32]) for (let i = at; i < at + 3; i++) expected[i] += 10;
    expect(g).toEqual(expected);
  });

  it('many short blocks (columns of a batch) cut, joined and given back as one copy each', () => {
    // Blocks shorter than 16 floats go element by element; 16 blocks and more to the native backend's
    // strided copy (into strided outputs too: cat's pieces, narrow's gradient). Each element checked
    // against its index, forward and backward, for counts and widths on both sides of those limits.
    const gradOf = (t: Tensor): Float32Array => (t.grad as Tensor).data; // (x.grad = null narrows it to null)
    for (const [rows, cols] of [[1, 9], [7, 5], [15, 40], [16, 3], [17, 64], [300, 17], [2048, 33]]) {
      const x = bp.tensor(Float32Array.from({ length: rows * cols }, (_, i) => i), { shape: [rows, cols] }).requiresGrad_();
      for (const [start, len] of [[0, 1], [2, 3], [cols - 1, 1], [1, cols - 1], [0, cols]]) {
        if (start < 0 || len < 1 || start + len > cols) continue;
        const part = x.narrow(1, start, len);
        const want = Float32Array.from({ length: rows * len }, (_, i) => Math.floor(i / len) * cols + start + (i % len));
        expect(part.toFloat32Array(), `[${rows}, ${cols}].narrow(1, ${start}, ${len})`).toEqual(want);
        x.grad = null;
        part.mul(bp.arange(rows * len).reshape([rows, len]).add(1)).sum().backward();
        const g = gradOf(x);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const inside = c >= start && c < start + len;
            const want = inside ? r * len + (c - start) + 1 : 0;
            if (g[r * cols + c] !== want) expect.fail(`narrow(1, ${start}, ${len}) of [${rows}, ${cols}]: gradient at ${r}, ${c}`);
          }
        }
      }
      const col = x.select(1, cols - 1);
      expect(col.toFloat32Array()).toEqual(Float32Array.from({ length: rows }, (_, r) => r * cols + cols - 1));
      // cat of narrow pieces and of pieces of other widths rebuilds the rows; its gradient splits them
      const pieces = [x.narrow(1, 0, 1), x.narrow(1, 1, cols - 1), x.narrow(1, 0, 1)];
      const joined = bp.cat(pieces, 1);
      const wantJoined = Float32Array.from({ length: rows * (cols + 1) }, (_, i) => {
        const [r, c] = [Math.floor(i / (cols + 1)), i % (cols + 1)];
        return r * cols + (c === cols ? 0 : c);
      });
      expect(joined.toFloat32Array(), `cat of [${rows}, ${cols}]'s columns`).toEqual(wantJoined);
      expect(bp.cat(x.split(4, 1), 1).toFloat32Array()).toEqual(x.toFloat32Array());
      x.grad = null;
      joined.mul(bp.arange(rows * (cols + 1)).reshape([rows, cols + 1])).sum().backward();
      const g = gradOf(x);
      for (let r = 0; r < rows; r++) {
        const w = cols + 1;
        const first = r * w + r * w + cols; // column 0 is in the first and the last piece
        if (g[r * cols] !== first) expect.fail(`cat gradient of [${rows}, ${cols}] at ${r}, 0: ${g[r * cols]} against ${first}`);
        for (let c = 1; c < cols; c++) if (g[r * cols + c] !== r * w + c) expect.fail(`cat gradient of [${rows}, ${cols}] at ${r}, ${c}`);
      }
    }
  });

  it('a narrow or split into contiguous blocks (rows of a batch) shares the storage, and keeps it from reuse', () => {
    const x = bp.rand([64, 64]); // storage of the library's own, which the pool may take back
    const rows = x.narrow(0, 8, 32); // 2048 floats: a view
    expect(rows.data.buffer).toBe(x.data.buffer);
    expect(rows.data[5]).toBe(x.data[8 * 64 + 5]);
    x.data[8 * 64] = -1; // torch's view semantics: a write through one shows in the other
    expect(rows.data[0]).toBe(-1);
    const others = [x.unsqueeze(0).narrow(1, 32, 32), ...x.split(32, 0)]; // dims before of size 1; split's pieces
    expect(others.every((p) => p.data.buffer === x.data.buffer)).toBe(true);
    others.forEach((p) => p.dispose());
    expect(x.narrow(1, 0, 32).data.buffer).not.toBe(x.data.buffer); // columns: not one block, a copy
    const batch = bp.rand([4, 2048]);
    const sample = batch.select(0, 2); // select of a block: narrow's view
    expect([sample.data.buffer === batch.data.buffer, sample.shape, sample.data[7]]).toEqual([true, [2048], batch.data[2 * 2048 + 7]]);
    expect(batch.select(1, 2).data.buffer).not.toBe(batch.data.buffer);
    // x disposed first: its storage stays out of the pool while the view holds it.
    const want = Array.from(rows.data);
    x.dispose();
    const next = [bp.full([64, 64], 7), bp.full([64, 64], 9)];
    expect(Array.from(rows.data)).toEqual(want);
    // A small block of a large storage is a copy: as a view it would not hold the storage.
    const y = bp.rand([64, 64]);
    const small = y.narrow(0, 10, 2);
    expect(small.data.buffer).not.toBe(y.data.buffer);
    const kept = Array.from(small.data);
    y.dispose();
    next.push(bp.full([64, 64], 5));
    expect(Array.from(small.data)).toEqual(kept);
    [...next, rows].forEach((t) => t.dispose());
  });

  it('bad calls are named', () => {
    const x = bp.zeros([2, 3]);
    expect(() => bp.cat([x, bp.zeros([3, 3])], 1)).toThrow(/cat: tensor 1 has shape \[3, 3\], tensor 0 \[2, 3\]: all dimensions but 1 must match/);
    expect(() => bp.cat([])).toThrow(/cat: expected a non-empty array of tensors/);
    expect(() => bp.cat([x, 3 as never])).toThrow(/cat: tensor 1: expected a Tensor/);
    expect(() => bp.stack([x, bp.zeros([3, 2])])).toThrow(/stack: tensor 1 has shape \[3, 2\], tensor 0 \[2, 3\]: all must match/);
    expect(() => x.narrow(1, 2, 2)).toThrow(/narrow: start 2 \+ length 2 exceeds dimension 1 of size 3/);
    // Values that cannot become text (random-calls found the message itself throwing for a Symbol).
    expect(() => x.narrow(1, Symbol('s') as unknown as number, 1)).toThrow(/^narrow: start Symbol\(s\) is out of range for dimension 1 of size 3$/);
    expect(() => x.narrow(1, 0, 10n as unknown as number)).toThrow(/^narrow: start 0 \+ length 10 exceeds dimension 1 of size 3/);
    expect(() => x.split([1, 2], 0)).toThrow(/split: sizes \[1, 2\] sum to 3, but dimension 0 has size 2/);
    expect(() => x.chunk(0)).toThrow(/chunk: chunks must be a positive integer, got 0/);
    expect(() => x.unsqueeze(4)).toThrow(/unsqueeze: dim 4 is out of range for a tensor with 3 dimension/);
    expect(() => x.expand([3, 3])).toThrow(/expand: cannot expand shape \[2, 3\] to \[3, 3\] \(dimension 0\)/);
    expect(() => x.expand([3])).toThrow(/expand: shape \[3\] has fewer dimensions than the tensor's \[2, 3\]/);
    expect(() => x.repeat([2])).toThrow(/repeat: reps must be non-negative integers, at least one per dimension of \[2, 3\]/);
  });
});

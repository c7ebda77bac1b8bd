// sort, argsort, topk, maskedFill, tril, triu, all, any, cumsum, flip, norm, amax and amin against
// torch 1.13: random shapes with ties, NaN, infinities and -0 (sort stable on both sides; topk's
// data without ties, whose order torch's kernel picks its own way), values and gradients bit for bit
// (norm's sums within rounding), and their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { withFloat64 } from '../lib/storage';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

function cases(): OpCase[] {
  const r = rng(97);
  const { int, pick } = drawsOf(r);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const shapeOf = (nd: number) => Array.from({ length: nd }, () => pick([1, 2, 3, 4, 0, 5]));
  // Ties (small integers), -0, NaN and infinities now and then.
  const vals = (n: number) => Array.from({ length: n }, () => (r() < 0.08 ? pick([NaN, Infinity, -Infinity, -0]) : r() < 0.4 ? int(3) - 1 : Math.fround(4 * r() - 2)));
  // Distinct values: 0.01 steps shuffled, one NaN at most.
  const distinct = (n: number) => Array.from({ length: n }, (_, i) => Math.fround(i / 100 - 1)).sort(() => r() - 0.5).map((v, i) => (i === 0 && r() < 0.2 ? NaN : v));
  const out: OpCase[] = [];
  for (let i = 0; i < 360; i++) {
    const op = pick(['sort', 'sort', 'argsort', 'topk', 'topk', 'maskedFill', 'tril', 'triu', 'all', 'any', 'cumsum', 'flip', 'norm', 'norm', 'amax', 'amin']);
    const nd = ['tril', 'triu'].includes(op) ? 2 + int(2) : int(4);
    // (amax and amin refuse an empty reduction, as torch does: their shapes have no 0.)
    const as = shapeOf(nd).map((v) => (v === 0 && (op === 'amax' || op === 'amin') ? 2 : v));
    const dim = nd === 0 ? pick([0, -1]) : int(2 * nd) - nd;
    if (op === 'sort' || op === 'argsort') out.push({ op, a: vals(size(as)), as, args: [dim, r() < 0.5] });
    else if (op === 'topk') {
      const len = nd === 0 ? 1 : as[dim < 0 ? dim + nd : dim];
      out.push({ op, a: distinct(size(as)), as, args: [int(len + 1), dim, r() < 0.7] });
    } else if (op === 'maskedFill') {
      const bs = as.slice(int(nd + 1)).map((d) => (r() < 0.3 ? 1 : d));
      out.push({ op, a: vals(size(as)), as, b: Array.from({ length: size(bs) }, () => (r() < 0.4 ? 1 : 0)), bs, args: [pick([0, -1e9, 'nan', 2.5])] }); // NaN as JSON carries it
    } else if (op === 'tril' || op === 'triu') out.push({ op, a: vals(size(as)), as, args: [int(7) - 3] });
    else if (op === 'cumsum') out.push({ op, a: vals(size(as)).map((v) => v * pick([1, 1e7])), as, args: [dim] });
    else if (op === 'flip') out.push({ op, a: vals(size(as)), as, args: [as.map((_, k) => k).filter(() => r() < 0.6).map((k) => (r() < 0.5 ? k - nd : k))] });
    else if (op === 'amax' || op === 'amin') {
      const dims = nd === 0 || r() < 0.3 ? null : r() < 0.5 ? dim : [...new Set(Array.from({ length: 1 + int(nd) }, () => int(nd)))];
      out.push({ op, a: vals(size(as)), as, args: [dims, r() < 0.5] });
    } else if (op === 'norm') {
      const dims = nd === 0 || r() < 0.3 ? null : r() < 0.5 ? dim : [...new Set(Array.from({ length: 1 + int(nd) }, () => int(nd)))];
      out.push({ op, a: vals(size(as)).map((v) => (r() < 0.5 && Number.isFinite(v) ? Math.abs(v) : v)), as, args: [pick([1, 2, 2, 'inf']), dims, r() < 0.5] });
    }
    else out.push({ op, a: vals(size(as)).map((v) => (r() < 0.5 ? 0 : v)), as, args: r() < 0.3 || nd === 0 ? [] : [dim, r() < 0.5] });
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  const diff = !['argsort', 'all', 'any'].includes(c.op);
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: diff });
  const args = c.args as never[];
  let y: Tensor;
  let extra: number[] = [];
  switch (c.op) {
    case 'sort': case 'topk': {
      const s = c.op === 'sort' ? a.sort(args[0], args[1]) : a.topk(args[0], { dim: args[1], largest: args[2] });
      y = s.values;
      extra = Array.from(s.indices.data);
      break;
    }
    case 'argsort': y = a.argsort(args[0], args[1]); break;
    case 'maskedFill': y = a.maskedFill(bp.tensor(c.b!, { shape: c.bs }), args[0] === 'nan' ? NaN : args[0]); break;
    case 'tril': y = a.tril(args[0]); break;
    case 'cumsum': y = a.cumsum(args[0]); break;
    case 'flip': y = a.flip(args[0]); break;
    case 'amax': case 'amin': y = a[c.op](args[0] ?? undefined, args[1]); break;
    case 'norm': y = a.norm(args[0] === 'inf' ? Infinity : args[0], args[1] ?? undefined, args[2]); break;
    case 'triu': y = a.triu(args[0]); break;
    default: y = (a as unknown as Record<string, (...p: unknown[]) => Tensor>)[c.op](...args);
  }
  if (diff && y.size > 0) y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: [...Array.from(y.data), ...extra], shape: [...y.shape], ga: diff ? Array.from(a.grad?.data ?? new Float32Array(a.size)) : null, gb: null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    diff = op not in ("argsort", "all", "any")
    a = T(c["a"], c["as"], diff)
    extra = []
    if op == "sort":
        y, i = torch.sort(a, dim=p[0], descending=p[1], stable=True); extra = i.float().reshape(-1).tolist()
    elif op == "topk":
        y, i = torch.topk(a, p[0], dim=p[1], largest=p[2]); extra = i.float().reshape(-1).tolist()
    elif op == "argsort": y = torch.sort(a, dim=p[0], descending=p[1], stable=True)[1].float()
    elif op == "maskedFill": y = a.masked_fill(T(c["b"], c["bs"], False) != 0, float(p[0]))
    elif op in ("tril", "triu"): y = getattr(a, op)(p[0])
    elif op == "cumsum": y = torch.cumsum(a, p[0])
    elif op == "flip": y = torch.flip(a, p[0])
    elif op in ("amax", "amin"): y = getattr(torch, op)(a, dim=p[0] if p[0] is not None else (), keepdim=p[1])
    elif op == "norm": y = torch.norm(a, float(p[0]), dim=p[1], keepdim=p[2])
    else: y = (getattr(a, op)(p[0], keepdim=p[1]) if p else getattr(a, op)()).float()
    if diff and y.numel() > 0: (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    ga = enc(a.grad if a.grad is not None else torch.zeros_like(a)) if diff else None
    out.append({"y": enc(y.detach()) + extra, "shape": list(y.shape), "ga": ga, "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of sort/argsort/topk/maskedFill/tril/triu/all/any/cumsum/flip/norm with torch');
eachBackend('sort, topk, masks, cumsum, flip, norm, amax and amin', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values, indices, gradients)`, () => {
    // norm sums (its 1- and 2-norms) in its own order: within rounding; the rest torch's exact bits.
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, (c) => (c.op === 'norm' && c.args[0] !== 'inf' ? 1e-5 : 0));
  });

  it('bad arguments are named', () => {
    const x = bp.arange(6).reshape([2, 3]);
    expect(() => x.topk(4)).toThrow(/^topk: k must be an integer in \[0, 3\] for dim 1 of shape \[2, 3\], got 4$/);
    expect(() => x.topk(1, { dim: 2 })).toThrow(/^topk: dim 2 is out of range for a tensor with 2 dimension\(s\)$/);
    expect(() => x.topk(1, { sorted: false } as bp.TopkOptions)).toThrow(/^topk: unknown option 'sorted' \(the options are dim, largest\)$/);
    expect(() => x.sort(0, 'yes' as unknown as boolean)).toThrow(/^sort: descending must be true or false, got "yes"$/);
    expect(() => x.maskedFill(x.gt(1), bp.tensor(1) as unknown as number)).toThrow(/^maskedFill: value must be a number, got a tensor of shape \[\]$/);
    expect(() => bp.arange(3).tril()).toThrow(/^tril: expects a tensor with at least 2 dimensions, got shape \[3\]$/);
    expect(() => x.triu(0.5)).toThrow(/^triu: diagonal must be an integer, got 0.5$/);
    expect(() => x.all(2)).toThrow(/^all: dim 2 is out of range/);
    expect(() => x.cumsum(2)).toThrow(/^cumsum: dim 2 is out of range/);
    expect(() => x.flip([1, -1])).toThrow(/^flip: dim 1 appears more than once in the list of dims \[1, -1\]$/);
    expect(() => x.flip(1 as unknown as number[])).toThrow(/^flip: dims must be an array of dimensions, got 1$/);
    expect(() => x.norm(3)).toThrow(/^norm: p must be 1, 2 or Infinity, got 3$/);
    expect(() => bp.zeros([0, 2]).amax(0)).toThrow(/^amax: the reduced dimension 0 is empty \(shape \[0, 2\]\)$/);
    expect(() => bp.zeros([0]).amin()).toThrow(/^amin: the reduced dimensions are empty/);
    expect(bp.zeros([2, 0]).amax(0).shape).toEqual([0]);
    expect(() => x.norm(2, [0, 0])).toThrow(/^norm: dim 0 appears more than once/);
  });
});

// float64 storage is the reference backend's alone (gradient checks).
it('the comparator kept for float64 storage orders as the packed float32 keys do (ties, NaN, -0, infinities)', () => {
  const before = bp.getBackend();
  bp.setBackend('reference');
  try {
    const r = rng(5);
    const data = Array.from({ length: 6 * 40 }, () => (r() < 0.1 ? [NaN, Infinity, -Infinity, -0, 0][Math.floor(r() * 5)] : Math.floor(r() * 7) - 3));
    for (const desc of [false, true]) {
      for (const [dim, k] of [[1, 40], [1, 3], [0, 6], [0, 2]] as const) {
        const fast = bp.tensor(data, { shape: [6, 40] });
        const slow = withFloat64(() => bp.tensor(data, { shape: [6, 40] }));
        expect(slow.data).toBeInstanceOf(Float64Array);
        expect(fast.topk(k, { dim, largest: desc }).indices.toArray(), `topk ${k} dim ${dim} ${desc}`).toEqual(slow.topk(k, { dim, largest: desc }).indices.toArray());
        expect(fast.argsort(dim, desc).toArray(), `argsort dim ${dim} ${desc}`).toEqual(slow.argsort(dim, desc).toArray());
      }
    }
  } finally {
    bp.setBackend(before);
  }
});

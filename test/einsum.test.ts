// einsum against torch 1.13 on both backends: random equations of one to three operands with
// diagonals, broadcasting, ellipses, sums and implicit outputs (values and every operand's
// gradient), and its argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng, sizeOfShape } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(4037);
const { int, pick, floats: randoms } = drawsOf(r);
const size = sizeOfShape;

// An equation and its operands' shapes: the operands travel flattened one after another in `a`,
// their shapes in args [equation, shapes].
function cases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 200) {
    const pool = pick(['abc', 'abcd', 'ijkXY']);
    const sizes = new Map([...pool].map((l) => [l, 1 + int(4)]));
    const ellipsis = r() < 0.25 ? Array.from({ length: int(3) }, () => 1 + int(3)) : null;
    const count = 1 + int(3);
    const terms: string[] = [], shapes: number[][] = [];
    for (let i = 0; i < count; i++) {
      let labels = Array.from({ length: int(4) }, () => pick([...pool]));
      if (r() < 0.5) labels = [...new Set(labels)]; // repeats (diagonals) half the time
      const dims = labels.map((l) => (r() < 0.15 ? 1 : sizes.get(l) as number)); // size 1 broadcasts
      // A repeated label's dimensions have one size.
      labels.forEach((l, d) => { const first = labels.indexOf(l); dims[d] = dims[first]; });
      let term = labels.join('');
      let shape = dims;
      if (ellipsis && r() < 0.7) {
        const e = ellipsis.slice(int(ellipsis.length + 1)).map((s) => (r() < 0.2 ? 1 : s));
        const at = int(labels.length + 1);
        term = `${labels.slice(0, at).join('')}...${labels.slice(at).join('')}`;
        shape = [...dims.slice(0, at), ...e, ...dims.slice(at)];
      }
      terms.push(term);
      shapes.push(shape);
    }
    const used = [...new Set(terms.join('').replace(/\./g, ''))];
    let eq = terms.join(',');
    if (r() < 0.7) {
      const outLabels = used.filter(() => r() < 0.5).sort(() => r() - 0.5);
      const hasEllipsis = terms.some((t) => t.includes('...'));
      const rhs = hasEllipsis && r() < 0.7 ? `${outLabels.slice(0, 1).join('')}...${outLabels.slice(1).join('')}` : outLabels.join('');
      eq += `->${rhs}`;
    }
    out.push({ op: 'einsum', a: randoms(shapes.reduce((s, sh) => s + size(sh), 0)), as: [shapes.reduce((s, sh) => s + size(sh), 0)], args: [eq, shapes] });
  }
  return out;
}

function operands(c: OpCase): bp.Tensor[] {
  const shapes = c.args[1] as number[][];
  let at = 0;
  return shapes.map((s) => {
    const t = bp.tensor(c.a.slice(at, at + size(s)), { shape: s, requiresGrad: true });
    at += size(s);
    return t;
  });
}

function run(c: OpCase): OpResult {
  const xs = operands(c);
  const y = bp.einsum(c.args[0] as string, ...xs);
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: xs.flatMap((x) => Array.from(x.grad!.data)), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    flat = [float(v) for v in c["a"]]
    xs, at = [], 0
    for s in p[1]:
        n = 1
        for d in s: n *= d
        xs.append(torch.tensor(flat[at:at + n], dtype=torch.float32).reshape(s).requires_grad_(True))
        at += n
    y = torch.einsum(p[0], *xs)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": [v for x in xs for v in enc(x.grad)], "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of einsum with torch');
eachBackend('einsum', () => {
  it.runIf(haveTorch)(`${CASES.length} random equations as torch's (values and every operand's gradient within 2e-6)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, 2e-6);
  });

  it('argument errors name the subscripts, the operands and the sizes', () => {
    const m = bp.ones([2, 3]);
    expect(() => bp.einsum('ij,jk', m)).toThrow(/einsum: the equation 'ij,jk' has 2 operands, 1 given/);
    expect(() => bp.einsum('ij->jj', m)).toThrow(/einsum: an output subscript appears more than once in 'jj'/);
    expect(() => bp.einsum('ij->k', m)).toThrow(/einsum: output subscript k does not appear in the equation for any input operand/);
    expect(() => bp.einsum('ijk', m)).toThrow(/einsum: the subscripts 'ijk' of operand 0 name 3 dimensions, but it has 2 \(shape given and no ellipsis\)/);
    expect(() => bp.einsum('ii', m)).toThrow(/einsum: subscript i is repeated for operand 0 but the sizes don't match, 2 != 3/);
    expect(() => bp.einsum('ij,ij', m, bp.ones([2, 4]))).toThrow(/einsum: subscript j has size 4 for operand 1 \(shape \[2, 4\]\), which does not broadcast with the size 3 seen before/);
    expect(() => bp.einsum('i1', m)).toThrow(/einsum: subscripts must be letters a-z or A-Z \(and one '...'\), got '1' in 'i1'/);
    expect(() => bp.einsum('...i...', m)).toThrow(/einsum: operand 0's subscripts '...i...' hold more than one ellipsis/);
    expect(() => bp.einsum(5 as unknown as string, m)).toThrow(/einsum: equation must be a string, got 5/);
    expect(() => bp.einsum('ij', [1, 2] as unknown as bp.Tensor)).toThrow(/einsum: expected a Tensor/);
    // The operands as one list, as torch also takes them; spaces are ignored.
    expect(Array.from(bp.einsum(' i j , j k -> i k ', [m, bp.ones([3, 2])]).data)).toEqual([3, 3, 3, 3]);
    expect(bp.einsum('ij', m)).not.toBe(m);
  });
});

// bp.autograd.functional's jacobian, hessian, vjp, hvp, jvp and vhp against torch.autograd.functional (torch
// 1.13, float64 from the same float32 inputs): one input and several, a non-scalar output; createGraph
// keeps a graph; the inputs' own graph is left alone; the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';

type T = bp.Tensor;
const { jacobian, hessian, vjp, hvp, jvp, vhp } = bp.autograd.functional;
const X = values(6, 71), W = values(6, 72), V = values(6, 73), U = values(2, 74);

// f(x) = tanh(W x) over a [3, 2] weight, and a scalar g(x, w) = sum(sin(x w) * x^2) + prod(w).
const f = (x: T) => bp.tensor(W, { shape: [3, 2] }).matmul(x).tanh();
const g = (x: T, w: T) => x.mul(w).sin().mul(x.square()).sum().add(w.prod());

function ours(): number[][] {
  const x = bp.tensor(X.slice(0, 2)), a = bp.tensor(X), b = bp.tensor(W);
  const out: number[][] = [];
  const flat = (t: T) => Array.from(t.data);
  out.push(flat(jacobian(f, x) as T));
  const [ja, jb] = jacobian(g, [a, b]) as T[];
  out.push(flat(ja), flat(jb));
  out.push(flat(hessian((t: T) => g(t, b), a) as T));
  const h = hessian(g, [a, b]) as T[][];
  out.push(...h.flat().map(flat));
  const [fy, fv] = vjp(f, x, bp.tensor(V.slice(0, 3)));
  out.push(flat(fy), flat(fv as T));
  const [gy, gv] = hvp(g, [a, b], [bp.tensor(V), bp.tensor(U.concat(U, U))]);
  out.push(flat(gy), ...(gv as T[]).map(flat));
  const [jy, jv] = jvp(f, x, bp.tensor(U));
  out.push(flat(jy), flat(jv));
  const [, jgv] = jvp(g, [a, b], [bp.tensor(V), bp.tensor(U.concat(U, U))]);
  out.push(flat(jgv));
  const [, vh] = vhp(g, [a, b], [bp.tensor(V), bp.tensor(U.concat(U, U))]);
  out.push(...(vh as T[]).map(flat));
  return out;
}

const SCRIPT = `
import json, torch
from torch.autograd.functional import jacobian, hessian, vjp, hvp, jvp, vhp
d = lambda v: torch.tensor(v, dtype=torch.float32).double()
X, W, V, U = d(${JSON.stringify(X)}), d(${JSON.stringify(W)}), d(${JSON.stringify(V)}), d(${JSON.stringify(U)})
f = lambda x: (W.reshape(3, 2) @ x).tanh()
g = lambda x, w: (x * w).sin().mul(x.square()).sum() + w.prod()
out = []
flat = lambda t: t.reshape(-1).tolist()
x, a, b = X[:2], X, W
out.append(flat(jacobian(f, x)))
ja, jb = jacobian(g, (a, b)); out += [flat(ja), flat(jb)]
out.append(flat(hessian(lambda t: g(t, b), a)))
h = hessian(g, (a, b)); out += [flat(h[i][j]) for i in range(2) for j in range(2)]
fy, fv = vjp(f, x, V[:3]); out += [flat(fy), flat(fv)]
gy, gv = hvp(g, (a, b), (V, torch.cat([U, U, U]))); out += [flat(gy)] + [flat(t) for t in gv]
jy, jv = jvp(f, x, U); out += [flat(jy), flat(jv)]
_, jgv = jvp(g, (a, b), (V, torch.cat([U, U, U]))); out.append(flat(jgv))
_, vh = vhp(g, (a, b), (V, torch.cat([U, U, U]))); out += [flat(t) for t in vh]
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of autograd.functional with torch');
eachBackend('autograd.functional', () => {
  it.runIf(haveTorch)("jacobian, hessian, vjp, hvp, jvp and vhp as torch.autograd.functional's", () => {
    const got = ours(), want = torchJson<number[][]>(SCRIPT, '');
    expect(got.length).toBe(want.length);
    got.forEach((row, i) => {
      expect(row.length, `result ${i}`).toBe(want[i].length);
      row.forEach((v, j) => expect(Math.abs(v - want[i][j]), `result ${i} [${j}]: ${v} vs ${want[i][j]}`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(want[i][j]))));
    });
  });
});

describe('autograd.functional', () => {
  it("leaves the inputs' graph alone, or with createGraph differentiates through the results", () => {
    const x = bp.tensor([0.5, -1, 2], { requiresGrad: true });
    const h = hessian((t: T) => t.pow(3).sum(), x) as T;
    expect(h.requiresGrad).toBe(false);
    expect(Array.from(h.data, (v) => v + 0)).toEqual([3, 0, 0, 0, -6, 0, 0, 0, 12]); // (+ 0: -0 is 0)
    expect(x.grad).toBeNull();
    const hg = hessian((t: T) => t.pow(3).sum(), x, { createGraph: true }) as T;
    hg.sum().backward(); // d/dx of sum(diag(6x)) = 6
    expect(Array.from(x.grad!.data)).toEqual([6, 6, 6]);
    // An output that does not depend on an input: zeros there, as torch's.
    const [, jw] = jacobian((a: T, b: T) => a.mul(2), [x, bp.ones([2])]) as T[];
    expect(jw.shape).toEqual([3, 2]);
    expect(Array.from(jw.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('names the wrong argument', () => {
    const x = bp.ones([2]);
    expect(() => hessian((t: T) => t.square(), x)).toThrow(/^hessian: func must return a tensor of one element, got shape \[2\]$/);
    expect(() => vjp((t: T) => t.square(), x)).toThrow(/^vjp: v must be given for an output of shape \[2\]$/);
    expect(() => hvp((t: T) => t.square().sum(), x, bp.ones([3]))).toThrow(/^hvp: v\[0\] must be a tensor of shape \[2\], got shape \[3\]$/);
    expect(() => hvp((t: T) => t.square().sum(), [x, x], bp.ones([2]))).toThrow(/^hvp: v must be an array of 2 tensors/);
    expect(() => jacobian((() => 3) as unknown as (t: T) => T, x)).toThrow(/^jacobian: func must return a Tensor, got 3$/);
    expect(() => jacobian((t: T) => t, [] as T[])).toThrow(/^jacobian: inputs must be a Tensor or a non-empty array of them/);
    expect(() => jvp((t: T) => t.square(), x)).toThrow('jvp: v must be given (one tensor per input, of its shape) unless the input is one tensor of one element');
    expect(() => vhp((t: T) => t.square().sum(), x, bp.ones([3]))).toThrow(/^vhp: v\[0\] must be a tensor of shape \[2\], got shape \[3\]$/);
    const [, scalarSlope] = jvp((t: T) => t.pow(3), bp.tensor([2]));
    expect(Array.from(scalarSlope.data)).toEqual([12]);
    const [, none] = jvp((t: T) => bp.ones([3]), x, bp.ones([2]));
    expect(Array.from(none.data)).toEqual([0, 0, 0]);
  });
});

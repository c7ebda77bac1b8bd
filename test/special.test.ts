// bp.special, torch.special's functions: values against torch 1.13 in float64 (from the same float32
// inputs) over points that reach each formula's branches (series and asymptotic sides of 12 for the
// Bessel functions, both tails of the normal distribution, zeros and negatives); gradients against
// torch's autograd where torch has one, and against the derivative's formula where torch 1.13 has
// none (the Bessel functions); the polynomials and zeta broadcast, truncate n and refuse backward, as
// torch's; then the aliases and the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const S = bp.special;
type Unary = (x: Tensor) => Tensor;

/** Points where each function is defined, with its branches' edges among them. */
const GRID = [-30, -12.5, -12, -7.3, -2, -1, -0.5, -1e-3, 0, 1e-6, 1e-3, 0.25, 0.5, 1, 2, 2.4048, 3.5, 5, 8, 11.9, 12, 12.1, 20, 55, 300, 701, 2000];
const POSITIVE = GRID.filter((v) => v > 0);
const PROBABILITIES = [0, 1e-38, 1e-20, 1e-8, 0.01, 0.3, 0.5, 0.7, 0.99, 0.9999999, 1];

/** Each unary function: ours, torch's name, its points, and how near to torch's float64 value ours must be (relative, or absolute below 1). */
const UNARY: [string, Unary, string, number[], number][] = [
  ['ndtr', S.ndtr, 'special.ndtr', GRID, 2e-7],
  ['ndtri', S.ndtri, 'special.ndtri', PROBABILITIES, 2e-7],
  ['logNdtr', S.logNdtr, 'special.log_ndtr', GRID, 2e-7],
  ['erfcx', S.erfcx, 'special.erfcx', GRID.filter((v) => v > -26), 2e-7],
  ['i0e', S.i0e, 'special.i0e', GRID, 2e-7],
  ['i1e', S.i1e, 'special.i1e', GRID, 2e-7],
  ['entr', S.entr, 'special.entr', GRID, 2e-7],
  ['sphericalBesselJ0', S.sphericalBesselJ0, 'special.spherical_bessel_j0', GRID, 2e-7],
  // torch 1.13's J and Y are float-accurate only (6e-8 of the value at x = 5, where ours are within
  // 1e-15 of mpmath's), hence the wider bound.
  ['besselJ0', S.besselJ0, 'special.bessel_j0', GRID, 4e-7],
  ['besselJ1', S.besselJ1, 'special.bessel_j1', GRID, 4e-7],
  ['besselY0', S.besselY0, 'special.bessel_y0', [...GRID.filter((v) => v < 0).slice(0, 2), ...POSITIVE], 4e-7],
  ['besselY1', S.besselY1, 'special.bessel_y1', [-1, 0, ...POSITIVE], 4e-7],
  ['modifiedBesselK0', S.modifiedBesselK0, 'special.modified_bessel_k0', [-1, 0, ...POSITIVE], 2e-7],
  ['modifiedBesselK1', S.modifiedBesselK1, 'special.modified_bessel_k1', [-1, 0, ...POSITIVE], 2e-7],
  ['scaledModifiedBesselK0', S.scaledModifiedBesselK0, 'special.scaled_modified_bessel_k0', [0, ...POSITIVE], 2e-7],
  ['scaledModifiedBesselK1', S.scaledModifiedBesselK1, 'special.scaled_modified_bessel_k1', [0, ...POSITIVE], 2e-7],
  ['airyAi', S.airyAi, 'special.airy_ai', [...GRID, -8.01, -7.99, 1.99, 2.01], 2e-7],
];

// The binary functions' points: x, then n (or q), broadcast as [k, 1] against [m].
const POLY_X = [-1, -0.7, -0.3, 0, 0.25, 0.5, 0.9, 1, 1.5];
const POLY_N = [-1, 0, 1, 2, 2.7, 3, 5, 8, 13];
const POLYNOMIALS: [string, (x: Tensor, n: Tensor) => Tensor, string][] = [
  ['chebyshevPolynomialT', S.chebyshevPolynomialT, 'chebyshev_polynomial_t'], ['chebyshevPolynomialU', S.chebyshevPolynomialU, 'chebyshev_polynomial_u'],
  ['chebyshevPolynomialV', S.chebyshevPolynomialV, 'chebyshev_polynomial_v'], ['chebyshevPolynomialW', S.chebyshevPolynomialW, 'chebyshev_polynomial_w'],
  ['shiftedChebyshevPolynomialT', S.shiftedChebyshevPolynomialT, 'shifted_chebyshev_polynomial_t'], ['shiftedChebyshevPolynomialU', S.shiftedChebyshevPolynomialU, 'shifted_chebyshev_polynomial_u'],
  ['shiftedChebyshevPolynomialV', S.shiftedChebyshevPolynomialV, 'shifted_chebyshev_polynomial_v'], ['shiftedChebyshevPolynomialW', S.shiftedChebyshevPolynomialW, 'shifted_chebyshev_polynomial_w'],
  ['hermitePolynomialH', S.hermitePolynomialH, 'hermite_polynomial_h'], ['hermitePolynomialHe', S.hermitePolynomialHe, 'hermite_polynomial_he'],
  ['laguerrePolynomialL', S.laguerrePolynomialL, 'laguerre_polynomial_l'], ['legendrePolynomialP', S.legendrePolynomialP, 'legendre_polynomial_p'],
];
const ZETA_X = [1, 1.5, 2, 3, 7.5, 20, 0.5];
const ZETA_Q = [-2, -1.5, 0.25, 1, 2.5, 10, 1e3];

const f32 = (v: number[]) => Array.from(Float32Array.from(v));

const SCRIPT = `
import torch, json, math
def num(v): return v if math.isfinite(v) else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity"))
f = lambda v: torch.tensor(v, dtype=torch.float32).double()
out = {"unary": [[num(e) for e in eval("torch." + name)(f(pts)).tolist()] for name, pts in ${JSON.stringify(UNARY.map(([, , py, pts]) => [py, pts]))}]}
x, n = f(${JSON.stringify(POLY_X)}).reshape(-1, 1), f(${JSON.stringify(POLY_N)})
out["poly"] = [[num(e) for e in getattr(torch.special, name)(x, n).reshape(-1).tolist()] for name in ${JSON.stringify(POLYNOMIALS.map(([, , py]) => py))}]
out["zeta"] = [num(e) for e in torch.special.zeta(f(${JSON.stringify(ZETA_X)}).reshape(-1, 1), f(${JSON.stringify(ZETA_Q)})).reshape(-1).tolist()]
print(json.dumps(out))
`;

type Wire = number | 'NaN' | 'Infinity' | '-Infinity';

/** ours within tol of theirs: relative above 1, absolute below; values that are not finite in float32 exactly. */
function expectNear(ours: ArrayLike<number>, theirs: Wire[], tol: number, what: string): void {
  expect(ours.length, what).toBe(theirs.length);
  theirs.map(Number).forEach((v, i) => {
    // Past float32's range, float32's infinity.
    if (!Number.isFinite(Math.fround(v))) expect(ours[i], `${what}[${i}]`).toBe(Math.fround(v));
    else expect(Math.abs(ours[i] - v), `${what}[${i}]: ${ours[i]} vs ${v}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)) + 1e-38);
  });
}

const x = inputMaker(6100);
/** Gradients (and values) against torch's autograd where torch 1.13 has a derivative. */
const GRADIENTS: TorchCall[] = [
  { name: 'ndtr, logNdtr, erfcx', inputs: { a: x([3, 4], -3, 3) }, ours: (t) => S.ndtr(t.a).add(S.logNdtr(t.a.mul(3))).add(S.erfcx(t.a)),
    py: 'torch.special.ndtr(a) + torch.special.log_ndtr(a * 3) + torch.special.erfcx(a)' },
  { name: 'ndtri', inputs: { p: x([8], 0.02, 0.98) }, ours: (t) => S.ndtri(t.p), py: 'torch.special.ndtri(p)' },
  { name: 'xlog1py with zeros in x, broadcast, y at -1 and below', inputs: { a: { shape: [2, 3], data: [0, 1.5, 0, 0.5, 0, 3], grad: true }, b: { shape: [3], data: [0.7, -1, -1.5], grad: true } },
    ours: (t) => S.xlog1py(t.a, t.b), py: 'torch.special.xlog1py(a, b)' },
  { name: 'i0e, i1e (with 0), entr', inputs: { a: { shape: [6], data: [-3, -0.5, 0, 0.5, 2, 9], grad: true }, p: x([5], 0.05, 3) },
    ours: (t) => bp.cat([S.i0e(t.a), S.i1e(t.a), S.entr(t.p)]), py: 'torch.cat([torch.special.i0e(a), torch.special.i1e(a), torch.special.entr(p)])' },
  { name: 'the aliases', inputs: { a: x([2, 3], 0.1, 0.9) },
    ours: (t) => S.expit(t.a).add(S.gammaln(t.a)).add(S.psi(t.a)).add(S.multigammaln(t.a.add(2), 2)).add(S.gammainc(1.5, t.a)).add(S.gammaincc(2, t.a))
      .add(S.logit(t.a)).add(S.logSoftmax(t.a, 1)).add(S.softmax(t.a, 0)).add(S.logsumexp(t.a, 1, true)).add(S.modifiedBesselI0(t.a)).add(S.modifiedBesselI1(t.a))
      .add(S.exp2(t.a)).add(S.xlogy(t.a, 2)).add(S.sinc(t.a)).add(S.erfinv(t.a)),
    py: 'torch.special.expit(a) + torch.special.gammaln(a) + torch.special.psi(a) + torch.special.multigammaln(a + 2, 2) + torch.special.gammainc(torch.tensor(1.5), a) + torch.special.gammaincc(torch.tensor(2.), a)' +
      ' + torch.special.logit(a) + torch.special.log_softmax(a, 1) + torch.special.softmax(a, 0) + torch.special.logsumexp(a, 1, True) + torch.special.i0(a) + torch.special.i1(a)' +
      ' + torch.special.exp2(a) + torch.special.xlogy(a, 2) + torch.special.sinc(a) + torch.special.erfinv(a)' },
];

/** The Bessel functions' derivatives (torch 1.13 has none) by their formulas, in float64 in torch. */
const BESSEL_GRADIENTS: [string, Unary, string][] = [
  ['besselJ0', S.besselJ0, '-torch.special.bessel_j1(v)'],
  ['besselJ1', S.besselJ1, 'torch.special.bessel_j0(v) - torch.special.bessel_j1(v) / v'],
  ['besselY0', S.besselY0, '-torch.special.bessel_y1(v)'],
  ['besselY1', S.besselY1, 'torch.special.bessel_y0(v) - torch.special.bessel_y1(v) / v'],
  ['modifiedBesselK0', S.modifiedBesselK0, '-torch.special.modified_bessel_k1(v)'],
  ['modifiedBesselK1', S.modifiedBesselK1, '-torch.special.modified_bessel_k0(v) - torch.special.modified_bessel_k1(v) / v'],
  ['scaledModifiedBesselK0', S.scaledModifiedBesselK0, 'torch.special.scaled_modified_bessel_k0(v) - torch.special.scaled_modified_bessel_k1(v)'],
  ['scaledModifiedBesselK1', S.scaledModifiedBesselK1, 'torch.special.scaled_modified_bessel_k1(v) * (1 - 1 / v) - torch.special.scaled_modified_bessel_k0(v)'],
  ['sphericalBesselJ0', S.sphericalBesselJ0, '(v * torch.cos(v) - torch.sin(v)) / v ** 2'],
];
const BESSEL_AT = [0.3, 1.7, 4, 9.5, 12.5, 30];

noteIfNoTorch('the comparison of bp.special with torch.special');
eachBackend('bp.special', () => {
  it.runIf(haveTorch)('values as torch.special\'s in float64, both sides of every branch', () => {
    const want = torchJson<{ unary: Wire[][]; poly: Wire[][]; zeta: Wire[] }>(SCRIPT, '');
    UNARY.forEach(([name, f, , pts, tol], k) => expectNear(f(bp.tensor(pts)).data, want.unary[k], tol, name));
    const px = bp.tensor(POLY_X).reshape([-1, 1]), pn = bp.tensor(POLY_N);
    POLYNOMIALS.forEach(([name, f], k) => {
      const got = f(px, pn);
      expect(got.shape, name).toEqual([POLY_X.length, POLY_N.length]);
      expectNear(got.data, want.poly[k], 2e-7, name);
    });
    expectNear(S.zeta(bp.tensor(ZETA_X).reshape([-1, 1]), bp.tensor(ZETA_Q)).data, want.zeta, 2e-7, 'zeta');
  });

  it.runIf(haveTorch)('gradients as torch\'s autograd where torch has one', () => {
    expectCallsLikeTorch(GRADIENTS, 5e-6);
  });

  it.runIf(haveTorch)('the Bessel functions\' gradients by their derivatives\' formulas', () => {
    const want = torchJson<number[][]>(`
import torch, json
v = torch.tensor(${JSON.stringify(f32(BESSEL_AT))}, dtype=torch.float64)
print(json.dumps([${BESSEL_GRADIENTS.map(([, , formula]) => `(${formula}).tolist()`).join(', ')}]))`, '');
    BESSEL_GRADIENTS.forEach(([name, f], k) => {
      const t = bp.tensor(BESSEL_AT, { requiresGrad: true });
      f(t).sum().backward();
      expectNear(t.grad!.data, want[k], 4e-7, `${name}'`);
    });
  });

  it('polynomials and zeta broadcast, give 0 for n < 0, and they and airyAi refuse backward as torch does', () => {
    expect(S.chebyshevPolynomialT(bp.tensor([[0.5], [2]]), bp.tensor([-1, 0, 1, 3])).shape).toEqual([2, 4]);
    expect(Array.from(S.legendrePolynomialP(bp.tensor([0.5]), -2).data)).toEqual([0]);
    const w = bp.tensor([0.5, 0.25], { requiresGrad: true });
    const y = S.hermitePolynomialH(w, 3).sum();
    expect(() => y.backward()).toThrow('hermitePolynomialH: the derivative is not implemented (nor is it in torch 1.13)');
    const z = S.zeta(bp.tensor([2, 3], { requiresGrad: true }), 1).sum();
    expect(() => z.backward()).toThrow('zeta: the derivative is not implemented (nor is it in torch 1.13)');
    // Near Ai's first zero torch 1.13's airy_ai is 13% off; mpmath's value at float32(-2.3381):
    expect(Math.abs(S.airyAi(bp.tensor([-2.3381])).item() / 5.2267885297623505e-6 - 1)).toBeLessThan(1e-6);
    const a = S.airyAi(bp.tensor([0.5], { requiresGrad: true })).sum();
    expect(() => a.backward()).toThrow('airyAi: the derivative is not implemented (nor is it in torch 1.13)');
  });
});

describe('bp.special errors', () => {
  it('names what is wrong', () => {
    expect(() => S.ndtr([1] as never)).toThrow(/^ndtr: /);
    expect(() => S.besselJ0(null as never)).toThrow(/^besselJ0: /);
    expect(() => S.zeta('a' as never, 1)).toThrow(/^zeta: /);
    expect(() => S.chebyshevPolynomialT(bp.tensor([1]), Infinity)).toThrow('chebyshevPolynomialT: n must be finite, got Infinity');
    expect(() => S.xlog1py(bp.ones([2]), bp.ones([3]))).toThrow(/^xlog1py: shapes \[2\] and \[3\] cannot be broadcast together/);
  });
});

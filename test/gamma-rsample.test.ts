// Gamma, Dirichlet and Beta rsample: the implicit gradient of a standard Gamma draw (gamma_draws.ts)
// against mpmath's high-precision -(dP/da) / p over a grid (torch's own approximation of the same
// ratio is off by up to 1.3% in the far tail and 0.2% near the bulk: measured, not tested), then
// the pathwise gradients' means against the exact gradients of the distributions' moments.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { standardGammaSlope } from '../lib/distributions/gamma_draws';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const D = bp.distributions;
const GRID = [0.05, 0.3, 0.9, 1.5, 3, 7.5, 12, 40].flatMap((a) => [1e-4, 0.01, 0.3, 0.79, 0.81, 1.5, 4, 10, 30, 50].map((x) => [a, x]));

const SCRIPT = `
import json, sys
import mpmath as mp
mp.mp.dps = 40
out = []
for a, x in json.load(sys.stdin):
    a, x = mp.mpf(a), mp.mpf(x)
    slope = mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a)
    out.append(float(-slope / (x ** (a - 1) * mp.e ** (-x) / mp.gamma(a))))
print(json.dumps(out))
`;

/** The mean over n draws of d f(draws) / d params, f the mean of `stat` over the draws. */
function meanGradient(draw: (n: number) => bp.Tensor, stat: (d: bp.Tensor) => bp.Tensor, params: bp.Tensor[]): number[][] {
  for (const p of params) p.grad = null;
  stat(draw(40000)).mean().backward();
  return params.map((p) => Array.from(p.grad!.data));
}

noteIfNoTorch("the Gamma draw's implicit gradient against mpmath (Debian's python3-mpmath comes with python3-torch)");
eachBackend('Gamma, Dirichlet and Beta rsample', () => {
  it.runIf(haveTorch)('the standard Gamma draw\'s slope -(dP/da) / p matches mpmath within 1e-6 over a grid of a and x', () => {
    const exact = torchJson<number[]>(SCRIPT, JSON.stringify(GRID));
    GRID.forEach(([a, x], i) => expect(Math.abs(standardGammaSlope(a, x) - exact[i]) / Math.abs(exact[i]), `a ${a}, x ${x}: ${standardGammaSlope(a, x)} vs ${exact[i]}`).toBeLessThan(1e-6));
  });

  it("the pathwise gradients' means are the moments' gradients (Gamma with a above and below 1, Dirichlet, Beta)", () => {
    bp.manualSeed(7);
    for (const [a0, r0] of [[2.5, 1.5], [0.4, 2]]) {
      const a = bp.tensor([a0], { requiresGrad: true }), r = bp.tensor([r0], { requiresGrad: true });
      const g = new D.Gamma(a, r);
      expect(g.hasRsample).toBe(true);
      const [ga, gr] = meanGradient((n) => g.rsample([n]), (d) => d, [a, r]);
      expect(Math.abs(ga[0] - 1 / r0), `Gamma(${a0}, ${r0}): dE[z]/da ${ga[0]} vs ${1 / r0}`).toBeLessThan(0.03 / r0);
      expect(Math.abs(gr[0] + a0 / r0 ** 2), `Gamma(${a0}, ${r0}): dE[z]/dr ${gr[0]} vs ${-a0 / r0 ** 2}`).toBeLessThan(0.03 * a0 / r0 ** 2);
      const [ga2] = meanGradient((n) => g.rsample([n]), (d) => d.mul(d), [a]);
      expect(Math.abs(ga2[0] - (2 * a0 + 1) / r0 ** 2) / ((2 * a0 + 1) / r0 ** 2), `Gamma(${a0}, ${r0}): dE[z^2]/da`).toBeLessThan(0.04);
    }
    const c = bp.tensor([1.5, 2, 0.7], { requiresGrad: true });
    const [gc] = meanGradient((n) => new D.Dirichlet(c).rsample([n]), (d) => d.select(-1, 0), [c]);
    const S = 4.2;
    [(S - 1.5) / S ** 2, -1.5 / S ** 2, -1.5 / S ** 2].forEach((want, j) => expect(Math.abs(gc[j] - want), `Dirichlet: dE[x0]/dc${j} ${gc[j]} vs ${want}`).toBeLessThan(0.01));
    const al = bp.tensor([2], { requiresGrad: true }), be = bp.tensor([3], { requiresGrad: true });
    const [gal, gbe] = meanGradient((n) => new D.Beta(al, be).rsample([n]), (d) => d, [al, be]);
    expect(Math.abs(gal[0] - 0.12)).toBeLessThan(0.01);
    expect(Math.abs(gbe[0] + 0.08)).toBeLessThan(0.01);
    // sample() records nothing; the draws keep their distribution.
    const s = new D.Dirichlet(c).sample([1000]);
    expect([s.requiresGrad, s.shape]).toEqual([false, [1000, 3]]);
    expect(Math.abs(s.mean(0).data[0] - 1.5 / S)).toBeLessThan(0.03);
  });
});

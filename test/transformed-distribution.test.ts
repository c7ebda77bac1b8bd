// bp.distributions.TransformedDistribution and distributions.transforms against torch 1.13: each
// transform's forward, inverse and log-Jacobian, transformed distributions' logProb, cdf and icdf
// (a tanh-squashed Normal, a logistic made of a Uniform, a decreasing affine map, an affine map over
// events of an Independent base), klDivergence of a pair; values and every gradient on both
// backends; then the cache, draws and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const D = bp.distributions;
const T = bp.distributions.transforms;
const x = inputMaker(6300);
const TD = 'torch.distributions';
const TT = 'torch.distributions.transforms';

const CALLS: TorchCall[] = [
  { name: 'a base expanded by the transforms\' parameters (loc [2, 3] over a batch of [3]): logProb, draws\' shape', inputs: { m: x([3]), s: x([3], 0.5, 2), l: x([2, 3]), v: x([4, 2, 3]) },
    ours: (t) => { const d = new D.TransformedDistribution(new D.Normal(t.m, t.s), [new T.AffineTransform(t.l, 2), new T.ExpTransform()]); return bp.cat([d.logProb(t.v.exp()).reshape([-1]), bp.tensor([...d.batchShape, ...d.sample([5]).shape])]); },
    py: 'torch.cat([(lambda d: torch.cat([d.log_prob(v.exp()).reshape(-1), torch.tensor([*d.batch_shape, *d.sample((5,)).shape]).float()]))(torch.distributions.TransformedDistribution(torch.distributions.Normal(m, s), [torch.distributions.transforms.AffineTransform(l, 2.), torch.distributions.transforms.ExpTransform()]))])' },
  { name: 'forward, inverse and log-Jacobian of Exp, Sigmoid, Tanh, Softplus, Power and Affine', inputs: { a: x([6], -2, 2), p: x([6], 0.2, 3), l: x([6]), s: x([6], 0.5, 2) },
    ours: (t) => {
      const each = (tr: bp.distributions.transforms.Transform, v: bp.Tensor) => { const y = tr.forward(v); return [y, tr.inverse(y), tr.logAbsDetJacobian(v, y)]; };
      return bp.cat([...each(new T.ExpTransform(), t.a), ...each(new T.SigmoidTransform(), t.a), ...each(new T.TanhTransform(), t.a),
        ...each(new T.SoftplusTransform(), t.a), ...each(new T.PowerTransform(2.5), t.p), ...each(new T.AffineTransform(t.l, t.s), t.a), ...each(new T.SigmoidTransform().inv, t.p.div(4))]);
    },
    py: `torch.cat([z for tr, v in [(${TT}.ExpTransform(), a), (${TT}.SigmoidTransform(), a), (${TT}.TanhTransform(), a), (${TT}.SoftplusTransform(), a),
      (${TT}.PowerTransform(2.5), p), (${TT}.AffineTransform(l, s), a), (${TT}.SigmoidTransform().inv, p / 4)] for z in (lambda y: [y, tr.inv(y), tr.log_abs_det_jacobian(v, y)])(tr(v))])` },
  { name: 'a tanh-squashed Normal: logProb, cdf, icdf', inputs: { m: x([5], -1, 1), s: x([5], 0.3, 1.5), v: x([5], -0.9, 0.9), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.TransformedDistribution(new D.Normal(t.m, t.s), [new T.TanhTransform()]); return bp.cat([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u)]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.cdf(v), d.icdf(u)]))(${TD}.TransformedDistribution(${TD}.Normal(m, s), [${TT}.TanhTransform()]))` },
  { name: 'a logistic from a Uniform (sigmoid inverse, then affine): logProb, cdf, icdf', inputs: { a: x([4]), b: x([4], 0.5, 2), v: x([4], -3, 3), u: x([4], 0.05, 0.95) },
    ours: (t) => { const d = new D.TransformedDistribution(new D.Uniform(bp.zeros([4]), bp.ones([4])), [new T.SigmoidTransform().inv, new T.AffineTransform(t.a, t.b)]); return bp.cat([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u)]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.cdf(v), d.icdf(u)]))(${TD}.TransformedDistribution(${TD}.Uniform(torch.zeros(4), torch.ones(4)), [${TT}.SigmoidTransform().inv, ${TT}.AffineTransform(a, b)]))` },
  { name: 'a decreasing map (affine of scale -2, then exp): logProb, cdf (flipped), icdf', inputs: { m: x([4]), s: x([4], 0.5, 2), v: x([4], 0.2, 3), u: x([4], 0.05, 0.95) },
    ours: (t) => { const d = new D.TransformedDistribution(new D.Normal(t.m, t.s), [new T.AffineTransform(0.5, -2), new T.ExpTransform()]); return bp.cat([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u)]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.cdf(v), d.icdf(u)]))(${TD}.TransformedDistribution(${TD}.Normal(m, s), [${TT}.AffineTransform(0.5, -2.0), ${TT}.ExpTransform()]))` },
  { name: 'an affine map over events of 4 (eventDim 1) of a batch of Normals, and Softplus, Power', inputs: { m: x([3, 4]), s: x([3, 4], 0.5, 2), l: x([4]), c: x([4], 0.5, 2), v: x([3, 4]), w: x([3, 4], 0.2, 3) },
    ours: (t) => {
      const d = new D.TransformedDistribution(new D.Normal(t.m, t.s), new T.AffineTransform(t.l, t.c, { eventDim: 1 }));
      const e = new D.TransformedDistribution(new D.Normal(t.m, t.s), [new T.SoftplusTransform(), new T.PowerTransform(0.5)]);
      expect([d.batchShape, d.eventShape]).toEqual([[3], [4]]);
      return bp.cat([d.logProb(t.v), e.logProb(t.w).reshape([12])]);
    },
    py: `torch.cat([${TD}.TransformedDistribution(${TD}.Normal(m, s), ${TT}.AffineTransform(l, c, event_dim=1)).log_prob(v),
      ${TD}.TransformedDistribution(${TD}.Normal(m, s), [${TT}.SoftplusTransform(), ${TT}.PowerTransform(0.5)]).log_prob(w).reshape(12)])` },
  { name: 'klDivergence of two tanh-squashed Normals', inputs: { m1: x([4]), s1: x([4], 0.5, 2), m2: x([4]), s2: x([4], 0.5, 2) },
    ours: (t) => D.klDivergence(new D.TransformedDistribution(new D.Normal(t.m1, t.s1), new T.TanhTransform()), new D.TransformedDistribution(new D.Normal(t.m2, t.s2), new T.TanhTransform())),
    py: `${TD}.kl_divergence(${TD}.TransformedDistribution(${TD}.Normal(m1, s1), ${TT}.TanhTransform()), ${TD}.TransformedDistribution(${TD}.Normal(m2, s2), ${TT}.TanhTransform()))` },
];

noteIfNoTorch('TransformedDistribution and the transforms against torch.distributions');
eachBackend('transformed distributions', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch.distributions' (values and gradients within 2e-5)`, () => expectCallsLikeTorch(CALLS, 2e-5));

  it("a tanh-squashed policy's draw: the cache gives back its x, so logProb stays finite where atanh of the rounded draw is not", () => {
    bp.manualSeed(2);
    const mu = bp.tensor([12, 0.1, -12], { requiresGrad: true });
    const tanh = new T.TanhTransform({ cacheSize: 1 });
    const d = new D.TransformedDistribution(new D.Normal(mu, 0.5), [tanh]);
    const a = d.rsample();
    expect(Math.abs(a.data[0])).toBe(1); // tanh of ~12 rounds to 1 in float32
    const lp = d.logProb(a);
    expect(Array.from(lp.data).every(Number.isFinite)).toBe(true);
    lp.sum().backward();
    expect(Array.from(mu.grad!.data).every(Number.isFinite)).toBe(true);
    const fresh = new D.TransformedDistribution(new D.Normal(mu.detach(), 0.5), [new T.TanhTransform()]);
    expect(Number.isFinite(fresh.logProb(a).data[0])).toBe(false);
    expect(tanh.inverse(tanh.forward(a))).toBe(a); // the pair just made, from the cache
    const s = new D.TransformedDistribution(new D.Normal(bp.zeros([2]), 1), new T.ExpTransform()).sample([5000]);
    expect([s.shape, s.requiresGrad, Math.abs(s.log().mean().item()) < 0.05]).toEqual([[5000, 2], false, true]);
  });

  it('names the bad base, transforms or option; mean, variance and entropy throw as torch', () => {
    const n = new D.Normal(bp.zeros([3]), 1);
    expect(() => new D.TransformedDistribution({} as bp.distributions.Distribution, [])).toThrow(/TransformedDistribution: base must be a distribution/);
    expect(() => new D.TransformedDistribution(n, [3 as unknown as bp.distributions.transforms.Transform])).toThrow(/TransformedDistribution: transforms must be a Transform or a list of Transforms, got \[3\]/);
    // Transforms whose parameters broadcast the base's batch expand the base, as torch's constructor does.
    expect(new D.TransformedDistribution(n, new T.AffineTransform(bp.zeros([2, 3]), 1)).baseDist.batchShape).toEqual([2, 3]);
    // ...but not where they would widen its events (a loc of 4 over events of 1).
    const one = new D.MultivariateNormal(bp.zeros([1]), { covarianceMatrix: bp.eye(1) });
    expect(() => new D.TransformedDistribution(one, new T.AffineTransform(bp.zeros([4]), 1, { eventDim: 1 }))).toThrow("TransformedDistribution: the transforms take the base's shape [1] back to [4], another event shape");
    expect(() => new D.TransformedDistribution(n, new T.AffineTransform(0, 1, { eventDim: 2 }))).toThrow('TransformedDistribution: the base distribution needs a shape of at least 2 dims for these transforms, got [3]');
    const d = new D.TransformedDistribution(n, new T.ExpTransform());
    expect(() => d.mean).toThrow('TransformedDistribution: mean is not implemented (as in torch)');
    expect(() => d.entropy()).toThrow('TransformedDistribution: entropy is not implemented (as in torch)');
    expect(() => new T.TanhTransform({ cacheSize: 2 })).toThrow('TanhTransform: cacheSize must be 0 or 1, got 2');
    expect(() => new T.AffineTransform('1' as unknown as number, 1)).toThrow('AffineTransform: loc must be a number or a Tensor, got "1"');
    expect(() => D.klDivergence(d, new D.TransformedDistribution(n, new T.TanhTransform()))).toThrow('klDivergence: TransformedDistributions of different transforms (torch has no formula either)');
    expect(Array.from((new T.AffineTransform(0, bp.tensor([2, -3])).sign as bp.Tensor).data)).toEqual([1, -1]);
  });
});

// More of torch.distributions against torch 1.13 (values and every gradient, both backends):
// LowRankMultivariateNormal (and its klDivergence pairs), ContinuousBernoulli (both sides of its Taylor region), VonMises,
// LogisticNormal, OneHotCategoricalStraightThrough, LKJCholesky and CorrCholeskyTransform, Wishart (and its klDivergence); the transforms that act on events (Compose,
// Independent, Reshape, StickBreaking, Softmax, LowerCholesky, CumulativeDistribution) or on pieces (Cat, Stack); every family's
// mode, perplexity and enumerateSupport; expand. Then draws, shapes and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const D = bp.distributions;
const T = D.transforms;
const x = inputMaker(6700);
const fixed = (shape: number[], data: number[], grad = false): CallInput => ({ shape, data, grad });
const TD = 'torch.distributions';
const TT = 'torch.distributions.transforms';
const flat = (...ts: bp.Tensor[]) => bp.cat(ts.map((t) => t.reshape([-1])));
const pyFlat = (...es: string[]) => `torch.cat([${es.map((e) => `(${e}).reshape(-1)`).join(', ')}])`;

/** a a^T + I over the last two dims: symmetric positive definite. */
const spd = (a: bp.Tensor) => a.matmul(a.mT).add(bp.eye(a.shape[a.ndim - 1]));
const SPD = (a: string) => `(${a} @ ${a}.mT + torch.eye(${a}.shape[-1]))`;

const CALLS: TorchCall[] = [
  { name: 'klDivergence: LowRankMultivariateNormal against itself (batches broadcast) and MultivariateNormal, both ways',
    inputs: { m1: x([2, 4]), w1: x([4, 2], -1, 1), d1: x([2, 4], 0.5, 2), m2: x([4]), w2: x([2, 4, 3], -1, 1), d2: x([4], 0.5, 2), a: x([2, 4, 4], -1, 1) },
    ours: (t) => {
      const p = new D.LowRankMultivariateNormal(t.m1, t.w1, t.d1), q = new D.LowRankMultivariateNormal(t.m2, t.w2, t.d2);
      const g = new D.MultivariateNormal(t.m2, { scaleTril: bp.linalg.cholesky(spd(t.a)) });
      return flat(D.klDivergence(p, q), D.klDivergence(q, p), D.klDivergence(p, g), D.klDivergence(g, p), D.klDivergence(g, q));
    },
    py: `(lambda p, q, g: ${pyFlat(`${TD}.kl_divergence(p, q)`, `${TD}.kl_divergence(q, p)`, `${TD}.kl_divergence(p, g)`, `${TD}.kl_divergence(g, p)`, `${TD}.kl_divergence(g, q)`)})(${TD}.LowRankMultivariateNormal(m1, w1, d1), ${TD}.LowRankMultivariateNormal(m2, w2, d2), ${TD}.MultivariateNormal(m2, scale_tril=torch.linalg.cholesky(${SPD('a')})))` },
  { name: 'LowRankMultivariateNormal: logProb, entropy, variance, covariance, precision, scaleTril', inputs: { m: x([2, 4]), w: x([4, 2], -1, 1), d: x([2, 4], 0.5, 2), v: x([3, 2, 4]) },
    ours: (t) => { const g = new D.LowRankMultivariateNormal(t.m, t.w, t.d); return flat(g.logProb(t.v), g.entropy(), g.variance, g.covarianceMatrix, g.precisionMatrix, g.scaleTril, g.mode); },
    py: `(lambda g: ${pyFlat('g.log_prob(v)', 'g.entropy()', 'g.variance', 'g.covariance_matrix', 'g.precision_matrix', 'g.scale_tril', 'g.mode')})(${TD}.LowRankMultivariateNormal(m, w, d))` },
  { name: 'ContinuousBernoulli: logProb, cdf, icdf, mean, variance, entropy, across the Taylor region', inputs: { p: fixed([5], [0.1, 0.4995, 0.5, 0.5005, 0.93], true), v: x([5], 0.05, 0.95), u: x([5], 0.05, 0.95) },
    ours: (t) => { const c = new D.ContinuousBernoulli({ probs: t.p }); return flat(c.logProb(t.v), c.cdf(t.v), c.icdf(t.u), c.mean, c.variance, c.stddev, c.entropy()); },
    py: `(lambda c: ${pyFlat('c.log_prob(v)', 'c.cdf(v)', 'c.icdf(u)', 'c.mean', 'c.variance', 'c.stddev', 'c.entropy()')})(${TD}.ContinuousBernoulli(probs=p))` },
  { name: 'ContinuousBernoulli from logits, value broadcast, cdf at 0 and 1', inputs: { l: x([3], -3, 3), v: fixed([2, 3], [0, 0.3, 1, 0.7, 0.2, 0.5]) },
    ours: (t) => { const c = new D.ContinuousBernoulli({ logits: t.l }); return flat(c.logProb(t.v), c.cdf(t.v)); },
    py: `(lambda c: ${pyFlat('c.log_prob(v)', 'c.cdf(v)')})(${TD}.ContinuousBernoulli(logits=l))` },
  { name: 'VonMises: logProb (concentrations below and above 3.75), mean, mode, variance', inputs: { m: x([5], -3, 3), k: fixed([5], [0.2, 1, 3.7, 3.8, 12], true), v: x([5], -3, 3) },
    ours: (t) => { const d = new D.VonMises(t.m, t.k); return flat(d.logProb(t.v), d.mean, d.mode, d.variance); },
    py: `(lambda d: ${pyFlat('d.log_prob(v)', 'd.mean', 'd.mode', 'd.variance')})(${TD}.VonMises(m, k))` },
  { name: 'LogisticNormal: logProb on the simplex', inputs: { m: x([2, 3]), s: x([2, 3], 0.5, 2), v: fixed([2, 4], [0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.4, 0.1]) },
    ours: (t) => new D.LogisticNormal(t.m, t.s).logProb(t.v), py: `${TD}.LogisticNormal(m, s).log_prob(v)` },
  { name: 'StickBreakingTransform: forward, inverse, log-Jacobian', inputs: { a: x([2, 3]), y: fixed([2, 4], [0.1, 0.2, 0.3, 0.4, 0.5, 0.25, 0.15, 0.1], true) },
    ours: (t) => { const s = new T.StickBreakingTransform(); const f = s.forward(t.a); return flat(f, s.inverse(t.y), s.logAbsDetJacobian(t.a, f)); },
    py: `(lambda s: (lambda f: ${pyFlat('f', 's.inv(y)', 's.log_abs_det_jacobian(a, f)')})(s(a)))(${TT}.StickBreakingTransform())` },
  { name: 'ComposeTransform of affine, tanh and an independent exp: forward, inverse, log-Jacobian', inputs: { a: x([2, 3], -1, 1), l: x([3], -0.5, 0.5), s: x([3], 0.3, 1) },
    ours: (t) => {
      const c = new T.ComposeTransform([new T.AffineTransform(t.l, t.s), new T.TanhTransform(), new T.IndependentTransform(new T.ExpTransform(), 1)]);
      const f = c.forward(t.a);
      return flat(f, c.inverse(f.detach()), c.logAbsDetJacobian(t.a, f));
    },
    py: `(lambda c: (lambda f: ${pyFlat('f', 'c.inv(f.detach())', 'c.log_abs_det_jacobian(a, f)')})(c(a)))(${TT}.ComposeTransform([${TT}.AffineTransform(l, s), ${TT}.TanhTransform(), ${TT}.IndependentTransform(${TT}.ExpTransform(), 1)]))` },
  { name: 'CorrCholeskyTransform: forward, inverse, log-Jacobian', inputs: { a: x([2, 6], -1.5, 1.5) },
    ours: (t) => { const c = new T.CorrCholeskyTransform(); const f = c.forward(t.a); return flat(f, c.inverse(f.detach()), c.logAbsDetJacobian(t.a, f)); },
    py: `(lambda c: (lambda f: ${pyFlat('f', 'c.inv(f.detach())', 'c.log_abs_det_jacobian(a, f)')})(c(a)))(${TT}.CorrCholeskyTransform())` },
  { name: 'LKJCholesky: logProb of CorrCholeskyTransform\'s factors, concentrations below and above 1, dims 2 and 4', inputs: { a: x([2, 6], -1.5, 1.5), c: x([2], 0.3, 3), b: x([3, 1], -2, 2) },
    ours: (t) => flat(new D.LKJCholesky(4, t.c).logProb(new T.CorrCholeskyTransform().forward(t.a)), new D.LKJCholesky(2, 1.5).logProb(new T.CorrCholeskyTransform().forward(t.b))),
    py: `torch.cat([${TD}.LKJCholesky(4, c).log_prob(${TT}.CorrCholeskyTransform()(a)), ${TD}.LKJCholesky(2, 1.5).log_prob(${TT}.CorrCholeskyTransform()(b))])` },
  { name: 'Wishart from covariance (df per batch): logProb, entropy, mean, mode (one NaN), variance, precision', inputs: { df: fixed([2], [3.5, 6], true), a: x([2, 3, 3]), b: x([2, 3, 3]) },
    ours: (t) => { const w = new D.Wishart(t.df, { covarianceMatrix: spd(t.a) }); return flat(w.logProb(spd(t.b)), w.entropy(), w.mean, w.mode, w.variance, w.precisionMatrix); },
    py: `(lambda w: ${pyFlat(`w.log_prob(${SPD('b')})`, 'w.entropy()', 'w.mean', 'w.mode', 'w.variance', 'w.precision_matrix')})(${TD}.Wishart(df, covariance_matrix=${SPD('a')}))` },
  // torch 1.13's Bregman divergence sums its df term over the whole batch (_sum_rightmost over the
  // event's two dims of a [batch] term), so a batch is compared element by element; and it detaches
  // p's parameters (no gradient reaches them), so values only here: the gradients by finite differences below.
  { name: 'klDivergence of Wisharts (torch: the exponential family\'s Bregman divergence): df per batch, scales broadcast, both ways',
    inputs: { df1: fixed([2], [3.5, 6]), df2: fixed([], [4.25]), a: x([2, 3, 3], -1, 1, false), b: x([3, 3], -1, 1, false) },
    ours: (t) => {
      const p = new D.Wishart(t.df1, { covarianceMatrix: spd(t.a) }), q = new D.Wishart(t.df2, { scaleTril: bp.linalg.cholesky(spd(t.b)) });
      return flat(D.klDivergence(p, q), D.klDivergence(q, p), D.klDivergence(p, p));
    },
    py: `(lambda ps, q: torch.cat([torch.stack([${TD}.kl_divergence(p, q) for p in ps]), torch.stack([${TD}.kl_divergence(q, p) for p in ps]), torch.stack([${TD}.kl_divergence(p, p) for p in ps])]))([${TD}.Wishart(df1[i], covariance_matrix=${SPD('a')}[i]) for i in range(2)], ${TD}.Wishart(df2, scale_tril=torch.linalg.cholesky(${SPD('b')})))` },
  { name: 'Wishart from scaleTril and from precision, a number df, values broadcast', inputs: { l: x([2, 2], 0.5, 1.5), a: x([2, 2]), b: x([3, 2, 2]) },
    ours: (t) => flat(new D.Wishart(4, { scaleTril: t.l.tril() }).logProb(spd(t.b)), new D.Wishart(2.5, { precisionMatrix: spd(t.a) }).logProb(spd(t.b)), new D.Wishart(2.5, { precisionMatrix: spd(t.a) }).entropy()),
    py: pyFlat(`${TD}.Wishart(4., scale_tril=l.tril()).log_prob(${SPD('b')})`, `${TD}.Wishart(2.5, precision_matrix=${SPD('a')}).log_prob(${SPD('b')})`, `${TD}.Wishart(2.5, precision_matrix=${SPD('a')}).entropy()`) },
  { name: 'Softmax, LowerCholesky and Reshape transforms', inputs: { a: x([2, 3]), m: x([2, 2]), r: x([4, 6]) },
    ours: (t) => flat(new T.SoftmaxTransform().forward(t.a), new T.LowerCholeskyTransform().forward(t.m), new T.LowerCholeskyTransform().inverse(bp.tensor([[2, 0], [0.5, 3]])), new T.ReshapeTransform([6], [2, 3]).forward(t.r).mul(bp.arange(0, 3))),
    py: pyFlat(`${TT}.SoftmaxTransform()(a)`, `${TT}.LowerCholeskyTransform()(m)`, `${TT}.LowerCholeskyTransform().inv(torch.tensor([[2., 0.], [0.5, 3.]]))`, `${TT}.ReshapeTransform((6,), (2, 3))(r) * torch.arange(3)`) },
  { name: 'CumulativeDistributionTransform of a Normal; TransformedDistribution through it', inputs: { m: x([3]), s: x([3], 0.5, 2), a: x([3]), u: x([3], 0.1, 0.9) },
    ours: (t) => { const c = new T.CumulativeDistributionTransform(new D.Normal(t.m, t.s)); return flat(c.forward(t.a), c.inverse(t.u), c.logAbsDetJacobian(t.a, c.forward(t.a))); },
    py: `(lambda c: ${pyFlat('c(a)', 'c.inv(u)', 'c.log_abs_det_jacobian(a, c(a))')})(${TT}.CumulativeDistributionTransform(${TD}.Normal(m, s)))` },
  { name: 'modes of Normal, Uniform (NaN), Exponential, Laplace, Poisson, Gamma, LogNormal, MultivariateNormal', inputs: { m: x([3]), s: x([3], 0.5, 2), r: x([3], 0.5, 4) },
    ours: (t) => flat(new D.Normal(t.m, t.s).mode, new D.Uniform(t.m, t.m.add(t.s)).mode, new D.Exponential(t.r).mode, new D.Laplace(t.m, t.s).mode, new D.Poisson(t.r).mode,
      new D.Gamma(t.r, t.s).mode, new D.LogNormal(t.m, t.s).mode, new D.MultivariateNormal(t.m, { scaleTril: bp.eye(3) }).mode),
    py: pyFlat(`${TD}.Normal(m, s).mode`, `${TD}.Uniform(m, m + s).mode`, `${TD}.Exponential(r).mode`, `${TD}.Laplace(m, s).mode`, `${TD}.Poisson(r).mode`, `${TD}.Gamma(r, s).mode`, `${TD}.LogNormal(m, s).mode`, `${TD}.MultivariateNormal(m, scale_tril=torch.eye(3)).mode`) },
  { name: 'modes of Bernoulli (1/2: NaN), Categorical, OneHotCategorical, Beta, Dirichlet (all below 1: the first corner), Independent', inputs: { p: fixed([3], [0.2, 0.5, 0.8]), q: x([2, 3], 0.1, 1, false), c: fixed([3, 3], [2, 3, 4, 0.5, 0.6, 0.7, 0.5, 2, 3], true), m: x([2, 2]) },
    ours: (t) => flat(new D.Bernoulli({ probs: t.p }).mode, new D.Categorical({ probs: t.q }).mode, new D.OneHotCategorical({ probs: t.q }).mode, new D.Beta(t.c.select(1, 0), t.c.select(1, 2)).mode,
      new D.Dirichlet(t.c).mode, new D.Independent(new D.Normal(t.m, 1), 1).mode),
    py: pyFlat(`${TD}.Bernoulli(probs=p).mode`, `${TD}.Categorical(probs=q).mode.float()`, `${TD}.OneHotCategorical(probs=q).mode`, `${TD}.Beta(c[:, 0], c[:, 2]).mode`, `${TD}.Dirichlet(c).mode`, `${TD}.Independent(${TD}.Normal(m, 1.), 1).mode`) },
  { name: 'perplexity; enumerateSupport of Bernoulli, Categorical, OneHotCategorical, Binomial, Independent', inputs: { s: x([2], 0.5, 2), p: x([2], 0.2, 0.8, false), q: x([2, 3], 0.1, 1, false) },
    ours: (t) => flat(new D.Normal(0, t.s).perplexity(), new D.Bernoulli({ probs: t.p }).enumerateSupport(), new D.Categorical({ probs: t.q }).enumerateSupport(false), new D.OneHotCategorical({ probs: t.q }).enumerateSupport(),
      new D.Binomial(3, { probs: t.p }).enumerateSupport(), new D.Independent(new D.Bernoulli({ probs: t.q }), 0).enumerateSupport()),
    py: pyFlat(`${TD}.Normal(0, s).perplexity()`, `${TD}.Bernoulli(probs=p).enumerate_support()`, `${TD}.Categorical(probs=q).enumerate_support(False).float()`, `${TD}.OneHotCategorical(probs=q).enumerate_support()`,
      `${TD}.Binomial(3, probs=p).enumerate_support()`, `${TD}.Independent(${TD}.Bernoulli(probs=q), 0).enumerate_support()`) },
  { name: 'CatTransform (dims -1 and 0, parts with events of 1: log-Jacobians joined, or added where dim is an event dim) and StackTransform: forward, inverse, log-Jacobian', inputs: { a: x([2, 6], -1, 1), b: x([3, 4], -1, 1), c: x([4, 3], -1, 1) },
    ours: (t) => {
      const each = (tr: bp.distributions.transforms.Transform, v: bp.Tensor) => { const y = tr.forward(v); return [y, tr.inverse(y), tr.logAbsDetJacobian(v, y)]; };
      return flat(...each(new T.CatTransform([new T.ExpTransform(), new T.AffineTransform(1, 2), new T.SigmoidTransform()], { dim: -1, lengths: [2, 1, 3] }), t.a),
        ...each(new T.CatTransform([new T.IndependentTransform(new T.ExpTransform(), 1), new T.ExpTransform()], { lengths: [2, 1] }), t.b),
        ...each(new T.CatTransform([new T.IndependentTransform(new T.ExpTransform(), 1), new T.IndependentTransform(new T.AffineTransform(1, 3), 1)], { dim: -1, lengths: [1, 3] }), t.b),
        ...each(new T.StackTransform([new T.ExpTransform(), new T.AffineTransform(0, 3), new T.TanhTransform()], { dim: 1 }), t.c));
    },
    py: `(lambda each: torch.cat([*each(${TT}.CatTransform([${TT}.ExpTransform(), ${TT}.AffineTransform(1., 2.), ${TT}.SigmoidTransform()], dim=-1, lengths=[2, 1, 3]), a), ` +
      `*each(${TT}.CatTransform([${TT}.IndependentTransform(${TT}.ExpTransform(), 1), ${TT}.ExpTransform()], lengths=[2, 1]), b), ` +
      `*each(${TT}.CatTransform([${TT}.IndependentTransform(${TT}.ExpTransform(), 1), ${TT}.IndependentTransform(${TT}.AffineTransform(1., 3.), 1)], dim=-1, lengths=[1, 3]), b), ` +
      `*each(${TT}.StackTransform([${TT}.ExpTransform(), ${TT}.AffineTransform(0., 3.), ${TT}.TanhTransform()], dim=1), c)]))(lambda tr, v: (lambda y: [y.reshape(-1), tr.inv(y).reshape(-1), tr.log_abs_det_jacobian(v, y).reshape(-1)])(tr(v)))` },
  { name: 'expand: Normal, Categorical, MultivariateNormal (a batch dim of 1), Independent; logProb, moments, entropy', inputs: { m: x([3]), s: x([3], 0.5, 2), v: x([2, 3]), q: x([3, 4], 0.1, 1), k: fixed([2, 3], [0, 3, 1, 2, 2, 0]), l: x([1, 2]), c: x([2, 2], -1, 1, false), w: x([4, 3, 2]) },
    ours: (t) => {
      const n = new D.Normal(t.m, t.s).expand([2, 3]), cat = new D.Categorical({ probs: t.q }).expand([2, 3]);
      const g = new D.MultivariateNormal(t.l, { covarianceMatrix: spd(t.c) }).expand([4, 3]), ind = new D.Independent(new D.Normal(t.q, t.s.unsqueeze(-1)), 1).expand([2, 3]);
      return flat(n.logProb(t.v), n.mean, n.stddev, n.entropy(), cat.logProb(t.k), cat.entropy(), cat.probs, g.logProb(t.w), g.mean, g.covarianceMatrix, ind.logProb(t.q.add(0.5)), ind.entropy());
    },
    py: `(lambda n, cat, g, ind: ${pyFlat('n.log_prob(v)', 'n.mean', 'n.stddev', 'n.entropy()', 'cat.log_prob(k)', 'cat.entropy()', 'cat.probs', 'g.log_prob(w)', 'g.mean', 'g.covariance_matrix', 'ind.log_prob(q + 0.5)', 'ind.entropy()')})(` +
      `${TD}.Normal(m, s).expand((2, 3)), ${TD}.Categorical(probs=q).expand((2, 3)), ${TD}.MultivariateNormal(l, covariance_matrix=${SPD('c')}).expand((4, 3)), ${TD}.Independent(${TD}.Normal(q, s.unsqueeze(-1)), 1).expand((2, 3)))` },
  { name: 'expand: MixtureSameFamily, LogNormal, RelaxedOneHotCategorical (its temperature kept), Dirichlet', inputs: { p: x([3, 2], 0.1, 1), m: x([3, 2]), s: x([3, 2], 0.5, 2), v: x([2, 3], 0.2, 3), q: x([3, 4], 0.1, 1), a: x([3, 4], 0.5, 2), u: fixed([4], [0.1, 0.2, 0.3, 0.4]) },
    ours: (t) => {
      const mix = new D.MixtureSameFamily(new D.Categorical({ probs: t.p }), new D.Normal(t.m, t.s)).expand([2, 3]);
      const ln = new D.LogNormal(t.m.select(-1, 0), t.s.select(-1, 0)).expand([2, 3]);
      const rc = new D.RelaxedOneHotCategorical(bp.tensor(0.7), { probs: t.q }).expand([2, 3]);
      return flat(mix.logProb(t.v), mix.mean, mix.variance, ln.logProb(t.v), ln.mean, rc.logProb(t.u), new D.Dirichlet(t.a).expand([2, 3]).logProb(t.u));
    },
    py: `(lambda mix, ln, rc: ${pyFlat('mix.log_prob(v)', 'mix.mean', 'mix.variance', 'ln.log_prob(v)', 'ln.mean', 'rc.log_prob(u)', `${TD}.Dirichlet(a).expand((2, 3)).log_prob(u)`)})(` +
      `${TD}.MixtureSameFamily(${TD}.Categorical(probs=p), ${TD}.Normal(m, s)).expand((2, 3)), ${TD}.LogNormal(m[..., 0], s[..., 0]).expand((2, 3)), ${TD}.RelaxedOneHotCategorical(torch.tensor(0.7), probs=q).expand((2, 3)))` },
];

noteIfNoTorch('the further distributions and transforms against torch.distributions');
eachBackend('further distributions', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch.distributions' (values and gradients)`, () => expectCallsLikeTorch(CALLS, 2e-5));
});

it('klDivergence of Wisharts: gradients for every parameter of both sides, against finite differences', () => {
  bp.manualSeed(62);
  const df1 = bp.tensor([3.5, 6], { requiresGrad: true }), df2 = bp.tensor(4.25, { requiresGrad: true });
  const a = bp.randn([2, 3, 3]).requiresGrad_(), b = bp.randn([3, 3]).requiresGrad_();
  const kl = (d1: bp.Tensor, d2: bp.Tensor, s: bp.Tensor, t: bp.Tensor) => {
    const p = new D.Wishart(d1, { covarianceMatrix: spd(s) }), q = new D.Wishart(d2, { covarianceMatrix: spd(t) });
    return bp.cat([D.klDivergence(p, q), D.klDivergence(q, p).reshape([-1])]);
  };
  expect(bp.autograd.gradcheck(kl, [df1, df2, a, b], { eps: 1e-2, atol: 2e-2, rtol: 2e-2 })).toBe(true);
});

it('draws by their distributions, and rsample passes gradients', () => {
  bp.manualSeed(62);
  const n = 20000;
  const g = new D.LowRankMultivariateNormal(bp.tensor([1, -1, 0]), bp.tensor([[1, 0], [0.5, 1], [0, 2]]), bp.tensor([0.5, 1, 0.25]));
  const s = g.sample([n]);
  const centered = s.sub(s.mean(0));
  const cov = centered.t().matmul(centered).div(n);
  expect(cov.sub(g.covarianceMatrix).abs().max().item()).toBeLessThan(0.15);
  expect(s.mean(0).sub(g.mean).abs().max().item()).toBeLessThan(0.05);
  const cb = new D.ContinuousBernoulli({ probs: bp.tensor([0.2, 0.5, 0.9]) });
  const cbs = cb.sample([n]);
  expect(cbs.mean(0).sub(cb.mean).abs().max().item()).toBeLessThan(0.01);
  const vm = new D.VonMises(bp.tensor([0.5, 3]), bp.tensor([4, 1]));
  const angles = vm.sample([n]);
  expect(angles.abs().max().item()).toBeLessThanOrEqual(Math.PI);
  // The circular mean direction and the mean resultant length 1 - variance.
  const [c, sn] = [angles.cos().mean(0), angles.sin().mean(0)];
  const direction = bp.atan2(sn, c).data, length = c.square().add(sn.square()).sqrt().data;
  expect(Math.abs(direction[0] - 0.5)).toBeLessThan(0.03);
  expect(Math.abs(Math.abs(direction[1]) - 3)).toBeLessThan(0.08);
  for (let i = 0; i < 2; i++) expect(Math.abs(length[i] - (1 - vm.variance.data[i]))).toBeLessThan(0.02);
  // LKJ over 2 x 2: the correlation r = L[1, 0] has density (1 - r^2)^(eta - 1), so E[r^2] = 1 / (2 eta + 1).
  const lkj = new D.LKJCholesky(2, bp.tensor([0.5, 3])).sample([n]);
  const r2 = lkj.select(-2, 1).select(-1, 0).square().mean(0).data;
  expect(Math.abs(r2[0] - 1 / 2)).toBeLessThan(0.01);
  expect(Math.abs(r2[1] - 1 / 7)).toBeLessThan(0.01);
  const l4 = new D.LKJCholesky(4, 2).sample([3]);
  expect([...l4.square().sum(-1).flatten().data].every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
  expect(l4.triu(1).abs().max().item()).toBe(0);
  expect(Number.isFinite(new D.LKJCholesky(4, 2).logProb(l4).sum().item())).toBe(true);
  const wishart = new D.Wishart(bp.tensor([5, 8]), { covarianceMatrix: bp.tensor([[1, 0.5], [0.5, 2]]) });
  const wDraws = wishart.sample([n]);
  expect(wDraws.mean(0).sub(wishart.mean).abs().max().item()).toBeLessThan(0.15);
  expect(wDraws.sub(wDraws.mean(0)).square().mean(0).sub(wishart.variance).abs().div(wishart.variance).max().item()).toBeLessThan(0.1);
  const ln = new D.LogisticNormal(bp.zeros([3]), bp.ones([3])).sample([5]);
  expect(ln.shape).toEqual([5, 4]);
  expect([...ln.sum(-1).data].every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
  const probs = bp.tensor([0.2, 0.3, 0.5], { requiresGrad: true });
  const st = new D.OneHotCategoricalStraightThrough({ probs }).rsample([4]);
  expect([...st.sum(-1).data].every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  st.mul(bp.tensor([1, 2, 3])).sum().backward();
  // The straight-through gradient: d/dprobs of sum(4 * probs_normalized * [1, 2, 3]).
  expect(probs.grad!.data[2] - probs.grad!.data[0]).toBeCloseTo(8, 4);
  const loc = bp.tensor([0, 0, 0], { requiresGrad: true });
  new D.LowRankMultivariateNormal(loc, bp.ones([3, 1]), bp.ones([3])).rsample([2]).sum().backward();
  expect([...loc.grad!.data]).toEqual([2, 2, 2]);
});

it('expand: draws of the new batch shape, the originals untouched, a scalar loc spread, and errors naming the shapes', () => {
  const loc = bp.tensor([0, 10, 20], { requiresGrad: true });
  const e = new D.Normal(loc, 1).expand([4, 3]);
  expect(e.batchShape).toEqual([4, 3]);
  expect(e.sample([5]).shape).toEqual([5, 4, 3]);
  expect(new D.Normal(loc, 1).batchShape).toEqual([3]);
  e.logProb(bp.zeros([4, 3])).sum().backward();
  expect([...loc.grad!.data]).toEqual([0, -40, -80]); // d/dloc of -(v - loc)^2 / 2 over four rows
  expect(new D.Normal(0, 1).expand([2]).mean.shape).toEqual([2]);
  expect(() => new D.Normal(loc, 1).expand([2])).toThrow('Normal.expand: the batch shape [3] cannot be expanded to [2] (each dim must be 1 or the new one\'s, aligned from the right)');
  expect(() => new D.Normal(loc, 1).expand([3, -1])).toThrow('Normal.expand: batchShape must be an array of non-negative integers, got [3, -1]');
  expect(() => new D.Normal(loc, 1).expand([])).toThrow('Normal.expand: the batch shape [3] cannot be expanded to []');
});

it('expand: every family\'s expanded logProb of its own draws is the original\'s, broadcast', () => {
  const r = (shape: number[], lo = 0.2, hi = 2) => bp.rand(shape).mul(hi - lo).add(lo);
  const cov = () => spd(bp.randn([3, 2, 2]));
  const families: [string, () => bp.distributions.Distribution][] = [
    ['Normal', () => new D.Normal(r([3]), r([3]))], ['Uniform', () => new D.Uniform(r([3], 0, 1), r([3], 2, 3))], ['Exponential', () => new D.Exponential(r([3]))],
    ['Bernoulli', () => new D.Bernoulli({ probs: r([3], 0.1, 0.9) })], ['Categorical', () => new D.Categorical({ logits: r([3, 4]) })], ['Laplace', () => new D.Laplace(r([3]), r([3]))],
    ['Poisson', () => new D.Poisson(r([3]))], ['Gamma', () => new D.Gamma(r([3]), r([3]))], ['MultivariateNormal', () => new D.MultivariateNormal(r([3, 2]), { covarianceMatrix: cov() })],
    ['Dirichlet', () => new D.Dirichlet(r([3, 4]))], ['Beta', () => new D.Beta(r([3]), r([3]))], ['Independent', () => new D.Independent(new D.Normal(r([3, 4]), r([3, 4])), 1)],
    ['LogNormal', () => new D.LogNormal(r([3]), r([3]))], ['OneHotCategorical', () => new D.OneHotCategorical({ probs: r([3, 4]) })], ['LogisticNormal', () => new D.LogisticNormal(r([3, 2]), r([3, 2]))],
    ['Cauchy', () => new D.Cauchy(r([3]), r([3]))], ['HalfNormal', () => new D.HalfNormal(r([3]))], ['HalfCauchy', () => new D.HalfCauchy(r([3]))], ['StudentT', () => new D.StudentT(r([3]), r([3]), r([3]))],
    ['Chi2', () => new D.Chi2(r([3]))], ['FisherSnedecor', () => new D.FisherSnedecor(r([3]), r([3]))], ['Gumbel', () => new D.Gumbel(r([3]), r([3]))], ['Weibull', () => new D.Weibull(r([3]), r([3]))],
    ['Pareto', () => new D.Pareto(r([3]), r([3]))], ['Kumaraswamy', () => new D.Kumaraswamy(r([3]), r([3]))], ['Geometric', () => new D.Geometric({ probs: r([3], 0.1, 0.9) })],
    ['Binomial', () => new D.Binomial(5, { probs: r([3], 0.1, 0.9) })], ['NegativeBinomial', () => new D.NegativeBinomial(r([3]), { probs: r([3], 0.1, 0.9) })],
    ['Multinomial', () => new D.Multinomial(5, { probs: r([3, 4]) })], ['RelaxedBernoulli', () => new D.RelaxedBernoulli(bp.tensor(0.7), { probs: r([3], 0.1, 0.9) })],
    ['RelaxedOneHotCategorical', () => new D.RelaxedOneHotCategorical(bp.tensor(0.7), { probs: r([3, 4]) })],
    // A batch of one (shape []): its scalar temperature must stay one for the [2, 3, 4] logits.
    ['RelaxedOneHotCategorical of one', () => new D.RelaxedOneHotCategorical(bp.tensor(0.7), { probs: r([4]) })],
    ['MixtureSameFamily', () => new D.MixtureSameFamily(new D.Categorical({ probs: r([3, 4]) }), new D.Normal(r([3, 4]), r([3, 4])))],
    ['LowRankMultivariateNormal', () => new D.LowRankMultivariateNormal(r([3, 2]), r([3, 2, 1]), r([3, 2]))], ['ContinuousBernoulli', () => new D.ContinuousBernoulli({ probs: r([3], 0.1, 0.9) })],
    ['VonMises', () => new D.VonMises(r([3]), r([3]))], ['LKJCholesky', () => new D.LKJCholesky(3, r([3]))], ['Wishart', () => new D.Wishart(r([3], 3, 4), { covarianceMatrix: cov() })],
  ];
  bp.manualSeed(61);
  for (const [name, make] of families) {
    const d = make(), e = d.expand([2, 3]);
    expect(e.batchShape, name).toEqual([2, 3]);
    expect(e.constructor, name).toBe(d.constructor);
    const draw = e.sample();
    expect(draw.shape, name).toEqual([2, 3, ...d.eventShape]);
    const got = e.logProb(draw), want = d.logProb(draw);
    expect(got.shape, name).toEqual([2, 3]);
    expect(got.sub(want).abs().max().item(), name).toBe(0);
  }
});

it('names the bad parameter, shape or transform', () => {
  expect(() => new D.LowRankMultivariateNormal(bp.zeros([3]), bp.zeros([2, 1]), bp.ones([3]))).toThrow('LowRankMultivariateNormal: covFactor must be a batch of 3 x m matrices for loc of shape [3], got shape [2, 1]');
  expect(() => new D.LowRankMultivariateNormal(bp.zeros([3]), bp.zeros([3, 1]), bp.ones([2]))).toThrow('LowRankMultivariateNormal: covDiag must be a batch of vectors of 3 for loc of shape [3], got shape [2]');
  expect(() => new D.LowRankMultivariateNormal(bp.zeros([3]), bp.zeros([3, 1]), bp.tensor([1, 0, 1]))).toThrow('LowRankMultivariateNormal: covDiag must be positive, got 0 at element 1');
  const low3 = new D.LowRankMultivariateNormal(bp.zeros([3]), bp.ones([3, 1]), bp.ones([3]));
  expect(() => D.klDivergence(low3, new D.LowRankMultivariateNormal(bp.zeros([2]), bp.ones([2, 1]), bp.ones([2])))).toThrow('klDivergence: LowRankMultivariateNormal and LowRankMultivariateNormal of event shapes [3] and [2]');
  expect(() => D.klDivergence(new D.MultivariateNormal(bp.zeros([2]), { scaleTril: bp.eye(2) }), low3)).toThrow('klDivergence: MultivariateNormal and LowRankMultivariateNormal of event shapes [2] and [3]');
  expect(() => D.klDivergence(new D.Wishart(3, { scaleTril: bp.eye(2) }), new D.Wishart(4, { scaleTril: bp.eye(3) }))).toThrow('klDivergence: Wisharts of event shapes [2, 2] and [3, 3]');
  expect(() => new D.LowRankMultivariateNormal(bp.zeros([2, 3]), bp.zeros([3, 3, 1]), bp.ones([3]))).toThrow('LowRankMultivariateNormal: the batch shapes of loc [2, 3], covFactor [3, 3, 1] and covDiag [3] do not broadcast');
  expect(() => new D.ContinuousBernoulli({ probs: 1.5 })).toThrow('ContinuousBernoulli: probs must be in [0, 1], got 1.5');
  expect(() => new D.ContinuousBernoulli({ probs: 0.5 }, { lims: [0.6, 0.4] })).toThrow('ContinuousBernoulli: lims must be two numbers, the first below the second');
  expect(() => new D.ContinuousBernoulli({ probs: 0.5 }).logProb(1.2)).toThrow('ContinuousBernoulli.logProb: value must be within the support (numbers in [0, 1]), got 1.2');
  expect(() => new D.VonMises(0, 0)).toThrow('VonMises: concentration must be positive, got 0');
  expect(() => new D.VonMises(0, 1).entropy()).toThrow('VonMises: entropy is not implemented (as in torch)');
  expect(() => new D.Wishart(1, { covarianceMatrix: bp.eye(3) })).toThrow("Wishart: df must be above p - 1 = 2 (p = 3, the matrices' size), got 1");
  expect(() => new D.Wishart(4, {})).toThrow('Wishart: give exactly one of covarianceMatrix, precisionMatrix and scaleTril');
  expect(() => new D.Wishart(4, { covarianceMatrix: bp.eye(2) }).logProb(bp.tensor([[1, 2], [0, 1]]))).toThrow('Wishart.logProb: value must be within the support (symmetric positive-definite matrices): matrix 0 is not symmetric at (1, 0)');
  expect(() => new D.Wishart(4, { covarianceMatrix: bp.eye(2) }).logProb(bp.tensor([[1, 2], [2, 1]]))).toThrow('Wishart.logProb: value must be within the support (positive-definite matrices');
  expect(() => new D.LKJCholesky(1)).toThrow('LKJCholesky: dim must be an integer of at least 2, got 1');
  expect(() => new D.LKJCholesky(3, 0)).toThrow('LKJCholesky: concentration must be positive, got 0');
  expect(() => new D.LKJCholesky(2).logProb(bp.tensor([[1, 0], [0.6, 0.9]]))).toThrow('LKJCholesky.logProb: value must be within the support (Cholesky factors of correlation matrices: rows of unit norm), got a norm of');
  expect(() => new D.LKJCholesky(2).logProb(bp.tensor([[1, 0.1], [0.6, 0.8]]))).toThrow('LKJCholesky.logProb: value must be within the support (Cholesky factors of correlation matrices: lower triangular, a positive diagonal), got 0.1');
  expect(() => new D.LKJCholesky(3).logProb(bp.eye(2))).toThrow('LKJCholesky.logProb: value must be [..., 3, 3], got shape [2, 2]');
  expect(() => new T.CorrCholeskyTransform().forward(bp.zeros([4]))).toThrow('CorrCholeskyTransform: the last dim (4) is not n (n - 1) / 2 for any n');
  expect(() => new T.ReshapeTransform([6], [4])).toThrow('ReshapeTransform: inShape [6] and outShape [4] have different numbers of elements');
  expect(() => new T.ReshapeTransform([6], [2, 3]).forward(bp.zeros([2, 5]))).toThrow('ReshapeTransform: the input shape [2, 5] does not end in [6]');
  expect(() => new T.SoftmaxTransform().logAbsDetJacobian()).toThrow('SoftmaxTransform: not bijective');
  expect(() => new T.ComposeTransform([new T.ExpTransform(), 3 as never])).toThrow('ComposeTransform: parts must be a list of Transforms');
  expect(() => new T.IndependentTransform(new T.ExpTransform(), -1)).toThrow('IndependentTransform: reinterpretedBatchNdims must be a non-negative integer, got -1');
  expect(() => new D.Normal(0, 1).enumerateSupport()).toThrow('Normal: enumerateSupport is not implemented (its support is not finite and discrete)');
  expect(() => new D.Independent(new D.Bernoulli({ probs: bp.ones([2]).mul(0.5) }), 1).enumerateSupport()).toThrow('Independent: enumerateSupport over the product of the reinterpreted dims is not implemented');
  expect(new D.TransformedDistribution(new D.Normal(0, 1), new T.AffineTransform(bp.zeros([2]), 1)).baseDist.batchShape).toEqual([2]); // expanded, as torch's
  expect(() => new D.FisherSnedecor(1, 2).mode).not.toThrow();
  expect(() => new T.CatTransform([new T.ExpTransform()], { lengths: [2, 1] })).toThrow('CatTransform: lengths must be 1 non-negative integers, one a part, got [2, 1]');
  expect(() => new T.CatTransform([new T.ExpTransform(), new T.ExpTransform()], { lengths: [2, 1] }).forward(bp.zeros([4]))).toThrow('CatTransform: x must be 3 long along dim 0 (the lengths\' sum), got shape [4]');
  expect(() => new T.StackTransform([new T.ExpTransform()], { dim: 1 }).inverse(bp.ones([2, 2]))).toThrow('StackTransform: y must be 1 long along dim 1 (one slice a part), got shape [2, 2]');
  expect(() => new T.StackTransform([3 as never])).toThrow('StackTransform: parts must be a list of Transforms, got [3]');
  expect(() => new T.StackTransform([new T.ExpTransform()]).sign).toThrow('StackTransform: sign is not implemented (as in torch)');
  expect(() => new D.MixtureSameFamily(new D.Categorical({ probs: bp.ones([2]) }), new D.Normal(bp.zeros([2]), 1)).mode).toThrow('MixtureSameFamily: mode is not implemented (as in torch)');
});

// torch.distributions' names (`bp.distributions.Normal`, ...): re-exports only.
export { Distribution } from './distribution';
export type { DistributionOptions, Param } from './distribution';
export { Normal, Uniform, Exponential, Bernoulli, Categorical } from './families';
export type { ProbsOrLogits } from './families';
export { Laplace, Poisson, Gamma, MultivariateNormal } from './more_families';
export type { MultivariateNormalParams } from './more_families';
export { Dirichlet, Beta } from './simplex';
export { Independent } from './independent';
export { TransformedDistribution } from './transformed';
export { LogNormal, OneHotCategorical } from './wrappers';
export { Cauchy, HalfNormal, HalfCauchy, StudentT, Chi2, FisherSnedecor } from './heavy_tails';
export { Gumbel, Weibull, Pareto, Kumaraswamy } from './transformed_families';
export { Geometric, Binomial, NegativeBinomial, Multinomial } from './counts';
export { LogitRelaxedBernoulli, RelaxedBernoulli, ExpRelaxedCategorical, RelaxedOneHotCategorical } from './relaxed';
export { MixtureSameFamily } from './mixture';
export * as transforms from './transforms';
export { klDivergence } from './kl';

// torch.distributions' names (`bp.distributions.Normal`, ...): re-exports only.
export { Distribution } from './distribution';
export type { DistributionOptions, Param } from './distribution';
export { Normal, Uniform, Exponential, Bernoulli, Categorical } from './families';
export type { ProbsOrLogits } from './families';
export { Laplace, Poisson, Gamma, MultivariateNormal } from './more_families';
export type { MultivariateNormalParams } from './more_families';
export { Dirichlet, Beta } from './simplex';
export { Independent, LogNormal, OneHotCategorical } from './wrappers';
export { klDivergence } from './kl';

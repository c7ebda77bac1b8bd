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
export * as transforms from './transforms';
export { klDivergence } from './kl';

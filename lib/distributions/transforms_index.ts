// torch.distributions.transforms' names (`bp.distributions.transforms.ExpTransform`, ...): re-exports only.
export { Transform, ExpTransform, AffineTransform, SigmoidTransform, TanhTransform, SoftplusTransform, PowerTransform, AbsTransform } from './transforms';
export type { TransformParam } from './transforms';
export { ComposeTransform, IndependentTransform, ReshapeTransform, StickBreakingTransform, SoftmaxTransform, LowerCholeskyTransform, CumulativeDistributionTransform } from './transforms_more';
export { CorrCholeskyTransform } from './lkj';
export { CatTransform, StackTransform } from './transforms_join';

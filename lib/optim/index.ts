// The optim namespace.
export { Optimizer, ParamGroup } from './optimizer';
export type { OptimizerState, OptimizerStateDict, OptimizerParams, ParamGroupInput } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam, AdamW } from './adam';
export type { AdamOptions } from './adam';
export { RMSprop, Adagrad } from './rmsprop';
export type { RMSpropOptions, AdagradOptions } from './rmsprop';
export { Adamax, NAdam, RAdam } from './adam_variants';
export type { AdamVariantOptions, AdamaxOptions, NAdamOptions } from './adam_variants';
export { Adadelta, Rprop } from './adadelta';
export type { AdadeltaOptions, RpropOptions } from './adadelta';
export { LBFGS } from './lbfgs';
export type { LBFGSOptions, LBFGSStateDict } from './lbfgs';
export { clipGradNorm, clipGradValue } from './clip';
export type { ClipGradNormOptions } from './clip';
export * as lrScheduler from './scheduler';
export * as swaUtils from './swa_utils';

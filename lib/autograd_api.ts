// torch.autograd's names (`bp.autograd.grad`, ...): re-exports only.
export { grad } from './grad';
export type { GradOptions } from './grad';
export { noGrad, enableGrad, isGradEnabled, detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './autograd';
export * as functional from './autograd_functional';
export type { FunctionalOptions, TensorFunction } from './autograd_functional';
export { Function, FunctionCtx } from './autograd_function';
export type { FunctionClass, FunctionGradient } from './autograd_function';
export { gradcheck } from './gradcheck';
export type { GradcheckOptions } from './gradcheck';

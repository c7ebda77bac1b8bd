// The public face of backprop: re-exports only.
import './methods';

export { Tensor } from './tensor';
export type { GradNode, NestedArray } from './tensor';
export type { Shape } from './shape';
export * from './ops';
export { noGrad, isGradEnabled } from './autograd';
export { getBackend, setBackend, setNumThreads, getNumThreads, hasNative } from './backend/registry';
export { manualSeed } from './random';
export * as nn from './nn';
export * as optim from './optim';
export { clipGradNorm, clipGradValue, lrScheduler } from './optim';

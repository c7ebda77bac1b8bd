// The public face of backprop: re-exports only.
import './methods';

export { Tensor } from './tensor';
export type { BackwardOptions, GradNode, GradPart, NestedArray, GradHook, RemovableHandle } from './tensor';
export type { Device, Dtype, PlacementOptions } from './placement';
export type { Shape } from './shape';
export * from './ops';
export { noGrad, isGradEnabled, enableGrad, setGradEnabled, inferenceMode } from './autograd';
export * as autograd from './autograd_api';
export * as utils from './utils_api';
export { tidy, keep, memory } from './memory';
export type { MemoryInfo, TensorContainer } from './memory';
export { getBackend, setBackend, setNumThreads, getNumThreads, hasNative, nativeKernelSet } from './backend/registry';
export type { KernelSet } from './backend/registry';
export { manualSeed, initialSeed, seed, getRngState, setRngState } from './random';
export type { RngState } from './random';
export * as nn from './nn';
export * as optim from './optim';
export { clipGradNorm, clipGradValue, lrScheduler } from './optim';
export * as data from './data';
export * as linalg from './linalg';
export * as distributed from './distributed';
export * as distributions from './distributions';
export * as special from './special';
export { save, load, saveCheckpoint, loadCheckpoint, readSafetensors, writeSafetensors, SummaryWriter } from './io';
export type { TensorDict, CheckpointInfo, LayerSpec } from './io';
export { fit, evaluate, predict } from './train';
export type { FitOptions, History, Dataset, Logs, EarlyStopping, EvaluateOptions, MetricName } from './train';

// The nn namespace: modules, losses and initialisers.
export { Module } from './module';
export type { StateDict, LoadStateDictOptions, LoadStateDictResult } from './module';
export { Parameter } from './parameter';
export { Linear } from './linear';
export type { LinearOptions } from './linear';
export { ReLU, LeakyReLU, ELU, Sigmoid, Tanh, GELU, SiLU, Softplus, Softmax, LogSoftmax, Identity, Flatten, Hardtanh, ReLU6, Hardsigmoid, Hardswish, LogSigmoid, Mish, SELU, Softsign, Tanhshrink, PReLU } from './activation';
export { Sequential } from './sequential';
export { Dropout } from './dropout';
export { BatchNorm1d } from './batchnorm';
export { LayerNorm } from './layernorm';
export type { LayerNormOptions } from './layernorm';
export { Embedding } from './embedding';
export type { EmbeddingOptions } from './embedding';
export type { BatchNormOptions } from './batchnorm';
export { Loss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss } from './loss';
export type { LossOptions, KLDivOptions, SmoothL1Options, HuberOptions, BCEOptions, BCEWithLogitsOptions, ClassLossOptions, CrossEntropyOptions, Reduction, KLDivReduction, ClassTarget } from './loss';
export * as init from './init';

// Every op as a free function.
export { add, sub, mul, div, pow } from './binary';
export { neg, exp, log, log1p, sqrt, abs, relu, sigmoid, tanh, gelu, leakyRelu, elu, silu, sign, floor, ceil, round, trunc, frac, square, reciprocal, rsqrt } from './unary';
export { maximum, minimum, clamp } from './compare';
export { clone, gt, ge, lt, le, eq, ne, where, variance, std, logsumexp, softplus, maskedFill, tril, triu, all, any } from './more';
export { sort, argsort, topk } from './sort';
export type { SortResult, TopkOptions } from './sort';
export type { VarianceOptions } from './more';
export { matmul, linear } from './matmul';
export type { FusedActivation } from './matmul';
export { sum, mean, max, argmax, min, argmin } from './reduce';
export type { Dims } from './reduce';
export { reshape, transpose, permute, flatten, squeeze, unsqueeze, expand, repeat } from './shape';
export { cat, stack, narrow, split, chunk } from './join';
export { indexSelect, select, gather } from './index_ops';
export { softmax, logSoftmax } from './softmax';
export { tensor, zeros, ones, full, rand, randn, arange, eye, zerosLike, onesLike } from './creation';
export type { TensorOptions, TensorData, NestedNumbers } from './creation';
export type { Operand } from './core';

// torch.nn.utils.parametrize's names (`nn.utils.parametrize.registerParametrization`, ...): re-exports only.
export { registerParametrization, removeParametrizations, isParametrized, ParametrizationList } from './parametrize';
export { NotImplementedError } from './parametrize';
export type { Parametrization, RegisterParametrizationOptions } from './parametrize';

// torch.nn.utils.parametrizations' names (`nn.utils.parametrizations.orthogonal`, ...): re-exports only.
export { orthogonal, spectralNorm } from './parametrizations';
export type { OrthogonalMap, OrthogonalOptions, SpectralNormParametrizationOptions } from './parametrizations';

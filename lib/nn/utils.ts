// nn.utils as torch.nn.utils: the gradient clippers (optim's, under torch's other address),
// parametersToVector / vectorToParameters, weightNorm, spectralNorm, prune, functionalCall, the
// conv + batch norm fusion, and rnn's padSequence and packed sequences.
import { Tensor } from '../tensor';
import { cat, tensorArray } from '../ops/join';
import { reshape } from '../ops/shape';
import { letGoAfterBackward } from '../ops/core';
import { noGrad } from '../autograd';
import { fmt } from '../shape';
import { shown } from '../args';
import { PackedSequence, packPaddedSequence, padPackedSequence, packSequence, padSequence, unpackSequence, unpadSequence } from './rnn_sequences';

export { clipGradNorm, clipGradValue } from '../optim/clip';
export { weightNorm, removeWeightNorm } from './weight_norm';
export { spectralNorm, removeSpectralNorm } from './spectral_norm';
export * as prune from './prune';
export { functionalCall, fuseConvBnEval, fuseConvBnWeights } from './stateless';
export * as parametrize from './parametrize_api';
export * as parametrizations from './parametrizations_api';
import { functionalCall } from './stateless';
/** torch.nn.utils.stateless: functionalCall. */
export const stateless = { functionalCall };
export type { SpectralNormOptions } from './spectral_norm';
export { PackedSequence, packPaddedSequence, padPackedSequence, packSequence, padSequence, unpackSequence, unpadSequence } from './rnn_sequences';
export type { PackPaddedOptions, PadPackedOptions, PadPackedResult, PadSequenceOptions, UnpadSequenceOptions } from './rnn_sequences';

/** Every parameter flattened and joined into one 1-D tensor, in order (torch.nn.utils.parameters_to_vector). */
export function parametersToVector(parameters: readonly Tensor[]): Tensor {
  const ps = tensorArray(parameters, 'parametersToVector');
  const flat = ps.map((p) => reshape(p, [p.size]));
  const y = cat(flat, 0);
  letGoAfterBackward(...flat);
  return y;
}

/** The parameters' values set from consecutive slices of the 1-D vec, in order (torch.nn.utils.vector_to_parameters); no gradient recorded. */
export function vectorToParameters(vec: Tensor, parameters: readonly Tensor[]): void {
  const ps = tensorArray(parameters, 'vectorToParameters');
  if (!(vec instanceof Tensor) || vec.ndim !== 1) throw new Error(`vectorToParameters: vec must be a 1-D tensor, got ${vec instanceof Tensor ? `shape ${fmt(vec.shape)}` : shown(vec)}`);
  const total = ps.reduce((n, p) => n + p.size, 0);
  if (vec.size !== total) throw new Error(`vectorToParameters: vec has ${vec.size} elements, the parameters ${total}`);
  noGrad(() => {
    let at = 0;
    for (const p of ps) {
      p.data.set(vec.data.subarray(at, at + p.size));
      at += p.size;
    }
  });
}

/** torch.nn.utils.rnn's helpers: padding, packing and unpacking sequences of different lengths. */
export const rnn = { padSequence, packPaddedSequence, padPackedSequence, packSequence, PackedSequence, unpadSequence, unpackSequence };

// nn.utils as torch.nn.utils: the gradient clippers (optim's, under torch's other address),
// parametersToVector / vectorToParameters, and rnn.padSequence.
import { Tensor } from '../tensor';
import { pad } from '../ops/pad_resize';
import { cat, stack, tensorArray } from '../ops/join';
import { reshape, transpose } from '../ops/shape';
import { letGoAfterBackward } from '../ops/core';
import { noGrad } from '../autograd';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';

export { clipGradNorm, clipGradValue } from '../optim/clip';

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

/** Options of padSequence. */
export interface PadSequenceOptions {
  /** The result [batch, longest, ...] (true) or [longest, batch, ...] (default false). */
  batchFirst?: boolean;
  /** What fills the positions past each sequence's end (default 0). */
  paddingValue?: number;
}

/**
 * Sequences of different lengths [L_i, ...] (the rest of their shapes equal) padded to the longest
 * and stacked (torch.nn.utils.rnn.pad_sequence): [longest, batch, ...], or [batch, longest, ...] with
 * batchFirst. Gradients go back to each sequence's own positions.
 */
export function padSequence(sequences: readonly Tensor[], options?: PadSequenceOptions): Tensor {
  const seqs = tensorArray(sequences, 'padSequence');
  const o = optionsOf(options, 'padSequence', { batchFirst: 'boolean', paddingValue: 'value' });
  const value = o.paddingValue ?? 0;
  if (typeof value !== 'number') throw new Error(`padSequence: paddingValue must be a number, got ${shown(value)}`);
  const rest = seqs[0].shape.slice(1);
  seqs.forEach((s, i) => {
    if (s.ndim < 1 || s.ndim !== rest.length + 1 || s.shape.slice(1).some((d, k) => d !== rest[k])) {
      throw new Error(`padSequence: sequence ${i} has shape ${fmt(s.shape)}, sequence 0 ${fmt(seqs[0].shape)}: all but the first dim must agree`);
    }
  });
  const longest = Math.max(...seqs.map((s) => s.shape[0]));
  // pad's amounts run from the last dim: zeros for the rest, then [0, missing] for dim 0.
  const padded = seqs.map((s) => (s.shape[0] === longest ? s : pad(s, [...rest.flatMap(() => [0, 0]), 0, longest - s.shape[0]], { value })));
  const batchFirst = stack(padded, 0);
  letGoAfterBackward(...padded.filter((p, i) => p !== seqs[i]));
  if (o.batchFirst) return batchFirst;
  const y = transpose(batchFirst, 0, 1);
  letGoAfterBackward(batchFirst);
  return y;
}

/** torch.nn.utils.rnn's helpers. */
export const rnn = { padSequence };

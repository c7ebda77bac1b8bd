// Dropout's masks and random fills, drawn one by one from lib/random.ts's generator: the
// specification of the native dropoutMask, uniformFill and normalFill, which draw the same numbers
// in C++.
import { normalFrom, uniformFrom } from '../../random';

export function dropoutMask(mask: Float32Array, p: number, rng: Uint32Array): void {
  if (p >= 1) {
    mask.fill(0);
    return;
  }
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = uniformFrom(rng) >= p ? keep : 0;
}

export function uniformFill(out: Float32Array, low: number, span: number, rng: Uint32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = low + span * uniformFrom(rng);
}

export function normalFill(out: Float32Array, mean: number, std: number, rng: Uint32Array, spare: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = mean + std * normalFrom(rng, spare);
}

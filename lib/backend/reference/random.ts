// Dropout's masks and random fills, drawn one by one from lib/random.ts's generator: the
// specification of the native dropoutMask, uniformFill and normalFill, which draw the same numbers
// in C++.
import { normalFrom, uniformFrom } from '../../random';

// As the addon: xoshiro128** never leaves the all-zero state (zeros for ever; normalFill, drawing
// again after a zero, would never return).
function checkLive(rng: Uint32Array, what: string): void {
  if ((rng[0] | rng[1] | rng[2] | rng[3]) === 0) {
    throw new RangeError(`${what}: rng is all zeros, a state the generator never leaves (seed it: manualSeed)`);
  }
}

export function dropoutMask(mask: Float32Array, p: number, rng: Uint32Array): void {
  checkLive(rng, 'dropoutMask');
  if (p >= 1) {
    mask.fill(0);
    return;
  }
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = uniformFrom(rng) >= p ? keep : 0;
}

export function uniformFill(out: Float32Array, low: number, span: number, rng: Uint32Array): void {
  checkLive(rng, 'uniformFill');
  for (let i = 0; i < out.length; i++) out[i] = low + span * uniformFrom(rng);
}

export function normalFill(out: Float32Array, mean: number, std: number, rng: Uint32Array, spare: Float64Array): void {
  checkLive(rng, 'normalFill');
  for (let i = 0; i < out.length; i++) out[i] = mean + std * normalFrom(rng, spare);
}

// Dropout's masks, drawn one by one from lib/random.ts's generator: the specification of the
// native dropoutMask, which draws the same numbers in C++.
import { uniformFrom } from '../../random';

export function dropoutMask(mask: Float32Array, p: number, rng: Uint32Array): void {
  if (p >= 1) {
    mask.fill(0);
    return;
  }
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = uniformFrom(rng) >= p ? keep : 0;
}

// Dropout masks from lib/random.ts's generator (xoshiro128** over four 32-bit words), so that the
// eager layer, the fused training loop and the reference backend draw the same masks.
#pragma once
#include <cstdint>

namespace bp {

// mask[i] = 1 / (1 - p) where the i-th draw is >= p, else 0, for i < n (all 0 when p >= 1), drawing
// in order and advancing rng (lib/random.ts's uniform01: 24 random bits over 2^24).
void dropout_mask(float* mask, long n, double p, uint32_t* rng);

}  // namespace bp

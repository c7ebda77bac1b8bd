#include "dropout.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "random_lanes.h"
#include "xoshiro.h"

namespace bp {

void dropout_mask(float* mask, long n, double p, uint32_t* rng) {
  if (p >= 1.0) {
    std::fill(mask, mask + n, 0.0f);
    return;
  }
  // A draw u = k / 2^24 (k the top 24 bits) is >= p exactly when k >= ceil(p 2^24) (p 2^24 is exact
  // in a double): an integer compare, and the mask's bits chosen with an AND. As `u >= p ? keep : 0`
  // (or keep times the comparison) the compiler made a branch, mispredicted on half the draws at
  // p = 0.5: 7.8 ns an element. Threads and vector lanes each draw their own stretch of the
  // sequence (xoshiro.h's draw_in_parts, draw_lanes.inc).
  const uint32_t threshold = (uint32_t)std::ceil(p * 16777216.0);
  const float keep = (float)(1.0 / (1.0 - p));
  uint32_t keep_bits;
  std::memcpy(&keep_bits, &keep, sizeof keep_bits);
  const MaskFn draw_mask = active_random_forms().mask;
  draw_in_parts(rng, n, 1, [&](uint32_t* words, long b, long e) { draw_mask(words, e - b, threshold, keep_bits, mask + b); });
}

}  // namespace bp

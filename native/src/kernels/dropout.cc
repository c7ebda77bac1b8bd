#include "dropout.h"

#include <algorithm>

namespace bp {
namespace {

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline double uniform01(uint32_t* s) {
  const uint32_t result = rotl(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return (double)(result >> 8) / 16777216.0;
}

}  // namespace

void dropout_mask(float* mask, long n, double p, uint32_t* rng) {
  if (p >= 1.0) {
    std::fill(mask, mask + n, 0.0f);
    return;
  }
  // The state lives in registers for the whole run (one draw depends on the last: no threads).
  uint32_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
  const float keep = (float)(1.0 / (1.0 - p));
  for (long i = 0; i < n; i++) mask[i] = uniform01(s) >= p ? keep : 0.0f;
  std::copy(s, s + 4, rng);
}

}  // namespace bp

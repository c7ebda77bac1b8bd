// lib/random.ts's generator in C++: xoshiro128** over four 32-bit words, one step per 32 bits, so
// that the kernels that draw (dropout masks, random fills) give the reference backend's numbers.
#pragma once
#include <cstdint>

namespace bp {

inline uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// One xoshiro128** step over s: lib/random.ts's nextU32.
inline uint32_t xoshiro_next(uint32_t* s) {
  const uint32_t result = rotl32(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl32(s[3], 11);
  return result;
}

// The 24 bits of one uniform draw (lib/random.ts's uniformFrom is this over 2^24).
inline uint32_t draw24(uint32_t* s) { return xoshiro_next(s) >> 8; }

}  // namespace bp

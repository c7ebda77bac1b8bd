#include "xoshiro.h"

#include <array>

namespace bp {
namespace {

// The generator's step is linear over GF(2) on its 128 state bits: a 128 x 128 bit matrix, kept as
// its columns (the state each unit state goes to), two 64-bit words each.
struct Bits128 {
  uint64_t lo = 0, hi = 0;
};
using Matrix = std::array<Bits128, 128>;

Bits128 pack(const uint32_t* s) { return {s[0] | (uint64_t)s[1] << 32, s[2] | (uint64_t)s[3] << 32}; }
void unpack(Bits128 v, uint32_t* s) {
  s[0] = (uint32_t)v.lo;
  s[1] = (uint32_t)(v.lo >> 32);
  s[2] = (uint32_t)v.hi;
  s[3] = (uint32_t)(v.hi >> 32);
}

Bits128 times(const Matrix& m, Bits128 v) {
  Bits128 r;
  for (int j = 0; j < 128; j++) {
    const uint64_t bit = j < 64 ? (v.lo >> j) & 1 : (v.hi >> (j - 64)) & 1;
    const uint64_t mask = 0 - bit;
    r.lo ^= m[j].lo & mask;
    r.hi ^= m[j].hi & mask;
  }
  return r;
}

constexpr int kLevels = 64;  // any jump a 64-bit count can ask for

// The step raised to the powers 1, 2, 4, ... 2^63.
struct Powers {
  std::array<Matrix, kLevels> m;
  Powers() {
    for (int j = 0; j < 128; j++) {
      uint32_t s[4] = {0, 0, 0, 0};
      s[j / 32] = 1u << (j % 32);
      xoshiro_next(s);
      m[0][j] = pack(s);
    }
    for (int i = 1; i < kLevels; i++)
      for (int j = 0; j < 128; j++) m[i][j] = times(m[i - 1], m[i - 1][j]);
  }
};

}  // namespace

void xoshiro_jump(uint32_t* s, uint64_t steps) {
  static const Powers powers;  // 128 KiB, built on first use (2.5 ms on Zen 4)
  Bits128 v = pack(s);
  for (int i = 0; steps != 0; i++, steps >>= 1)
    if (steps & 1) v = times(powers.m[i], v);
  unpack(v, s);
}

}  // namespace bp

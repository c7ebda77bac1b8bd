// How the AVX2 set (isa_kernels.inc: dot4_rows and dot_block) and the AVX-512 set (isa_avx512.cc:
// dot_block) finish each dot product, so that every path gives it the same bits (isa.test,
// parity.test's batch-1 rows against the few-column path): the 16 lanes' halves added
// (lane l and lane l + 8), the eight partial sums by dot4_rows' tree, then the depths past the last
// whole 16 as explicit FMAs (left to the compiler, the two sets' files contracted `s += x * w`
// differently). Static: each set's file keeps its own copy, never one merged across files compiled
// for different instruction sets (isa-symbols.test).
#pragma once

#include <cmath>
#include <cstddef>

namespace bp {

static inline float finish_dot(const float* lanes16, const float* x, const float* w, size_t from, size_t n) {
  float part[8];
  for (int l = 0; l < 8; l++) part[l] = lanes16[l] + lanes16[l + 8];
  float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
  for (size_t t = from; t < n; t++) s = std::fma(x[t], w[t], s);
  return s;
}

}  // namespace bp

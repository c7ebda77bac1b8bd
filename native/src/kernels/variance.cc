// Compiled without fused multiply-adds (CMakeLists.txt's NO_FUSED): every product and sum must round
// as the reference's do, on AArch64 too.
#include "variance.h"

#include <algorithm>
#include <cmath>

#include "../runtime/thread_pool.h"

namespace bp {
namespace {

// Columns summed side by side down the rows when inner > 1.
constexpr long kBlock = 64;
// Elements a thread's share of the work should hold at least.
constexpr long kGrainElements = 1 << 15;

double finish(double m2, long len, double correction, bool take_sqrt) {
  const double v = m2 / std::max(0.0, (double)len - correction);
  return take_sqrt ? std::sqrt(v) : v;
}

// term(x[l]) summed over a row into four partial sums (l mod 4): one chain of double adds, four
// cycles each, was the whole cost.
template <class Term>
double row_sum(const float* x, long len, Term term) {
  double p[4] = {0.0, 0.0, 0.0, 0.0};
  long l = 0;
  for (; l + 4 <= len; l += 4) {
    for (int k = 0; k < 4; k++) p[k] += term((double)x[l + k]);
  }
  for (; l < len; l++) p[l & 3] += term((double)x[l]);
  return (p[0] + p[1]) + (p[2] + p[3]);
}

void row_variance(const float* x, long len, double correction, bool take_sqrt, float* out) {
  const double mean = row_sum(x, len, [](double v) { return v; }) / (double)len;
  const double m2 = row_sum(x, len, [mean](double v) {
    const double d = v - mean;
    return d * d;
  });
  *out = (float)finish(m2, len, correction, take_sqrt);
}

// Columns [i0, i1) of one [len, inner] slice, each summed down the rows.
void column_variance(const float* x, long len, long inner, long i0, long i1, double correction, bool take_sqrt, float* out) {
  double sum[kBlock] = {}, m2[kBlock] = {}, mean[kBlock];
  const long w = i1 - i0;
  for (long l = 0; l < len; l++) {
    const float* row = x + l * inner + i0;
    for (long i = 0; i < w; i++) sum[i] += (double)row[i];
  }
  for (long i = 0; i < w; i++) mean[i] = sum[i] / (double)len;
  for (long l = 0; l < len; l++) {
    const float* row = x + l * inner + i0;
    for (long i = 0; i < w; i++) {
      const double d = (double)row[i] - mean[i];
      m2[i] += d * d;
    }
  }
  for (long i = 0; i < w; i++) out[i0 + i] = (float)finish(m2[i], len, correction, take_sqrt);
}

}  // namespace

void variance(const float* x, long outer, long len, long inner, double correction, bool take_sqrt, float* out) {
  // Work units: one row (inner 1), or one block of columns of one slice. Each unit's sums are its
  // own, so the bits do not depend on how the units are shared among threads.
  const long blocks = inner == 1 ? 1 : (inner + kBlock - 1) / kBlock;
  const long units = outer * blocks;
  const long unit_elems = std::max<long>(1, len * std::min(inner, kBlock));
  const size_t grain = (size_t)std::max<long>(1, kGrainElements / unit_elems);
  parallel_for((size_t)units, grain, [&](size_t u0, size_t u1) {
    for (size_t u = u0; u < u1; u++) {
      const long o = (long)u / blocks, b = (long)u % blocks;
      const float* slice = x + o * len * inner;
      if (inner == 1) {
        row_variance(slice, len, correction, take_sqrt, out + o);
      } else {
        const long i0 = b * kBlock, i1 = std::min(inner, i0 + kBlock);
        column_variance(slice, len, inner, i0, i1, correction, take_sqrt, out + o * inner);
      }
    }
  });
}

}  // namespace bp

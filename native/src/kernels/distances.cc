// cdist's distances and gradients (distances.h). Compiled with -ffp-contract=off: every product and
// sum is rounded as the reference twin's (lib/backend/reference/distances.ts), fused only where
// written (std::fma). The rows of x1 are
// cut between the threads, each output element computed by one thread in one order, so the bits do
// not depend on the thread count.
#include "distances.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../runtime/cpu.h"
#include "../runtime/thread_pool.h"
#include "distance_lanes.h"

namespace bp {
namespace {

// About this many element steps a chunk of rows, so that small calls stay on one thread.
constexpr long kChunkWork = 1L << 15;

// A multiple of four rows: the vector loop takes x1's rows four at a time (a chunk of one row had it
// compute four).
size_t rows_a_chunk(long other_rows, long cols) {
  return (size_t)std::max(1L, kChunkWork / std::max(1L, other_rows * std::max(1L, cols)) / 4) * 4;
}

template <int P>
float distance(const float* a, const float* c, long cols) {
  float acc = 0.0f;
  for (long k = 0; k < cols; k++) {
    const float d = a[k] - c[k];
    if (P == 2) {
      acc = std::fma(d, d, acc);  // one rounding, as the vectors' FMA
    } else if (P == 1) {
      acc = acc + std::fabs(d);
    } else {
      const float t = std::fabs(d);
      acc = t > acc || t != t ? t : acc;  // the largest; a NaN, once met, stays
    }
  }
  return P == 2 ? std::sqrt(acc) : acc;
}

template <int P>
void distance_rows(const float* x1, long rows, const float* x2, long rows2, long cols, float* out) {
  for (long i = 0; i < rows; i++)
    for (long j = 0; j < rows2; j++) out[i * rows2 + j] = distance<P>(x1 + i * cols, x2 + j * cols, cols);
}

#include "distance_grad.inc"

}  // namespace

void distances(const float* x1, const float* x2, long batch, long rows1, long rows2, long cols, int p, float* out) {
  if (batch == 0 || rows1 == 0 || rows2 == 0) return;
  static const bool avx2 = cpu_isa() >= Isa::kAvx2;
  const DistanceRun run = avx2 ? distance_rows_avx2() : nullptr;
  // x2's rows eight to a panel, a column of eight a vector load (zeros past the last row).
  const long panel_size = (rows2 + 7) / 8 * 8 * cols;
  std::vector<float> panels(run ? batch * panel_size : 0, 0.0f);
  if (run) {
    parallel_for((size_t)batch, 1, [&](size_t b0, size_t b1) {
      for (size_t b = b0; b < b1; b++)
        for (long j = 0; j < rows2; j++)
          for (long k = 0; k < cols; k++) panels[b * panel_size + (j / 8 * cols + k) * 8 + j % 8] = x2[(b * rows2 + j) * cols + k];
    });
  }
  parallel_for((size_t)(batch * rows1), rows_a_chunk(rows2, cols), [&](size_t lo, size_t hi) {
    for (long r = (long)lo; r < (long)hi;) {
      const long b = r / rows1, n = std::min((long)hi - r, rows1 - r % rows1);
      float* o = out + r * rows2;
      if (run) run(x1 + r * cols, cols, n, panels.data() + b * panel_size, rows2, cols, p, o, rows2);
      else if (p == 2) distance_rows<2>(x1 + r * cols, n, x2 + b * rows2 * cols, rows2, cols, o);
      else if (p == 1) distance_rows<1>(x1 + r * cols, n, x2 + b * rows2 * cols, rows2, cols, o);
      else distance_rows<0>(x1 + r * cols, n, x2 + b * rows2 * cols, rows2, cols, o);
      r += n;
    }
  });
}

void distances_grad(const float* x1, const float* x2, const float* dist, const float* g, long batch, long rows1, long rows2,
                    long cols, int p, float* gx1, float* gx2) {
  static const bool avx2 = cpu_isa() >= Isa::kAvx2;
  const DistanceGradRun vector_run = avx2 ? distance_grad_rows_avx2() : nullptr;
  const DistanceGradRun run = vector_run ? vector_run : grad_rows;
  // x1's rows: each summed over x2's rows in order (g and dist along a row).
  parallel_for((size_t)(batch * rows1), rows_a_chunk(rows2, cols), [&](size_t lo, size_t hi) {
    for (long r = (long)lo; r < (long)hi; r++) {
      float* gr = gx1 + r * cols;
      std::fill(gr, gr + cols, 0.0f);
      run(x1 + r * cols, x2 + r / rows1 * rows2 * cols, rows2, g + r * rows2, dist + r * rows2, 1, p, gr, cols);
    }
  });
  // x2's rows: each summed over x1's rows in order (g and dist down a column), differences x2 - x1.
  parallel_for((size_t)(batch * rows2), rows_a_chunk(rows1, cols), [&](size_t lo, size_t hi) {
    for (long r = (long)lo; r < (long)hi; r++) {
      const long b = r / rows2, j = r % rows2;
      float* gr = gx2 + r * cols;
      std::fill(gr, gr + cols, 0.0f);
      const long at = b * rows1 * rows2 + j;
      run(x2 + r * cols, x1 + b * rows1 * cols, rows1, g + at, dist + at, rows2, p, gr, cols);
    }
  });
}

}  // namespace bp

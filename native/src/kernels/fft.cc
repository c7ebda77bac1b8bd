// The discrete Fourier transform of rows of complex numbers: the twin of lib/backend/reference/fft.ts
// (mixed-radix Stockham passes of radix 4, 2 and odd primes where n's factors are small, Bluestein's
// chirp-z over a power-of-two convolution otherwise; the inverse as the conjugate's forward transform
// conjugated), the same doubles in the same order. The passes are fft_lanes.inc's, here for one row
// and for two at a time, in fft_avx2.cc for four. Compiled without fused multiply-adds
// (CMakeLists.txt) so that each product is rounded as the reference rounds it.
#include "fft.h"

#include <algorithm>
#include <utility>

#include "../runtime/cpu.h"
#include "../runtime/thread_pool.h"

namespace bp {

int fft_factors(long n, long* factors) {
  int count = 0;
  while (n % 4 == 0) {
    factors[count++] = 4;
    n /= 4;
  }
  if (n % 2 == 0) {
    factors[count++] = 2;
    n /= 2;
  }
  for (long p = 3; p * p <= n; p += 2) {
    while (n % p == 0) {
      factors[count++] = p;
      n /= p;
    }
  }
  if (n > 1) factors[count++] = n;
  return count;
}

namespace {

// Ten times pocketfft's cost guess of a direct length-n transform: n times the sum of its radices,
// those past 5 counted 1.1 times (in doubles: exact, and past a long's range for no n here).
double direct_cost(long n) {
  long factors[64];
  double sum = 0;
  for (int f = 0, count = fft_factors(n, factors); f < count; f++) sum += factors[f] <= 5 ? 10.0 * factors[f] : 11.0 * factors[f];
  return (double)n * sum;
}

}  // namespace

long fft_convolution_length(long n) {
  long m = 1;
  while (m < 2 * n - 1) m *= 2;
  return m == n || 3 * direct_cost(m) >= direct_cost(n) ? n : m;
}

long fft_direct_plan_length(long n) {
  long factors[64];
  long length = 0, l1 = 1;
  for (int f = 0, count = fft_factors(n, factors); f < count; f++) {
    const long p = factors[f], ido = n / (l1 * p);
    length += (p % 2 == 1 ? 2 * p : 0) + 2 * (p - 1) * (ido - 1);
    l1 *= p;
  }
  return length;
}

long fft_plan_length(long n) {
  const long m = fft_convolution_length(n);
  return fft_direct_plan_length(m) + (m != n ? 2 * n + 2 * m : 0);
}

long real_fft_plan_length(long n) { return fft_plan_length(n / 2) + n; }

FftRowLengths fft_row_lengths(FftKind kind, long n) {
  if (kind == FftKind::kRealForward) return {n, n + 2};
  if (kind == FftKind::kRealInverse) return {n + 2, n};
  return {2 * n, 2 * n};
}

namespace {
namespace one_lane {
typedef double V __attribute__((vector_size(8)));
constexpr int kLanes = 1;
#include "fft_lanes.inc"
}  // namespace one_lane

namespace two_lanes {
typedef double V __attribute__((vector_size(16)));
constexpr int kLanes = 2;
#include "fft_lanes.inc"
}  // namespace two_lanes

// Rows [r0, r1) of the kind: as many as the widest lanes allowed take, the rest one at a time.
void transform_rows(const float* x, long n, long r0, long r1, FftKind kind, const double* plan, float* out) {
  static const FftRun wide = cpu_isa() >= Isa::kAvx2 && fft_run_avx2() ? fft_run_avx2() : two_lanes::run_lanes;
  const FftRowLengths row = fft_row_lengths(kind, n);
  const long done = r0 + wide(x + row.in * r0, n, r1 - r0, kind, plan, out + row.out * r0);
  one_lane::run_lanes(x + row.in * done, n, r1 - done, kind, plan, out + row.out * done);
}

// count rows of the kind cut across the pool: about 2^13 complex numbers of rows a chunk (a wake-up
// of the pool pays for itself past that), in fours so that the vector lanes stay full.
void rows(const float* x, long n, long count, FftKind kind, const double* plan, float* out) {
  if (n == 0 || count == 0) return;
  const bool real = kind == FftKind::kRealForward || kind == FftKind::kRealInverse;
  const long grain = std::max(1L, 8192 / fft_convolution_length(real ? n / 2 : n) / 4) * 4;
  parallel_for((size_t)count, (size_t)grain, [&](size_t r0, size_t r1) { transform_rows(x, n, (long)r0, (long)r1, kind, plan, out); });
}

}  // namespace

void fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out) {
  rows(x, n, count, inverse ? FftKind::kInverse : FftKind::kForward, plan, out);
}

void real_fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out) {
  rows(x, n, count, inverse ? FftKind::kRealInverse : FftKind::kRealForward, plan, out);
}

}  // namespace bp

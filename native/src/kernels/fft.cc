// The discrete Fourier transform of rows of complex numbers: the twin of lib/backend/reference/fft.ts
// (mixed-radix Stockham passes of radix 4, 2 and odd primes where n's factors are small, Bluestein's
// chirp-z over a power-of-two convolution otherwise; the inverse as the conjugate's forward transform
// conjugated), the same doubles in the same order. The passes are fft_lanes.inc's, here for one row
// and for two at a time, in fft_avx2.cc for four. Direct transforms of 2^16 and more go in four steps
// (fft_four_step): a row alone had one lane and one thread (fft of 2^16 complex samples 0.90 -> 0.42
// ms at one thread, 0.22 at two; session 62, docs/performance.md). Compiled without fused
// multiply-adds (CMakeLists.txt) so that each product is rounded as the reference rounds it.
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

bool fft_four_step_split(long n, long* n1, long* n2) {
  constexpr long kFrom = 65536;  // the reference's FOUR_STEP_FROM
  if (n < kFrom) return false;
  long factors[64], a = 1;
  for (int f = 0, count = fft_factors(n, factors); f < count && a * a < n; f++) a *= factors[f];
  const long b = n / a;
  if (a < 16 || b < 16 || a >= kFrom || b >= kFrom) return false;
  *n1 = a;
  *n2 = b;
  return true;
}

long fft_direct_plan_length(long n) {
  long n1, n2;
  if (fft_four_step_split(n, &n1, &n2)) return fft_direct_plan_length(n1) + fft_direct_plan_length(n2) + 2 * fft_four_step_half(n1, n2);
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

FftRowLengths fft_row_steps(FftKind kind, long n, const FftLayout& layout) {
  FftRowLengths step = fft_row_lengths(kind, n);
  if (layout.bin_stride > 0) (kind == FftKind::kRealForward ? step.out : step.in) = 2;
  if (layout.hop > 0) step.in = layout.hop;
  return step;
}

namespace {
namespace one_lane {
typedef double V __attribute__((vector_size(8)));
constexpr int kLanes = 1;

// fft_lanes.inc's load_complex and store_complex for one row, whose vectors are plain doubles: loops
// the compiler vectorizes (lane by lane through V, the conversions of a long row took a fifth of its
// four-step transform). Times 1.0 where conj is null: exact, as the reference's conj of 1.
inline void load_complex(const float* x, long, long count, V* z, const double* conj) {
  double* const d = reinterpret_cast<double*>(z);
  const double c = conj != nullptr ? *conj : 1.0;
  for (long k = 0; k < count; k++) {
    d[2 * k] = x[2 * k];
    d[2 * k + 1] = c * x[2 * k + 1];
  }
}

inline void store_complex(float* out, long, long count, const V* z, const double* conj) {
  const double* const d = reinterpret_cast<const double*>(z);
  const double c = conj != nullptr ? *conj : 1.0;
  for (long k = 0; k < count; k++) {
    out[2 * k] = (float)d[2 * k];
    out[2 * k + 1] = (float)(c * d[2 * k + 1]);
  }
}

#define FFT_LANES_OWN_COPIES
#include "fft_lanes.inc"
#undef FFT_LANES_OWN_COPIES
}  // namespace one_lane

namespace two_lanes {
typedef double V __attribute__((vector_size(16)));
constexpr int kLanes = 2;
#include "fft_lanes.inc"
}  // namespace two_lanes

// The widest set's four steps: four columns a vector with AVX2, else two.
FftFourStep widest_four_step() {
  static const FftFourStep wide = cpu_isa() >= Isa::kAvx2 && fft_four_step_avx2().groups ? fft_four_step_avx2() : FftFourStep{two_lanes::four_step_groups, two_lanes::kLanes};
  return wide;
}

// Rows [r0, r1) of the kind: as many as the widest lanes allowed take, the rest one at a time.
void transform_rows(const float* x, long n, long r0, long r1, FftKind kind, const double* plan, float* out, const FftLayout& layout) {
  static const FftRun wide = cpu_isa() >= Isa::kAvx2 && fft_run_avx2() ? fft_run_avx2() : two_lanes::run_lanes;
  const FftRowLengths step = fft_row_steps(kind, n, layout);
  const long done = r0 + wide(x + step.in * r0, n, r1 - r0, kind, plan, out + step.out * r0, layout);
  one_lane::run_lanes(x + step.in * done, n, r1 - done, kind, plan, out + step.out * done, layout);
}

// count rows of the kind cut across the pool: about 2^13 complex numbers of rows a chunk (a wake-up
// of the pool pays for itself past that), in fours so that the vector lanes stay full. The layout as
// fft_row_steps takes it.
void rows(const float* x, long n, long count, FftKind kind, const double* plan, float* out, const FftLayout& layout = {}) {
  if (n == 0 || count == 0) return;
  const bool real = kind == FftKind::kRealForward || kind == FftKind::kRealInverse;
  const long m = fft_convolution_length(real ? n / 2 : n);
  long n1, n2;
  if (fft_four_step_split(m, &n1, &n2)) {
    // Long rows go in four steps, whose columns and rows fill the lanes. Fewer rows than threads: one
    // row at a time, all of its steps cut across the pool (with only the four steps cut, a row of
    // 2^20 reals ran 1.33x faster at two threads than at one). More: a row a thread.
    const FftRowLengths step = fft_row_steps(kind, n, layout);
    if (count < ThreadPool::instance().threads()) {
      one_lane::Scratch scratch;
      const auto pooled = [](long size, auto body) { parallel_for((size_t)size, 8192, [&](size_t k0, size_t k1) { body((long)k0, (long)k1); }); };
      for (long r = 0; r < count; r++) one_lane::transform_lanes(x + step.in * r, n, kind, plan, out + step.out * r, layout, scratch, pooled);
      return;
    }
    parallel_for((size_t)count, 1, [&](size_t r0, size_t r1) { one_lane::run_lanes(x + step.in * r0, n, (long)(r1 - r0), kind, plan, out + step.out * r0, layout); });
    return;
  }
  const long grain = std::max(1L, 8192 / m / 4) * 4;
  parallel_for((size_t)count, (size_t)grain, [&](size_t r0, size_t r1) { transform_rows(x, n, (long)r0, (long)r1, kind, plan, out, layout); });
}

}  // namespace

void fft_four_step(double* z, double* t, long n1, long n2, const double* plan, const FftFourStepOut& out) {
  const FftFourStep set = widest_four_step();
  // The columns' transforms all done before the rows read them: two passes over the pool, each
  // cut at whole groups (about 2^13 complex numbers a chunk).
  for (int phase = 0; phase < 2; phase++) {
    const long length = phase == 0 ? n1 : n2, groups = ((phase == 0 ? n2 : n1) + set.lanes - 1) / set.lanes;
    parallel_for((size_t)groups, (size_t)std::max(1L, 8192 / (length * set.lanes)), [&](size_t g0, size_t g1) { set.groups(phase, (long)g0, (long)g1, z, t, n1, n2, plan, out); });
  }
}

void fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out) {
  rows(x, n, count, inverse ? FftKind::kInverse : FftKind::kForward, plan, out);
}

void real_fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out, long block, long hop, const float* window) {
  const FftKind kind = inverse ? FftKind::kRealInverse : FftKind::kRealForward;
  if (block == 0) {
    rows(x, n, count, kind, plan, out, {0, hop, window});
    return;
  }
  const FftRowLengths row = fft_row_lengths(kind, n), step = fft_row_steps(kind, n, {0, hop, nullptr});
  for (long b = 0; b < count / block; b++) rows(x + b * block * step.in, n, block, kind, plan, out + b * block * row.out, {2 * block, hop, window});
}

}  // namespace bp

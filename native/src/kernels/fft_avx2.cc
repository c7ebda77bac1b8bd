// fft.h's transform four rows at a time, one per lane of a 256-bit vector of doubles: fft_lanes.inc
// compiled with -mavx2 and without fused multiply-adds (CMakeLists.txt), so the same bits as the
// one-lane loop and the reference twin; the rows moved into and out of the lanes by transposes in
// registers.
#include <algorithm>
#include <utility>

#include "fft.h"

#if defined(__AVX2__)
#include <immintrin.h>

namespace bp {
namespace {
typedef double V __attribute__((vector_size(32)));
constexpr int kLanes = 4;

// fft_lanes.inc's load_complex: two complex numbers of each of the four rows a step (four floats a
// row, widened), turned from rows into lanes by a 4 x 4 transpose in registers; one at a time at
// the end. The values as the generic loop's (widening and shuffles are exact).
inline void load_complex(const float* x, long stride, long count, V* z, const double* conj) {
  long k = 0;
  for (; k + 1 < count; k += 2) {
    const float* p = x + 2 * k;
    const __m256d a = _mm256_cvtps_pd(_mm_loadu_ps(p)), b = _mm256_cvtps_pd(_mm_loadu_ps(p + stride));
    const __m256d c = _mm256_cvtps_pd(_mm_loadu_ps(p + 2 * stride)), d = _mm256_cvtps_pd(_mm_loadu_ps(p + 3 * stride));
    const __m256d t0 = _mm256_unpacklo_pd(a, b), t1 = _mm256_unpackhi_pd(a, b);  // a0 b0 a2 b2, a1 b1 a3 b3
    const __m256d t2 = _mm256_unpacklo_pd(c, d), t3 = _mm256_unpackhi_pd(c, d);
    const V i0 = (V)_mm256_permute2f128_pd(t1, t3, 0x20), i1 = (V)_mm256_permute2f128_pd(t1, t3, 0x31);
    z[2 * k] = (V)_mm256_permute2f128_pd(t0, t2, 0x20);
    z[2 * k + 1] = conj != nullptr ? *conj * i0 : i0;
    z[2 * k + 2] = (V)_mm256_permute2f128_pd(t0, t2, 0x31);
    z[2 * k + 3] = conj != nullptr ? *conj * i1 : i1;
  }
  for (; k < count; k++) {
    const float* p = x + 2 * k;
    const V re = {p[0], p[stride], p[2 * stride], p[3 * stride]}, im = {p[1], p[stride + 1], p[2 * stride + 1], p[3 * stride + 1]};
    z[2 * k] = re;
    z[2 * k + 1] = conj != nullptr ? *conj * im : im;
  }
}

// fft_lanes.inc's store_complex: the transpose back, each row's two complex numbers rounded to
// floats together (as the scalar casts round them).
inline void store_complex(float* out, long stride, long count, const V* z, const double* conj) {
  long k = 0;
  for (; k + 1 < count; k += 2) {
    const __m256d r0 = (__m256d)z[2 * k], r1 = (__m256d)z[2 * k + 2];
    const __m256d i0 = (__m256d)(conj != nullptr ? *conj * z[2 * k + 1] : z[2 * k + 1]);
    const __m256d i1 = (__m256d)(conj != nullptr ? *conj * z[2 * k + 3] : z[2 * k + 3]);
    const __m256d t0 = _mm256_unpacklo_pd(r0, i0), t1 = _mm256_unpackhi_pd(r0, i0);  // row 0 and 2's, row 1 and 3's
    const __m256d t2 = _mm256_unpacklo_pd(r1, i1), t3 = _mm256_unpackhi_pd(r1, i1);
    float* p = out + 2 * k;
    _mm_storeu_ps(p, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t0, t2, 0x20)));
    _mm_storeu_ps(p + stride, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t1, t3, 0x20)));
    _mm_storeu_ps(p + 2 * stride, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t0, t2, 0x31)));
    _mm_storeu_ps(p + 3 * stride, _mm256_cvtpd_ps(_mm256_permute2f128_pd(t1, t3, 0x31)));
  }
  for (; k < count; k++) {
    const V re = z[2 * k], im = conj != nullptr ? *conj * z[2 * k + 1] : z[2 * k + 1];
    for (int l = 0; l < kLanes; l++) {
      out[l * stride + 2 * k] = (float)re[l];
      out[l * stride + 2 * k + 1] = (float)im[l];
    }
  }
}

// The four steps' lanes hold their four columns (rows) in the order 0, 2, 1, 3: the order two
// complex numbers a 128-bit half come apart in by one unpack, so that no lane-crossing shuffle is
// needed on the way in or out (only the twiddles', a vector of four a load). The lanes are
// independent columns: their order changes no bit. kPlace[l] is the lane of element l (and the
// element of lane l); lane 0 holds element 0, as four_step_groups' untwiddled column 0 needs.
constexpr int kPlace[kLanes] = {0, 2, 1, 3};

// fft_lanes.inc's load_pairs: four complex doubles, two 128-bit loads a vector, split into real and
// imaginary lanes by one unpack each (in kPlace's order); fewer at a group's end lane by lane.
inline void load_pairs(const double* p, long stride, long lanes, V* re, V* im) {
  if (lanes < kLanes) {
    double r[kLanes] = {}, i[kLanes] = {};
    for (long l = 0; l < lanes; l++) {
      r[kPlace[l]] = p[l * stride];
      i[kPlace[l]] = p[l * stride + 1];
    }
    *re = (V)_mm256_loadu_pd(r);
    *im = (V)_mm256_loadu_pd(i);
    return;
  }
  const __m256d a = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(p)), _mm_loadu_pd(p + stride), 1);  // r0 i0 r1 i1
  const __m256d b = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(p + 2 * stride)), _mm_loadu_pd(p + 3 * stride), 1);
  *re = (V)_mm256_unpacklo_pd(a, b);  // r0 r2 r1 r3
  *im = (V)_mm256_unpackhi_pd(a, b);
}

// fft_lanes.inc's twiddles: four consecutive doubles in kPlace's order.
inline V twiddles(const double* p, long lanes) {
  if (lanes < kLanes) {
    double w[kLanes] = {};
    for (long l = 0; l < lanes; l++) w[kPlace[l]] = p[l];
    return (V)_mm256_loadu_pd(w);
  }
  return (V)_mm256_permute4x64_pd(_mm256_loadu_pd(p), 0xD8);
}

// fft_lanes.inc's store_pairs: the unpacks back (kPlace's order to memory's), a complex number a
// 128-bit store.
inline void store_pairs(double* p, long stride, long lanes, V re, V im) {
  if (lanes < kLanes) {
    for (long l = 0; l < lanes; l++) {
      p[l * stride] = re[kPlace[l]];
      p[l * stride + 1] = im[kPlace[l]];
    }
    return;
  }
  const __m256d a = _mm256_unpacklo_pd((__m256d)re, (__m256d)im), b = _mm256_unpackhi_pd((__m256d)re, (__m256d)im);  // r0 i0 r1 i1, r2 i2 r3 i3
  // four stores written out: as a loop the compiler made it a memcpy call
  _mm_storeu_pd(p, _mm256_castpd256_pd128(a));
  _mm_storeu_pd(p + stride, _mm256_extractf128_pd(a, 1));
  _mm_storeu_pd(p + 2 * stride, _mm256_castpd256_pd128(b));
  _mm_storeu_pd(p + 3 * stride, _mm256_extractf128_pd(b, 1));
}

// fft_lanes.inc's store_float_pairs: the unpacks back, rounded to floats (as the scalar casts
// round), one store.
inline void store_float_pairs(float* p, long lanes, double conj, V re, V im) {
  im = conj * im;
  if (lanes < kLanes) {
    for (long l = 0; l < lanes; l++) {
      p[2 * l] = (float)re[kPlace[l]];
      p[2 * l + 1] = (float)im[kPlace[l]];
    }
    return;
  }
  const __m128 a = _mm256_cvtpd_ps(_mm256_unpacklo_pd((__m256d)re, (__m256d)im)), b = _mm256_cvtpd_ps(_mm256_unpackhi_pd((__m256d)re, (__m256d)im));
  _mm256_storeu_ps(p, _mm256_insertf128_ps(_mm256_castps128_ps256(a), b, 1));
}

// fft_lanes.inc's load_bins: the four rows' bin k as eight floats side by side, one load, widened
// and split into real and imaginary lanes.
inline void load_bins(const float* x, long bin_stride, long count, V* z) {
  for (long k = 0; k < count; k++) {
    const __m256 f = _mm256_loadu_ps(x + k * bin_stride);
    const __m256d a = _mm256_cvtps_pd(_mm256_castps256_ps128(f)), b = _mm256_cvtps_pd(_mm256_extractf128_ps(f, 1));  // r0 i0 r1 i1, r2 i2 r3 i3
    const __m256d t0 = _mm256_permute2f128_pd(a, b, 0x20), t1 = _mm256_permute2f128_pd(a, b, 0x31);  // r0 i0 r2 i2, r1 i1 r3 i3
    z[2 * k] = (V)_mm256_unpacklo_pd(t0, t1);
    z[2 * k + 1] = (V)_mm256_unpackhi_pd(t0, t1);
  }
}

// fft_lanes.inc's load_windowed: load_complex's transpose, each row's four floats first multiplied
// by the window's (float products, as the generic loop's).
inline void load_windowed(const float* x, long stride, long count, V* z, const float* w) {
  long k = 0;
  for (; k + 1 < count; k += 2) {
    const float* p = x + 2 * k;
    const __m128 wk = _mm_loadu_ps(w + 2 * k);
    const __m256d a = _mm256_cvtps_pd(_mm_mul_ps(_mm_loadu_ps(p), wk)), b = _mm256_cvtps_pd(_mm_mul_ps(_mm_loadu_ps(p + stride), wk));
    const __m256d c = _mm256_cvtps_pd(_mm_mul_ps(_mm_loadu_ps(p + 2 * stride), wk)), d = _mm256_cvtps_pd(_mm_mul_ps(_mm_loadu_ps(p + 3 * stride), wk));
    const __m256d t0 = _mm256_unpacklo_pd(a, b), t1 = _mm256_unpackhi_pd(a, b);  // a0 b0 a2 b2, a1 b1 a3 b3
    const __m256d t2 = _mm256_unpacklo_pd(c, d), t3 = _mm256_unpackhi_pd(c, d);
    z[2 * k] = (V)_mm256_permute2f128_pd(t0, t2, 0x20);
    z[2 * k + 1] = (V)_mm256_permute2f128_pd(t1, t3, 0x20);
    z[2 * k + 2] = (V)_mm256_permute2f128_pd(t0, t2, 0x31);
    z[2 * k + 3] = (V)_mm256_permute2f128_pd(t1, t3, 0x31);
  }
  for (; k < count; k++) {
    const float* p = x + 2 * k;
    const float wr = w[2 * k], wi = w[2 * k + 1];
    z[2 * k] = V{p[0] * wr, p[stride] * wr, p[2 * stride] * wr, p[3 * stride] * wr};
    z[2 * k + 1] = V{p[1] * wi, p[stride + 1] * wi, p[2 * stride + 1] * wi, p[3 * stride + 1] * wi};
  }
}

// fft_lanes.inc's store_bins: the four rows' bin k interleaved, rounded (as the scalar casts round)
// and written as eight floats, one store.
inline void store_bins(float* out, long bin_stride, long count, const V* z) {
  for (long k = 0; k < count; k++) {
    const __m256d lo = _mm256_unpacklo_pd((__m256d)z[2 * k], (__m256d)z[2 * k + 1]), hi = _mm256_unpackhi_pd((__m256d)z[2 * k], (__m256d)z[2 * k + 1]);  // r0 i0 r2 i2, r1 i1 r3 i3
    const __m128 a = _mm256_cvtpd_ps(_mm256_permute2f128_pd(lo, hi, 0x20)), b = _mm256_cvtpd_ps(_mm256_permute2f128_pd(lo, hi, 0x31));
    _mm256_storeu_ps(out + k * bin_stride, _mm256_insertf128_ps(_mm256_castps128_ps256(a), b, 1));
  }
}

#define FFT_LANES_OWN_COPIES
#define FFT_LANES_OWN_PAIRS
#define FFT_LANES_OWN_BINS
#include "fft_lanes.inc"
}  // namespace

FftRun fft_run_avx2() { return run_lanes; }
FftFourStep fft_four_step_avx2() { return {four_step_groups, kLanes}; }

}  // namespace bp
#else
namespace bp {
FftRun fft_run_avx2() { return nullptr; }
FftFourStep fft_four_step_avx2() { return {nullptr, 0}; }
}  // namespace bp
#endif

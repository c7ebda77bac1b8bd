// cdist's distances with eight rows of x2 in the lanes of a vector (distance_lanes.h): each lane is
// distances.cc's scalar arithmetic in the same order (this file is compiled with -mavx2 -mfma and
// -ffp-contract=off: only the FMA written below fuses, as distances.cc's std::fma), so the same bits
// as the reference twin. Four rows of x1 against sixteen of x2 a pass keep eight sums in registers.
#include "distance_lanes.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>

namespace bp {
namespace {

#include "distance_grad.inc"

// One column's step of a sum (p 1, 2) or maximum (p 0: infinity) for x1's element a against eight
// of x2's (c).
template <int P>
inline __m256 step(__m256 acc, __m256 a, __m256 c) {
  const __m256 d = _mm256_sub_ps(a, c);
  if (P == 2) return _mm256_fmadd_ps(d, d, acc);
  const __m256 t = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), d);
  if (P == 1) return _mm256_add_ps(acc, t);
  // The largest; a NaN, once met, stays (compared with it, nothing is larger and nothing unordered).
  return _mm256_blendv_ps(acc, t, _mm256_or_ps(_mm256_cmp_ps(t, acc, _CMP_GT_OQ), _mm256_cmp_ps(t, t, _CMP_UNORD_Q)));
}

template <int P>
inline void store(float* out, __m256 acc, long count) {
  if (P == 2) acc = _mm256_sqrt_ps(acc);
  if (count >= 8) {
    _mm256_storeu_ps(out, acc);
  } else {
    const __m256i first = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(out, first, acc);
  }
}

// Up to four rows of x1 (a missing row reads row 0 again and is not stored) against one or two
// panels of x2 (`pair`), columns jb * 8 on.
template <int P, bool kPair>
inline void block(const float* const* a, long rows, const float* panel, long jb, long rows2, long cols, float* out, long ldo) {
  const float* p0 = panel + jb * cols * 8;
  const float* p1 = p0 + cols * 8;
  __m256 s00 = _mm256_setzero_ps(), s10 = s00, s20 = s00, s30 = s00, s01 = s00, s11 = s00, s21 = s00, s31 = s00;
  for (long k = 0; k < cols; k++) {
    const __m256 v0 = _mm256_loadu_ps(p0 + k * 8);
    const __m256 b0 = _mm256_broadcast_ss(a[0] + k), b1 = _mm256_broadcast_ss(a[1] + k), b2 = _mm256_broadcast_ss(a[2] + k),
                 b3 = _mm256_broadcast_ss(a[3] + k);
    s00 = step<P>(s00, b0, v0);
    s10 = step<P>(s10, b1, v0);
    s20 = step<P>(s20, b2, v0);
    s30 = step<P>(s30, b3, v0);
    if (kPair) {
      const __m256 v1 = _mm256_loadu_ps(p1 + k * 8);
      s01 = step<P>(s01, b0, v1);
      s11 = step<P>(s11, b1, v1);
      s21 = step<P>(s21, b2, v1);
      s31 = step<P>(s31, b3, v1);
    }
  }
  const __m256 first[4] = {s00, s10, s20, s30}, second[4] = {s01, s11, s21, s31};
  const long j = jb * 8;
  for (long r = 0; r < rows; r++) {
    store<P>(out + r * ldo + j, first[r], rows2 - j);
    if (kPair) store<P>(out + r * ldo + j + 8, second[r], rows2 - j - 8);
  }
}

template <int P>
void rows_of(const float* x1, long ld1, long rows, const float* panel, long rows2, long cols, float* out, long ldo) {
  const long panels = (rows2 + 7) / 8;
  for (long i = 0; i < rows; i += 4) {
    const long n = std::min(4L, rows - i);
    const float* a0 = x1 + i * ld1;
    const float* a[4] = {a0, n > 1 ? a0 + ld1 : a0, n > 2 ? a0 + 2 * ld1 : a0, n > 3 ? a0 + 3 * ld1 : a0};
    long jb = 0;
    for (; jb + 2 <= panels; jb += 2) block<P, true>(a, n, panel, jb, rows2, cols, out + i * ldo, ldo);
    if (jb < panels) block<P, false>(a, n, panel, jb, rows2, cols, out + i * ldo, ldo);
  }
}

void rows_avx2(const float* x1, long ld1, long rows, const float* panel, long rows2, long cols, int p, float* out, long ldo) {
  if (p == 2) rows_of<2>(x1, ld1, rows, panel, rows2, cols, out, ldo);
  else if (p == 1) rows_of<1>(x1, ld1, rows, panel, rows2, cols, out, ldo);
  else rows_of<0>(x1, ld1, rows, panel, rows2, cols, out, ldo);
}

}  // namespace

DistanceRun distance_rows_avx2() { return rows_avx2; }
DistanceGradRun distance_grad_rows_avx2() { return grad_rows; }

}  // namespace bp

#else

namespace bp {
DistanceRun distance_rows_avx2() { return nullptr; }
DistanceGradRun distance_grad_rows_avx2() { return nullptr; }
}  // namespace bp

#endif

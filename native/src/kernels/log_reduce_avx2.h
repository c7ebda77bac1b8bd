// The reduction of log(u) for lanes of 4 doubles, shared by the AVX2 kernel set (isa_kernels.inc:
// log1p4d, log2_4d) and the special functions' lanes (special_avx2.cc), each summing the series of
// the reduced argument to its own length. Only where AVX2 and FMA are compiled for.
#pragma once

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace bp {

// The reduction of log(u) for 4 doubles u > 0 (normal): u = 2^k m with m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716. Returns s, k in *k.
inline __m256d log_reduce4d(__m256d u, __m256d* k) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256i bits = _mm256_castpd_si256(u);
  const __m256d m1 = _mm256_castsi256_pd(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL)), _mm256_set1_epi64x(0x3ff0000000000000LL)));
  const __m256d big = _mm256_cmp_pd(m1, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
  const __m256d m = _mm256_blendv_pd(m1, _mm256_mul_pd(m1, _mm256_set1_pd(0.5)), big);
  // The biased exponent e (u > 0) under the bits of 2^52 is the double 2^52 + e.
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
  const __m256d e = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_castpd_si256(two52)));
  *k = _mm256_add_pd(_mm256_sub_pd(e, _mm256_set1_pd(4503599627370496.0 + 1023.0)), _mm256_and_pd(big, one));
  return _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
}

}  // namespace bp
#endif

// Functions of lanes of 4 doubles shared by the AVX2 kernel set (isa_kernels.inc) and the special
// functions' lanes (special_avx2.cc): log's reduction (each caller sums the series of the reduced
// argument to its own length), log to about an ulp of a double, log1p of any double, 2^t, and erf /
// erfc. Only where AVX2 and FMA are compiled for; each static, so that no out-of-line copy with AVX
// instructions is merged with another file's (test/isa-symbols.test.ts).
#pragma once

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <initializer_list>

namespace bp {

// The reduction of log(u) for 4 doubles u > 0 (normal): u = 2^k m with m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716. Returns s, k in *k.
static inline __m256d log_reduce4d(__m256d u, __m256d* k) {
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

// log of 4 positive, finite, normal doubles: u = 2^k m with m in [sqrt(1/2), sqrt(2)), log m =
// 2 atanh(s) = 2 (s + s^3 / 3 + ... + s^23 / 23), s = (m - 1) / (m + 1), |s| <= 0.1716 (the first
// omitted term below 1e-19 of the sum), and k ln 2 in two parts (ln2_hi's low bits are zero, so k
// ln2_hi is exact). About an ulp of a double, as the C library's.
static inline __m256d log4d(__m256d u) {
  __m256d k;
  const __m256d s = log_reduce4d(u, &k);
  const __m256d z = _mm256_mul_pd(s, s);
  __m256d p = _mm256_set1_pd(1.0 / 23);
  for (const double c : {1.0 / 21, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3})
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(c));
  const __m256d two_s = _mm256_add_pd(s, s);
  // 2s + (2s z p + k ln2_lo), then k ln2_hi added last.
  const __m256d rest = _mm256_fmadd_pd(_mm256_mul_pd(two_s, z), p, _mm256_mul_pd(k, _mm256_set1_pd(1.9082149292705877e-10)));
  return _mm256_add_pd(_mm256_mul_pd(k, _mm256_set1_pd(0.69314718036912382)), _mm256_add_pd(two_s, rest));
}

// log1p(v) for 4 doubles v > -1 of any precision (not only floats, whose 1 + v is exact): 1 + v
// rounded to u, log u, and the part of v that u lost, exact by Knuth's two-sum, divided by u (a
// correction below half an ulp of u).
static inline __m256d log1p_any4d(__m256d v) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d u = _mm256_add_pd(one, v);
  const __m256d v_kept = _mm256_sub_pd(u, one);
  const __m256d lost = _mm256_add_pd(_mm256_sub_pd(one, _mm256_sub_pd(u, v_kept)), _mm256_sub_pd(v, v_kept));
  return _mm256_add_pd(log4d(u), _mm256_div_pd(lost, u));
}

// 2^t for 4 doubles t in [-126, 126], N groups: t = k + r, |r| <= 1/2, e^(r ln 2) by its Taylor
// series to the 13th power (the rest below 5e-18), times 2^k from k's bits in the exponent field.
template <int N>
static inline void exp2_4d(const __m256d* t, __m256d* out) {
  constexpr double kInvFact[14] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
                                   1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
  __m256d k[N], u[N], p[N];
  for (int g = 0; g < N; g++) {
    k[g] = _mm256_round_pd(t[g], _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    u[g] = _mm256_mul_pd(_mm256_sub_pd(t[g], k[g]), _mm256_set1_pd(0.69314718055994531));
    p[g] = _mm256_set1_pd(kInvFact[13]);
  }
  for (int j = 12; j >= 0; j--) {
    for (int g = 0; g < N; g++) p[g] = _mm256_fmadd_pd(p[g], u[g], _mm256_set1_pd(kInvFact[j]));
  }
  for (int g = 0; g < N; g++) {
    const __m256i ki = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k[g]));
    out[g] = _mm256_mul_pd(p[g], _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(ki, _mm256_set1_epi64x(1023)), 52)));
  }
}

// erf and erfc of floats in double lanes, rounded once: within about 1e-14 of the exact values, so
// the floats are the correctly rounded ones but for ties that close (the C library's erff and erfcf,
// one float at a time, took 11-13 ns an element; torch's vector ones 4-5). Below |x| = 1 erf's Taylor
// series to x^35 (the first omitted term below 1e-17); from 1 on erfc(x) = e^(-x^2) erfcx(x), erfcx by
// Chebyshev series of degree 20 on [1, 4] and [4, 10.1] (fitted at 6000 Chebyshev nodes to torch's
// double erfcx), e^(-x^2) as 2^t (x^2 is exact in double); past 10.1 erfc is below half the
// smallest float.
static inline __m256d erf_taylor4d(__m256d x) {
  constexpr double kTaylor[18] = {-9.0639708428086728e-17, 1.6342614095367152e-15, -2.7835162072109215e-14, 4.4632242632864775e-13,
                                  -6.7113668551641105e-12, 9.4227590646504113e-11, -1.2290555301717928e-09, 1.4807192815879218e-08,
                                  -1.6365844691234924e-07, 1.6462114365889248e-06, -1.492565035840625e-05, 0.00012055332981789664,
                                  -0.00085483270234508533, 0.0052239776254421879, -0.026866170645131252, 0.11283791670955126,
                                  -0.37612638903183754, 1.1283791670955126};
  const __m256d z = _mm256_mul_pd(x, x);
  __m256d p = _mm256_set1_pd(kTaylor[0]);
  for (int k = 1; k < 18; k++) p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(kTaylor[k]));
  return _mm256_mul_pd(x, p);
}
// erfc(a) for 4 doubles a in [1, 10.1]: erfcx's two series as polynomials in t (powers highest
// first: the Chebyshev coefficients converted, Horner's rule 1 FMA a coefficient where Clenshaw's
// recurrence took 2; relative error 6.9e-15 and 8.7e-15 over 400001 points).
static inline __m256d erfc_tail4d(__m256d a) {
  constexpr double kNear[21] = {2.6313713834644687e-09, -8.0845178808353447e-09, 1.1570210687018882e-08, -3.592772931045959e-08,
                                1.3627839370578212e-07, -3.9790571306963173e-07, 1.1103874024821517e-06, -3.1382425260184816e-06,
                                8.7133241031829489e-06, -2.3614042453205459e-05, 6.2578637867352169e-05, -0.00016201035863202005,
                                0.00040908501086883432, -0.0010058316998231573, 0.0024036476630929999, -0.0055707061535113581,
                                0.012489373881042005, -0.02700529666579117, 0.056110493444937924, -0.11152102018467488, 0.21080636406114373};
  constexpr double kFar[21] = {1.3142251776222048e-09, -3.4562328522132986e-09, 2.5534652558050659e-09, -7.4867441108784911e-09,
                               3.507012588550556e-08, -9.1724739099101441e-08, 2.2306178939823465e-07, -5.8542972118613577e-07,
                               1.5357092883139669e-06, -3.9614817854223158e-06, 1.0140290317896513e-05, -2.5780159159760391e-05,
                               6.5042659151781393e-05, -0.00016281567561843014, 0.00040431185720609107, -0.00099581513177467618,
                               0.0024321903583586968, -0.0058895685063794275, 0.014136503897691277, -0.033625856255755315, 0.07924498554553086};
  const __m256d far = _mm256_cmp_pd(a, _mm256_set1_pd(4.0), _CMP_GE_OQ);
  // t in [-1, 1] on each lane's interval: (2a - (lo + hi)) / (hi - lo).
  const __m256d t = _mm256_fmsub_pd(a, _mm256_blendv_pd(_mm256_set1_pd(2.0 / 3.0), _mm256_set1_pd(2.0 / 6.1), far),
                                    _mm256_blendv_pd(_mm256_set1_pd(5.0 / 3.0), _mm256_set1_pd(14.1 / 6.1), far));
  const int lanes_far = _mm256_movemask_pd(far);
  const auto coef = [&](int k) {
    if (lanes_far == 0) return _mm256_set1_pd(kNear[k]);
    if (lanes_far == 0xF) return _mm256_set1_pd(kFar[k]);
    return _mm256_blendv_pd(_mm256_set1_pd(kNear[k]), _mm256_set1_pd(kFar[k]), far);
  };
  __m256d erfcx = coef(0);
  for (int k = 1; k < 21; k++) erfcx = _mm256_fmadd_pd(erfcx, t, coef(k));
  __m256d e, power = _mm256_mul_pd(_mm256_mul_pd(a, a), _mm256_set1_pd(-1.4426950408889634));
  exp2_4d<1>(&power, &e);
  return _mm256_mul_pd(e, erfcx);
}

// erf(v), or erfc(v) when `complement`, for 4 doubles: the pieces above by |v| (infinities clamped
// into the tail's range; a NaN lane gives a number, the callers put the NaN back).
static inline __m256d erf4d(__m256d v, bool complement) {
  const __m256d av = _mm256_andnot_pd(_mm256_set1_pd(-0.0), v);
  const __m256d inside = _mm256_cmp_pd(av, _mm256_set1_pd(1.0), _CMP_LT_OQ);
  const __m256d one = _mm256_set1_pd(1.0);
  __m256d r = _mm256_setzero_pd();
  if (_mm256_movemask_pd(inside) != 0) {
    const __m256d e = erf_taylor4d(v);
    r = complement ? _mm256_sub_pd(one, e) : e;
  }
  if (_mm256_movemask_pd(inside) != 0xF) {
    // Clamped into [1, 10.1]: infinities and NaN too (the callers put NaN back).
    const __m256d a = _mm256_min_pd(_mm256_max_pd(av, one), _mm256_set1_pd(10.1));
    const __m256d tail = erfc_tail4d(a);
    const __m256d negative = _mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_LT_OQ);
    __m256d outside;
    if (complement) outside = _mm256_blendv_pd(tail, _mm256_sub_pd(_mm256_set1_pd(2.0), tail), negative);
    else outside = _mm256_or_pd(_mm256_sub_pd(one, tail), _mm256_and_pd(v, _mm256_set1_pd(-0.0)));  // v's sign
    r = _mm256_blendv_pd(outside, r, inside);
  }
  return r;
}

}  // namespace bp
#endif

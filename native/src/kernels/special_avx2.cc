#include "special_lanes.h"

#include "special.h"
#include "special_scalar.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include <initializer_list>

#include "double_lanes_avx2.h"

namespace bp {
namespace {

using namespace special_scalar;

// e^v for 4 doubles, |v| <= 36 here: 2^(v log2 e) (the product's rounding, 36 x 1.1e-16 at most, far
// below a float's ulp of the result).
inline __m256d exp_lanes(__m256d v) {
  __m256d t = _mm256_mul_pd(v, _mm256_set1_pd(1.4426950408889634)), e;
  exp2_4d<1>(&t, &e);
  return e;
}

// A series of positive terms, lane by lane as the scalar loops sum it: term *= step(n), sum +=
// term for n = 1, 2, ... below `limit`, a lane leaving after the step where term < sum 1e-17 (or
// where term is 0: later steps would add nothing), its sum kept from there.
template <class Step>
inline __m256d series_lanes(__m256d term, int limit, const Step& step) {
  __m256d sum = term;
  __m256d going = _mm256_cmp_pd(term, _mm256_setzero_pd(), _CMP_NEQ_UQ);
  for (int n = 1; n < limit && _mm256_movemask_pd(going) != 0; n++) {
    const __m256d next = _mm256_mul_pd(term, step(n));
    const __m256d total = _mm256_add_pd(sum, next);
    term = _mm256_blendv_pd(term, next, going);
    sum = _mm256_blendv_pd(sum, total, going);
    const __m256d done = _mm256_or_pd(_mm256_cmp_pd(term, _mm256_mul_pd(sum, _mm256_set1_pd(1e-17)), _CMP_LT_OQ),
                                      _mm256_cmp_pd(term, _mm256_setzero_pd(), _CMP_EQ_OQ));
    going = _mm256_andnot_pd(done, going);
  }
  return sum;
}

// erfinv_d for lanes with |x| < 1: Giles' two polynomials both evaluated, one kept.
inline __m256d erfinv_lanes(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d w = _mm256_xor_pd(log4d(_mm256_mul_pd(_mm256_sub_pd(one, x), _mm256_add_pd(one, x))), _mm256_set1_pd(-0.0));
  const __m256d t1 = _mm256_sub_pd(w, _mm256_set1_pd(2.5));
  __m256d p1 = _mm256_set1_pd(2.81022636e-8);
  for (const double c : {3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941})
    p1 = _mm256_add_pd(_mm256_set1_pd(c), _mm256_mul_pd(p1, t1));
  const __m256d t2 = _mm256_sub_pd(_mm256_sqrt_pd(w), _mm256_set1_pd(3.0));
  __m256d p2 = _mm256_set1_pd(-0.000200214257);
  for (const double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682})
    p2 = _mm256_add_pd(_mm256_set1_pd(c), _mm256_mul_pd(p2, t2));
  const __m256d y = _mm256_mul_pd(_mm256_blendv_pd(p2, p1, _mm256_cmp_pd(w, _mm256_set1_pd(5.0), _CMP_LT_OQ)), x);
  // erf(y) by the AVX2 set's pieces (Taylor, erfcx's series), within ~1e-14 of the reference's series.
  const __m256d f = _mm256_sub_pd(erf4d(y, false), x);
  const __m256d slope = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(1.1283791670955126), exp_lanes(_mm256_mul_pd(_mm256_xor_pd(y, _mm256_set1_pd(-0.0)), y))),
                                      _mm256_mul_pd(y, f));
  return _mm256_sub_pd(y, _mm256_div_pd(f, slope));
}

// bessel_i_d for lanes with |x| <= 720.
template <int Order>
inline __m256d bessel_i_lanes(__m256d x) {
  const __m256d ax = _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
  const __m256d q = _mm256_div_pd(_mm256_mul_pd(ax, ax), _mm256_set1_pd(4.0));
  const __m256d first = Order == 0 ? _mm256_set1_pd(1.0) : _mm256_div_pd(ax, _mm256_set1_pd(2.0));
  const __m256d total = series_lanes(first, 1000, [q](int k) { return _mm256_div_pd(q, _mm256_set1_pd((double)(k * (k + Order)))); });
  if (Order == 0) return total;
  // I1 is odd: the sum's sign flipped where x < 0 (x = -0 keeps +0, as the scalar's x < 0 test).
  return _mm256_blendv_pd(total, _mm256_xor_pd(total, _mm256_set1_pd(-0.0)), _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ));
}

// |sin v| for 4 doubles with |v| < 2^23: v = j pi / 2 + r, r by two FMAs with pi / 2 in two parts
// (the third part's share, j times 1e-33, is far below r's rounding), then sin r or cos r by j's
// parity from Taylor's series to r^23 and r^22 (the first omitted terms below 1e-19 for |r| <= pi / 4).
inline __m256d abs_sin_lanes(__m256d v) {
  const __m256d j = _mm256_round_pd(_mm256_mul_pd(v, _mm256_set1_pd(0.63661977236758134)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(j, _mm256_set1_pd(1.5707963267948966), v);
  r = _mm256_fnmadd_pd(j, _mm256_set1_pd(6.123233995736766e-17), r);
  const __m256d z = _mm256_mul_pd(r, r);
  // Coefficients (-1)^k / (2k + 1)! and (-1)^k / (2k)!, k = 11 down to 1.
  __m256d ps = _mm256_set1_pd(-1.0 / 25852016738884976640000.0), pc = _mm256_set1_pd(-1.0 / 1124000727777607680000.0);
  for (const double c : {1.0 / 51090942171709440000.0, -1.0 / 121645100408832000.0, 1.0 / 355687428096000.0, -1.0 / 1307674368000.0,
                         1.0 / 6227020800.0, -1.0 / 39916800.0, 1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0})
    ps = _mm256_fmadd_pd(ps, z, _mm256_set1_pd(c));
  for (const double c : {1.0 / 2432902008176640000.0, -1.0 / 6402373705728000.0, 1.0 / 20922789888000.0, -1.0 / 87178291200.0,
                         1.0 / 479001600.0, -1.0 / 3628800.0, 1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0, -0.5})
    pc = _mm256_fmadd_pd(pc, z, _mm256_set1_pd(c));
  const __m256d sin_r = _mm256_fmadd_pd(_mm256_mul_pd(r, z), ps, r);
  const __m256d cos_r = _mm256_fmadd_pd(z, pc, _mm256_set1_pd(1.0));
  const __m256d odd = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(j)), 63));
  return _mm256_andnot_pd(_mm256_set1_pd(-0.0), _mm256_blendv_pd(sin_r, cos_r, odd));
}

// Lanczos for lanes with x >= 0.5 finite: the same divisions and sums as lgamma_d, in order.
inline __m256d lanczos_lanes(__m256d x) {
  const __m256d z = _mm256_sub_pd(x, _mm256_set1_pd(1.0));
  __m256d a = _mm256_set1_pd(kLanczos[0]);
  for (int i = 1; i < 9; i++) a = _mm256_add_pd(a, _mm256_div_pd(_mm256_set1_pd(kLanczos[i]), _mm256_add_pd(z, _mm256_set1_pd(i))));
  const __m256d t = _mm256_add_pd(z, _mm256_set1_pd(7.5));
  const __m256d head = _mm256_add_pd(_mm256_set1_pd(kHalfLog2Pi), _mm256_mul_pd(_mm256_add_pd(z, _mm256_set1_pd(0.5)), log4d(t)));
  return _mm256_add_pd(_mm256_sub_pd(head, t), log4d(a));
}

// lgamma_d for lanes that are finite, above -2^22 and not a non-positive integer: Lanczos from 0.5
// up; below, the reflection log(pi / |sin(pi x)|) - lgamma(1 - x), 1 - x exact (x is a float).
inline __m256d lgamma_lanes(__m256d x) {
  const __m256d half = _mm256_set1_pd(0.5);
  const __m256d reflect = _mm256_cmp_pd(x, half, _CMP_LT_OQ);
  const __m256d g = lanczos_lanes(_mm256_blendv_pd(x, _mm256_sub_pd(_mm256_set1_pd(1.0), x), reflect));
  if (_mm256_movemask_pd(reflect) == 0) return g;
  const __m256d s = abs_sin_lanes(_mm256_mul_pd(_mm256_set1_pd(kPi), x));
  // Lanes not reflected take sin of their own x: harmless (a finite log or infinity, then dropped).
  const __m256d reflected = _mm256_sub_pd(log4d(_mm256_div_pd(_mm256_set1_pd(kPi), s)), g);
  return _mm256_blendv_pd(g, reflected, reflect);
}

// The lanes lgamma_lanes takes: finite, above -2^22, and not a non-positive integer (a pole).
inline __m256d lgamma_eligible(__m256d v) {
  const __m256d finite = _mm256_and_pd(_mm256_cmp_pd(v, _mm256_set1_pd(-4194304.0), _CMP_GT_OQ), _mm256_cmp_pd(v, _mm256_set1_pd(kInf), _CMP_LT_OQ));
  const __m256d pole = _mm256_and_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_LE_OQ),
                                     _mm256_cmp_pd(v, _mm256_round_pd(v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), _CMP_EQ_OQ));
  return _mm256_andnot_pd(pole, finite);
}

// The scalar loops' recurrence up to 10, lane by lane: r = step(x) + step(x + 1) + ... added in
// order while x < 10 (a lane at or past 10 adds +0 and stays); *x is left at its first value past 10.
template <class Step>
inline __m256d climb_to_ten(__m256d* x, Step step) {
  const __m256d ten = _mm256_set1_pd(10.0), one = _mm256_set1_pd(1.0);
  __m256d r = _mm256_setzero_pd();
  for (;;) {
    const __m256d below = _mm256_cmp_pd(*x, ten, _CMP_LT_OQ);
    if (_mm256_movemask_pd(below) == 0) return r;
    r = _mm256_add_pd(r, _mm256_and_pd(below, step(*x)));
    *x = _mm256_add_pd(*x, _mm256_and_pd(below, one));
  }
}

// digamma_d for lanes with x > 0 finite: the recurrence (r -= 1 / x, as r + -(1 / x): the same
// bits), then the asymptotic series.
inline __m256d digamma_lanes(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d r = climb_to_ten(&x, [one](__m256d v) { return _mm256_xor_pd(_mm256_div_pd(one, v), _mm256_set1_pd(-0.0)); });
  const __m256d y = _mm256_div_pd(one, _mm256_mul_pd(x, x));
  __m256d s = _mm256_sub_pd(_mm256_set1_pd(691.0 / 32760), _mm256_div_pd(y, _mm256_set1_pd(12.0)));
  for (const double c : {1.0 / 132, 1.0 / 240, 1.0 / 252, 1.0 / 120, 1.0 / 12}) s = _mm256_sub_pd(_mm256_set1_pd(c), _mm256_mul_pd(y, s));
  const __m256d series = _mm256_mul_pd(y, s);
  const __m256d head = _mm256_sub_pd(_mm256_add_pd(r, log4d(x)), _mm256_div_pd(_mm256_set1_pd(0.5), x));
  return _mm256_sub_pd(head, series);
}

// trigamma_d for lanes with x >= 0.5 finite.
inline __m256d trigamma_lanes(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d r = climb_to_ten(&x, [one](__m256d v) { return _mm256_div_pd(one, _mm256_mul_pd(v, v)); });
  const __m256d y = _mm256_div_pd(one, _mm256_mul_pd(x, x));
  __m256d s = _mm256_sub_pd(_mm256_set1_pd(1.0 / 30), _mm256_div_pd(_mm256_mul_pd(y, _mm256_set1_pd(5.0)), _mm256_set1_pd(66.0)));
  for (const double c : {1.0 / 42, 1.0 / 30, 1.0 / 6}) s = _mm256_sub_pd(_mm256_set1_pd(c), _mm256_mul_pd(y, s));
  const __m256d sum = _mm256_add_pd(_mm256_add_pd(r, _mm256_div_pd(one, x)), _mm256_div_pd(y, _mm256_set1_pd(2.0)));
  return _mm256_add_pd(sum, _mm256_mul_pd(_mm256_div_pd(y, x), s));
}

// Four floats through Lanes on the lanes Eligible picks; every other lane through the scalar function.
template <__m256d (*Lanes)(__m256d), double (*Scalar)(double), __m256d (*Eligible)(__m256d)>
inline void four(const float* x, float* y) {
  const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x));
  const __m256d good = Eligible(v);
  const int mask = _mm256_movemask_pd(good);
  if (mask == 0) {
    for (int j = 0; j < 4; j++) y[j] = (float)Scalar((double)x[j]);
    return;
  }
  // Lanes left out compute on 1 (harmless) and are replaced below.
  _mm_storeu_ps(y, _mm256_cvtpd_ps(Lanes(_mm256_blendv_pd(_mm256_set1_pd(1.0), v, good))));
  if (mask != 0xF)
    for (int j = 0; j < 4; j++)
      if (!(mask >> j & 1)) y[j] = (float)Scalar((double)x[j]);
}

// y = op(x): eight floats at a time where all eight lanes are eligible (two independent chains of
// divisions and series for the core to overlap: 10% faster than one), else four and four; the tail
// through the scalar function.
template <__m256d (*Lanes)(__m256d), double (*Scalar)(double), __m256d (*Eligible)(__m256d)>
void run_lanes(const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256d v0 = _mm256_cvtps_pd(_mm_loadu_ps(x + i)), v1 = _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4));
    if ((_mm256_movemask_pd(Eligible(v0)) & _mm256_movemask_pd(Eligible(v1))) == 0xF) {
      const __m256d r0 = Lanes(v0), r1 = Lanes(v1);
      _mm_storeu_ps(y + i, _mm256_cvtpd_ps(r0));
      _mm_storeu_ps(y + i + 4, _mm256_cvtpd_ps(r1));
    } else {
      four<Lanes, Scalar, Eligible>(x + i, y + i);
      four<Lanes, Scalar, Eligible>(x + i + 4, y + i + 4);
    }
  }
  if (i + 4 <= n) four<Lanes, Scalar, Eligible>(x + i, y + i), i += 4;
  for (; i < n; i++) y[i] = (float)Scalar((double)x[i]);
}

// Inside (-1, 1) (erfinv's lanes); finite with |x| <= 720 (the Bessel functions').
inline __m256d inside_unit(__m256d v) {
  return _mm256_cmp_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), v), _mm256_set1_pd(1.0), _CMP_LT_OQ);
}
inline __m256d bessel_range(__m256d v) {
  return _mm256_cmp_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), v), _mm256_set1_pd(720.0), _CMP_LE_OQ);
}

// Positive and finite (digamma's lanes); at least 1/2 and finite (trigamma's).
inline __m256d positive_finite(__m256d v) {
  return _mm256_and_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GT_OQ), _mm256_cmp_pd(v, _mm256_set1_pd(kInf), _CMP_LT_OQ));
}
inline __m256d half_up_finite(__m256d v) {
  return _mm256_and_pd(_mm256_cmp_pd(v, _mm256_set1_pd(0.5), _CMP_GE_OQ), _mm256_cmp_pd(v, _mm256_set1_pd(kInf), _CMP_LT_OQ));
}

void lgamma_run(const float* x, float* y, size_t n) { run_lanes<lgamma_lanes, lgamma_d, lgamma_eligible>(x, y, n); }
void digamma_run(const float* x, float* y, size_t n) { run_lanes<digamma_lanes, digamma_d, positive_finite>(x, y, n); }
void trigamma_run(const float* x, float* y, size_t n) { run_lanes<trigamma_lanes, trigamma_d, half_up_finite>(x, y, n); }
void erfinv_run(const float* x, float* y, size_t n) { run_lanes<erfinv_lanes, erfinv_d, inside_unit>(x, y, n); }
void bessel_i0_run(const float* x, float* y, size_t n) { run_lanes<bessel_i_lanes<0>, bessel_i0_d, bessel_range>(x, y, n); }
void bessel_i1_run(const float* x, float* y, size_t n) { run_lanes<bessel_i_lanes<1>, bessel_i1_d, bessel_range>(x, y, n); }

}  // namespace

SpecialRun special_lanes_avx2(int op) {
  switch (op) {
    case kLgamma: return lgamma_run;
    case kDigamma: return digamma_run;
    case kTrigamma: return trigamma_run;
    case kErfinv: return erfinv_run;
    case kBesselI0: return bessel_i0_run;
    case kBesselI1: return bessel_i1_run;
    default: return nullptr;
  }
}

}  // namespace bp
#else
namespace bp {
SpecialRun special_lanes_avx2(int) { return nullptr; }
}  // namespace bp
#endif

// The special functions' scalar forms in double (special.cc's loop and the vector lanes' fallback
// for the lanes they leave: poles, reflections, infinities, NaN): the reference's formulas
// (lib/backend/reference/special_math.ts), operation for operation.
#pragma once

#include <cmath>
#include <initializer_list>
#include <limits>

namespace bp {
namespace special_scalar {

constexpr double kPi = 3.141592653589793;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

constexpr double kLanczos[9] = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
constexpr double kHalfLog2Pi = 0.9189385332046728;

inline bool is_integer(double x) { return std::floor(x) == x; }

// log |Gamma(x)|: Lanczos (g = 7) from 0.5 up, the reflection formula below.
inline double lgamma_d(double x) {
  if (std::isnan(x)) return kNan;
  if (std::isinf(x)) return kInf;
  if (x <= 0 && is_integer(x)) return kInf;
  if (x < 0.5) return std::log(kPi / std::fabs(std::sin(kPi * x))) - lgamma_d(1 - x);
  const double z = x - 1;
  double a = kLanczos[0];
  for (int i = 1; i < 9; i++) a += kLanczos[i] / (z + i);
  const double t = z + 7.5;
  return kHalfLog2Pi + (z + 0.5) * std::log(t) - t + std::log(a);
}

// digamma: reflection below 0, the recurrence up to 10, then the asymptotic series.
inline double digamma_d(double x) {
  if (std::isnan(x) || x == -kInf) return kNan;
  if (x == kInf) return kInf;
  if (x == 0) return std::signbit(x) ? kInf : -kInf;  // torch's: -inf at +0, +inf at -0
  if (x < 0) return is_integer(x) ? kNan : digamma_d(1 - x) - kPi / std::tan(kPi * x);
  double r = 0;
  for (; x < 10; x++) r -= 1 / x;
  const double y = 1 / (x * x);
  const double series = y * (1.0 / 12 - y * (1.0 / 120 - y * (1.0 / 252 - y * (1.0 / 240 - y * (1.0 / 132 - y * (691.0 / 32760 - y / 12))))));
  return r + std::log(x) - 0.5 / x - series;
}

// polygamma(1, x): reflection below 1/2, the recurrence up to 10, the asymptotic series.
inline double trigamma_d(double x) {
  if (std::isnan(x) || x == -kInf) return kNan;
  if (x <= 0 && is_integer(x)) return kInf;
  if (x < 0.5) {
    const double s = std::sin(kPi * x);
    return -trigamma_d(1 - x) + (kPi * kPi) / (s * s);
  }
  double r = 0;
  for (; x < 10; x++) r += 1 / (x * x);
  const double y = 1 / (x * x);
  return r + 1 / x + y / 2 + (y / x) * (1.0 / 6 - y * (1.0 / 30 - y * (1.0 / 42 - y * (1.0 / 30 - (y * 5) / 66))));
}

// erf by its series of positive terms (the reference's math.ts erf).
inline double erf_d(double x) {
  if (std::isnan(x)) return kNan;
  const double ax = std::fabs(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  double term = ax, sum = ax;
  const double x2 = ax * ax;
  for (int n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const double r = 1.1283791670955126 * std::exp(-x2) * sum;
  return std::signbit(x) ? -r : r;  // odd: erf(-0) is -0
}

// erfinv: Giles' single-precision start, one Halley step on erf(y) - x.
inline double erfinv_d(double x) {
  if (std::isnan(x) || x < -1 || x > 1) return kNan;
  if (x == 1 || x == -1) return x * kInf;
  const double w = -std::log((1 - x) * (1 + x));
  double p;
  if (w < 5) {
    const double t = w - 2.5;
    p = 2.81022636e-8;
    for (const double c : {3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941})
      p = c + p * t;
  } else {
    const double t = std::sqrt(w) - 3;
    p = -0.000200214257;
    for (const double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682})
      p = c + p * t;
  }
  const double y = p * x;
  const double f = erf_d(y) - x;
  return y - f / (1.1283791670955126 * std::exp(-y * y) + y * f);
}

// I0 or I1 by the power series sum (x/2)^(2k+order) / (k! (k+order)!).
inline double bessel_i_d(int order, double x) {
  if (std::isnan(x)) return kNan;
  const double ax = std::fabs(x);
  if (ax > 720) return order == 0 || x > 0 ? kInf : -kInf;
  const double q = (ax * ax) / 4;
  double term = order == 0 ? 1 : ax / 2, total = term;
  for (int k = 1; k < 1000; k++) {
    term *= q / (double)(k * (k + order));
    total += term;
    if (term < total * 1e-17) break;
  }
  return order == 1 && x < 0 ? -total : total;
}

inline double bessel_i0_d(double x) { return bessel_i_d(0, x); }
inline double bessel_i1_d(double x) { return bessel_i_d(1, x); }

}  // namespace special_scalar
}  // namespace bp

// Constants that the AVX2 set (isa_kernels.inc) and the AVX-512 set (math16.inc) share, so that
// they give every lane the same bits: the coefficients of the double-precision series behind log1p
// and ELU (log1p4d and expm1_4d, and their 8-double forms), highest power first, and the floor of
// log1p's unit form.
#pragma once

namespace bp {

// log m = 2 (s + s^3 / 3 + ... + s^11 / 11) in z = s^2: 2 / 11, then the rest.
constexpr double kLog1pFirst = 2.0 / 11;
constexpr double kLog1pSeries[] = {2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3, 2.0};
// expm1(r) = r + r^2 (1 / 2 + r / 6 + ... + r^9 / 11!): 1 / 11!, then the rest. (To r^8 / 8! the rest
// was 7e-10 of the result, and sinh, cosh and expm1 came out an ulp off the correctly rounded float
// for 0.02% of floats; to r^11 it is 2e-14.)
constexpr double kExpm1First = 1.0 / 39916800;
constexpr double kExpm1Series[] = {1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5};

// sin r = r + r z (-1 / 3! + z / 5! - ...) and cos r = 1 + z (-1 / 2 + z / 4! - ...),
// z = r^2, |r| <= pi / 4 (a little past it where x / (pi / 2) rounds the other way): Taylor's terms to
// r^13 and r^14, the first omitted one below 3e-14 of the result (3e-7 of a float's ulp).
constexpr double kSinFirst = 1.0 / 6227020800.0;
constexpr double kSinSeries[] = {-1.0 / 39916800.0, 1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0};
constexpr double kCosFirst = -1.0 / 87178291200.0;
constexpr double kCosSeries[] = {1.0 / 479001600.0, -1.0 / 3628800.0, 1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0, -0.5};

// asin s = s + s z (c_1 + c_2 z + ... + c_22 z^21), z = s^2, |s| <= 1/2 (Taylor's: c_n = c_(n-1) (2n - 1)^2 /
// (2n (2n + 1)), c_0 = 1), highest first; the first omitted term is below 4e-17 of the result.
struct AsinSeries {
  double c[22];
  constexpr AsinSeries() : c() {
    double v = 1;
    for (int n = 1; n <= 22; n++) {
      v *= (double)((2 * n - 1) * (2 * n - 1)) / (double)(2 * n * (2 * n + 1));
      c[22 - n] = v;
    }
  }
};
constexpr AsinSeries kAsinSeries{};

// The floor that log1p8_unit and log1p16_unit raise e = exp(-|x|) to before their arithmetic:
// 2^-24, at and below which 1 + e rounds to 1. (As max(floor, e), whose NaN lanes stay NaN: max's
// vector forms return the second operand when either is NaN.)
constexpr float kUnitFloor = 0x1p-24f;

}  // namespace bp

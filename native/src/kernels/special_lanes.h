// The special functions in vector lanes of double (special_avx2.cc, compiled for AVX2 + FMA).
#pragma once

#include <cstddef>

namespace bp {

// y[i] = op(x[i]) for i < n, rounded to float: the same bits as special_scalar.h's functions but
// where the lanes' log (a series, to about an ulp of a double) and the C library's differ in a
// double's last bit.
using SpecialRun = void (*)(const float* x, float* y, size_t n);

// The run for op (special.h's SpecialOp), or nullptr where op has none or the build is not x86.
SpecialRun special_lanes_avx2(int op);

}  // namespace bp

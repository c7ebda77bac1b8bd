// torch's special functions of one float, each evaluated in double and rounded once: the
// reference's formulas (lib/backend/reference/special_math.ts) operation for operation, so that
// they differ only where the C library's log, exp, sin or tan and V8's Math functions differ in a
// double's last bit.
#pragma once

#include <cstddef>

namespace bp {

// The same numbers as `Special` in lib/backend/backend.ts.
enum SpecialOp : int { kLgamma = 0, kDigamma, kTrigamma, kErfinv, kBesselI0, kBesselI1, kSpecialCount };

// y[i] = op(x[i]) for i < n, threaded over blocks of elements.
void special(int op, const float* x, float* y, size_t n);

}  // namespace bp

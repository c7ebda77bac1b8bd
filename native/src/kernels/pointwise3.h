// Element-wise functions of three operands of one length, each operation rounded to float in
// torch's order: addcmul and addcdiv, and lerp with a number weight (its two forms).
#pragma once

#include <cstddef>

namespace bp {

// The same numbers as `Pointwise3` in lib/backend/backend.ts.
enum Pointwise3Op : int { kAddcmul = 0, kAddcdiv, kLerpNear, kLerpFar, kPointwise3Count };

// out = x + (p a) b (addcmul), x + (p a) / b (addcdiv), x + (a - x) p (lerpNear: lerp from x, its
// weight p) or a - (a - x) p (lerpFar: from a, p the weight's complement; b unused by both), threaded.
void pointwise3(int op, const float* x, const float* a, const float* b, float p, float* out, size_t n);

}  // namespace bp

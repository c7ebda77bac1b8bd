#include "special.h"

#include "../runtime/thread_pool.h"
#include "../runtime/cpu.h"
#include "special_lanes.h"
#include "special_scalar.h"

namespace bp {
namespace {

using namespace special_scalar;

// Each element costs 20-200 ns (a few logs, divisions, or a series): blocks this long pay for a
// thread's wake-up many times over.
constexpr size_t kGrain = 2048;
template <class F>
void map_rounded(const float* x, float* y, size_t n, F f) {
  parallel_for(n, kGrain, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) y[i] = (float)f((double)x[i]);
  });
}

}  // namespace

void special(int op, const float* x, float* y, size_t n) {
  // Lanes of four doubles where the CPU has AVX2 (special_avx2.cc: the scalar loop's operations but
  // for the lanes' log, exp and erf, each within about 1e-14): four elements' divisions at once.
  static const bool avx2 = cpu_isa() >= Isa::kAvx2;
  if (const SpecialRun run = avx2 ? special_lanes_avx2(op) : nullptr) {
    parallel_for(n, kGrain, [&](size_t b, size_t e) { run(x + b, y + b, e - b); });
    return;
  }
  switch (op) {
    case kLgamma: return map_rounded(x, y, n, lgamma_d);
    case kDigamma: return map_rounded(x, y, n, digamma_d);
    case kTrigamma: return map_rounded(x, y, n, trigamma_d);
    case kErfinv: return map_rounded(x, y, n, erfinv_d);
    case kBesselI0: return map_rounded(x, y, n, bessel_i0_d);
    case kBesselI1: return map_rounded(x, y, n, bessel_i1_d);
    default: return;
  }
}

}  // namespace bp

// fft.h's transform four rows at a time, one per lane of a 256-bit vector of doubles: fft_lanes.inc
// compiled with -mavx2 and without fused multiply-adds (CMakeLists.txt), so the same bits as the
// one-lane loop and the reference twin.
#include <algorithm>
#include <utility>

#include "fft.h"

#if defined(__AVX2__)
namespace bp {
namespace {
typedef double V __attribute__((vector_size(32)));
constexpr int kLanes = 4;
#include "fft_lanes.inc"
}  // namespace

FftRun fft_run_avx2() { return run_lanes; }

}  // namespace bp
#else
namespace bp {
FftRun fft_run_avx2() { return nullptr; }
}  // namespace bp
#endif

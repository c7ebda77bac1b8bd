// The normal fill's arithmetic in AVX2 vectors, 4 doubles: this file is compiled with -mavx2 and
// without -mfma (and with -ffp-contract=off), see CMakeLists.txt.
#if defined(__AVX2__)
#define BP_NORMAL_NS normal_avx2
#define BP_NORMAL_LANES 4
#include "normal_lanes.inc"

namespace bp {
const NormalForms* normal_forms_avx2() { return &normal_avx2::forms; }
}  // namespace bp
#else
#include "normal_lanes.h"
namespace bp {
const NormalForms* normal_forms_avx2() { return nullptr; }
}  // namespace bp
#endif

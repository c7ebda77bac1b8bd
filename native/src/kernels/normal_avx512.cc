// The normal fill's arithmetic in AVX-512 vectors, 8 doubles: this file is compiled with -mavx512f
// (and with -ffp-contract=off), see CMakeLists.txt.
#if defined(__AVX512F__)
#define BP_NORMAL_NS normal_avx512
#define BP_NORMAL_LANES 8
#include "normal_lanes.inc"

namespace bp {
const NormalForms* normal_forms_avx512() { return &normal_avx512::forms; }
}  // namespace bp
#else
#include "normal_lanes.h"
namespace bp {
const NormalForms* normal_forms_avx512() { return nullptr; }
}  // namespace bp
#endif

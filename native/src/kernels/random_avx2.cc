// The random fills' vector code in AVX2: normals in 4-double vectors (normal_lanes.inc), the generator
// in 8 lanes (draw_lanes.inc). This file is compiled with -mavx2 and without -mfma (and with
// -ffp-contract=off), see CMakeLists.txt.
#if defined(__AVX2__)
#define BP_RANDOM_NS random_avx2
#define BP_NORMAL_LANES 4
#include "normal_lanes.inc"
#include "draw_lanes.inc"

namespace bp {
namespace random_avx2 {
const RandomForms forms = {normals, parts, uniform, pairs, mask};
}  // namespace random_avx2
const RandomForms* random_forms_avx2() { return &random_avx2::forms; }
}  // namespace bp
#else
#include "random_lanes.h"
namespace bp {
const RandomForms* random_forms_avx2() { return nullptr; }
}  // namespace bp
#endif

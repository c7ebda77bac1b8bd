// The random fills' vector code in AVX-512: normals in 8-double vectors (normal_lanes.inc), the generator
// in 8 lanes (draw_lanes.inc). This file is compiled with -mavx512f (and with
// -ffp-contract=off), see CMakeLists.txt.
#if defined(__AVX512F__)
#define BP_RANDOM_NS random_avx512
#define BP_NORMAL_LANES 8
#include "normal_lanes.inc"
#include "draw_lanes.inc"

namespace bp {
namespace random_avx512 {
const RandomForms forms = {normals, parts, uniform, pairs, mask};
}  // namespace random_avx512
const RandomForms* random_forms_avx512() { return &random_avx512::forms; }
}  // namespace bp
#else
#include "random_lanes.h"
namespace bp {
const RandomForms* random_forms_avx512() { return nullptr; }
}  // namespace bp
#endif

// The random fills' vector code in the baseline ISA: normals in 2-double vectors (normal_lanes.inc)
// and the generator in 8 lanes (draw_lanes.inc).
#define BP_RANDOM_NS random_generic
#define BP_NORMAL_LANES 2
#include "normal_lanes.inc"
#include "draw_lanes.inc"

namespace bp {
namespace random_generic {

const RandomForms forms = {normals, parts, uniform, pairs, mask};

void pair(uint32_t k, uint32_t j, double* zc, double* zs) {
  const vd r = radius_of(vi{} + (int64_t)k);
  vd c, s;
  cos_sin(vi{} + (int64_t)j, &c, &s);
  *zc = r[0] * c[0];
  *zs = r[0] * s[0];
}

}  // namespace random_generic
}  // namespace bp

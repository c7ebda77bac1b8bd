// The normal fill's arithmetic in the baseline ISA's vectors, 2 doubles (normal_lanes.inc).
#define BP_NORMAL_NS normal_generic
#define BP_NORMAL_LANES 2
#include "normal_lanes.inc"

namespace bp {
namespace normal_generic {

void pair(uint32_t k, uint32_t j, double* zc, double* zs) {
  const vd r = radius_of(vi{} + (int64_t)k);
  vd c, s;
  cos_sin(vi{} + (int64_t)j, &c, &s);
  *zc = r[0] * c[0];
  *zs = r[0] * s[0];
}

}  // namespace normal_generic
}  // namespace bp

// Average pooling over windows given by their bounds: avg_pool1d/2d/3d and the adaptive ones, and
// their gradients. lib/backend/reference/avg_pool.ts is the specification.
#pragma once
#include <cstdint>

namespace bp {

// lib/backend/backend.ts's AVG_POOL_GEOMETRY: planes, the input's depth, height and width, the
// output's, and whether the divisors are one per side (adaptive pooling's sum / kd / kh / kw) or one
// per output position (avg_pool's).
struct PoolWindows {
  long planes, d, h, w, od, oh, ow;
  bool by_side;
};

// out[p, t, i, j] = the sum from 0, in depth, row and column order, of x[p] over the depths
// [bounds[2 t], bounds[2 t + 1]), the rows of pair od + i and the columns of pair od + oh + j (each
// side's pairs after the last's, inside the input), divided: by divisor[(t oh + i) ow + j], or by
// side (divisor[t], then divisor[od + i], then divisor[od + oh + j]).
void avg_pool(const float* x, const PoolWindows& g, const int32_t* bounds, const float* divisor, float* out);

// Its gradient: gx [planes, d, h, w] overwritten, each element the sum from 0 of the divided gy of
// the windows that hold it, in output order (torch's loop: gx[...] += gy / divisor).
void avg_pool_grad(const float* gy, const PoolWindows& g, const int32_t* bounds, const float* divisor, float* gx);

}  // namespace bp

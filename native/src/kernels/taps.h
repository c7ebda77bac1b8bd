// Weighted taps along one dimension: each output a short sum of inputs picked by index and scaled
// (interpolate's linear and cubic resizing, one side at a time), and its gradient.
// lib/backend/reference/taps.ts is the specification.
#pragma once
#include <cstdint>

namespace bp {

// out[o, j, i] = w[j k] x[o, index[j k], i] + w[j k + 1] x[o, index[j k + 1], i] + ... (k taps, in
// order, each product rounded and then added: no fused multiply-add) for x [outer, len, inner] and
// out [outer, m, inner]. Every index is in [0, len) (the addon checks).
void weighted_taps(const float* x, long outer, long len, long inner, const int32_t* index, const float* weight, long k, long m,
                   float* out);

// Its gradient: gx [outer, len, inner] overwritten, gx[o, c, i] the sum from 0 of w[p] gy[o, p / k, i]
// over the taps p = j k + t that read c, in the order of p.
void weighted_taps_grad(const float* gy, long outer, long len, long inner, const int32_t* index, const float* weight, long k,
                        long m, float* gx);

}  // namespace bp

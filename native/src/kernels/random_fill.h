// Tensors filled from lib/random.ts's generator, drawing what its rand and randn draw in the same
// order, so that a seed gives the same tensors on both backends (lib/backend/reference/random.ts is
// the specification).
#pragma once
#include <cstdint>

namespace bp {

// out[i] = (float)(low + span * u_i) for i < n, u_i the i-th uniform draw (24 bits over 2^24), in
// double; advances rng (four xoshiro128** words).
void uniform_fill(float* out, long n, double low, double span, uint32_t* rng);

// out[i] = (float)(mean + std * z_i) for i < n, z_i the i-th standard normal of lib/random.ts's
// Box-Muller pairs: a pair draws k (24 bits, drawn again while 0) and then j, and gives
// sqrt(-2 ln(k / 2^24)) times cos and then sin of 2 pi j / 2^24 (lib/normal_math.ts's functions).
// *spare, unless NaN, is a pair's second normal not yet used: it comes first. A pair whose second
// normal is not needed leaves it in *spare (else *spare becomes NaN).
void normal_fill(float* out, long n, double mean, double std, uint32_t* rng, double* spare);

}  // namespace bp

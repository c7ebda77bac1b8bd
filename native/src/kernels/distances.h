// cdist's kernels: the p-norm distances between two sets of rows, and their gradients.
#pragma once

namespace bp {

// out[b, i, j] = the p-norm (p 1, 2, or 0 for infinity) of x1[b, i, :] - x2[b, j, :] for x1
// [batch, rows1, cols], x2 [batch, rows2, cols]: each difference rounded to float, then the sum of
// |d|, or the square root of the sum of d * d (each added by a fused multiply-add, one rounding),
// or the largest |d| (NaN kept); the columns in order, in float (lib/backend/reference/distances.ts,
// the same bits).
void distances(const float* x1, const float* x2, long batch, long rows1, long rows2, long cols, int p, float* out);

// Their gradients from g and dist ([batch, rows1, rows2]), overwriting gx1 and gx2 (x1's and x2's
// shapes): the reference twin's order, gx1's rows summed over x2's rows in order, gx2's over x1's.
void distances_grad(const float* x1, const float* x2, const float* dist, const float* g, long batch, long rows1, long rows2,
                    long cols, int p, float* gx1, float* gx2);

}  // namespace bp

// Layer normalization of the rows of a [rows, cols] matrix, and its backward.
#pragma once

namespace bp {

// y = (x - mean) rstd (* w + b), each row by its own mean and rstd = 1 / sqrt(biased variance +
// eps), which are written to mean[r] and rstd[r] for the backward. w and b (cols each) may be null.
void layer_norm(const float* x, long rows, long cols, const float* w, const float* b, float eps, float* y, float* mean,
                float* rstd);

// gx from gy and the forward's x, w, mean and rstd: rstd (g - mean(g) - xhat mean(g xhat)) with
// g = gy w and xhat = (x - mean) rstd; gw and gb (when not null) are the column sums of gy xhat and
// of gy, in column_sums' order.
void layer_norm_grad(const float* gy, const float* x, long rows, long cols, const float* w, const float* mean,
                     const float* rstd, float* gx, float* gw, float* gb);

}  // namespace bp

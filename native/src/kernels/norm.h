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

// Batch normalization of x viewed as [n, c, l] (l = 1 for [n, c]), channel k being the n * l values
// x[i, k, j]. With batch_stats, mean[k] and var[k] (biased) are the channel's own, computed here
// (two passes: the variance sums squared deviations from the mean); without, they are given (running
// statistics) and only read. rstd[k] = 1 / sqrt(var[k] + eps) is written either way, and
// y = (x - mean) rstd (* w + b). y is written whole (it holds the squared deviations first).
void batch_norm(const float* x, long n, long c, long l, const float* w, const float* b, float eps, bool batch_stats, float* y,
                float* mean, float* var, float* rstd);

// The backward of batch_norm from gy, x and the forward's mean and rstd: with batch_stats (the
// statistics were x's own) gx = (gy - mean(gy) - xhat mean(gy xhat)) rstd w, means over each
// channel; without, gx = gy rstd w. gw and gb (when not null) get the channel sums of gy xhat and gy.
// gx is written whole (it holds gy xhat first); w may be null (a scale of 1).
void batch_norm_grad(const float* gy, const float* x, long n, long c, long l, const float* w, const float* mean, const float* rstd,
                     bool batch_stats, float* gx, float* gw, float* gb);

}  // namespace bp

// One pass over each row for its statistics and one to write it, vectorized through the kernel
// table's sum and dot (fixed lane orders, so a row's numbers do not depend on the threads), rows
// cut across threads. LayerNorm composed of eight ops took 0.60 ms forward and 2.4 ms forward and
// backward for [256, 1024] at one thread (PyTorch's fused kernel 0.16 and 0.44).
#include "norm.h"

#include <algorithm>
#include <cmath>

#include "../runtime/line_vector.h"
#include "../runtime/thread_pool.h"
#include "reduce.h"
#include "table.h"

namespace bp {
namespace {

constexpr size_t kWork = 32768;  // elements per task

size_t row_grain(long cols) { return std::max<size_t>(1, kWork / (size_t)std::max<long>(cols, 1)); }

// out[k] = the sum of channel k's l column sums (in order) over divisor (1 for the sum itself).
void channel_sums(const float* column, long c, long l, float divisor, float* out) {
  const KernelTable& kt = active_kernels();
  for (long k = 0; k < c; k++) out[k] = (l == 1 ? column[k] : kt.sum(column + k * l, (size_t)l)) / divisor;
}

// A batch_norm call's per-channel scratch: `lines` arrays of c floats each, each on its own lines.
struct ChannelScratch {
  float* base;
  size_t stride;
  float* operator[](size_t i) const { return base + i * stride; }
};
ChannelScratch channel_scratch(LineVector& v, long c, size_t lines) {
  const size_t stride = ((size_t)c + 15) / 16 * 16;
  return {at_least(v, lines * stride), stride};
}

// Channel pass `pass` (table.h) over every row of the [n, cols] view, rows cut across threads.
void pass_rows(int pass, const float* x, const float* g, long n, long cols, long l, const float* const* f, float* out) {
  const KernelTable& kt = active_kernels();
  parallel_for((size_t)n, row_grain(cols), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      const long at = (long)r * cols;
      kt.channel_pass(pass, x ? x + at : nullptr, g ? g + at : nullptr, l, 0, cols, f, out + at);
    }
  });
}

// column_sums of channel pass `pass`'s output, written into out (n x cols) piece by piece just before
// each piece is summed.
void pass_column_sums(int pass, const float* x, const float* g, long n, long cols, long l, const float* const* f, float* out,
                      float* column) {
  const KernelTable& kt = active_kernels();
  column_sums(out, n, cols, column, false, [&](long r, long j0, long j1) {
    kt.channel_pass(pass, x + r * cols, g ? g + r * cols : nullptr, l, j0, j1, f, out + r * cols);
  });
}

}  // namespace

void layer_norm(const float* x, long rows, long cols, const float* w, const float* b, float eps, float* y, float* mean,
                float* rstd) {
  const KernelTable& kt = active_kernels();
  parallel_for((size_t)rows, row_grain(cols), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float mu = kt.sum(xr, (size_t)cols) / (float)cols;
      kt.affine(xr, mu, 1.0f, nullptr, nullptr, yr, (size_t)cols);  // the deviations, kept in y until scaled
      const float var = kt.dot(yr, yr, (size_t)cols) / (float)cols;
      const float rs = 1.0f / std::sqrt(var + eps);
      kt.affine(yr, 0.0f, rs, w, b, yr, (size_t)cols);
      mean[r] = mu;
      rstd[r] = rs;
    }
  });
}

void layer_norm_grad(const float* gy, const float* x, long rows, long cols, const float* w, const float* mean,
                     const float* rstd, float* gx, float* gw, float* gb) {
  const KernelTable& kt = active_kernels();
  // gw first, through gx: each row piece of gy xhat is written into gx just before column_sums adds
  // it, so no scratch of rows x cols is kept; the pass below then overwrites gx.
  if (gw) {
    column_sums(gx, rows, cols, gw, false, [&](long r, long j0, long j1) {
      const float* xr = x + r * cols;
      const float* gr = gy + r * cols;
      float* pr = gx + r * cols;
      kt.affine(xr + j0, mean[r], rstd[r], gr + j0, nullptr, pr + j0, (size_t)(j1 - j0));  // xhat times gy
    });
  }
  if (gb) column_sums(gy, rows, cols, gb, false, nullptr);
  parallel_for((size_t)rows, row_grain(cols), [&](size_t r0, size_t r1) {
    // Each thread's own rows of g and xhat (a thread_local named here is the running thread's).
    thread_local LineVector scratch;
    float* const g = at_least(scratch, 2 * (size_t)cols + 16);
    float* const xh = g + ((size_t)cols + 15) / 16 * 16;
    for (size_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      const float* gr = gy + r * cols;
      const float rs = rstd[r];
      kt.affine(xr, mean[r], rs, nullptr, nullptr, xh, (size_t)cols);
      const float* gw_row = gr;  // g = gy w, or gy itself
      if (w) {
        kt.binary(kMul, gr, 1, w, 1, g, (size_t)cols);
        gw_row = g;
      }
      const float c1 = kt.sum(gw_row, (size_t)cols) / (float)cols;
      const float c2 = kt.dot(gw_row, xh, (size_t)cols) / (float)cols;
      kt.norm_grad_row(gw_row, xh, rs, c1, c2, gx + r * cols, (size_t)cols);
    }
  });
}

// Batch normalization through the [n, c * l] view: each channel's statistics are column_sums (threaded,
// in an order fixed by the shape) folded over its l columns, and the passes that write run over
// rows (the kernel set's channel_pass, at its vector width: for the baseline ISA here, [256, 1024]'s
// forward took 108-110 us and its backward 148-160, there 84-103 and 111-123), a channel's factors
// read from per-channel arrays with l = 1 and held in registers for each run of l values otherwise.
// Composed of nine ops (mean, subtract, square, mean, add, sqrt, divide, scale, shift), the forward
// of [256, 1024] took 0.5-0.7 ms at one thread (PyTorch's kernel 0.11).
void batch_norm(const float* x, long n, long c, long l, const float* w, const float* b, float eps, bool batch_stats, float* y,
                float* mean, float* var, float* rstd) {
  const long cols = c * l;
  const float count = (float)((double)n * (double)l);
  thread_local LineVector column_buf, channel_buf;
  float* const column = at_least(column_buf, (size_t)cols);
  const ChannelScratch ch = channel_scratch(channel_buf, c, 2);
  if (batch_stats) {
    column_sums(x, n, cols, column, false, nullptr);
    channel_sums(column, c, l, count, mean);
    const float* squares[] = {mean};
    pass_column_sums(kBnSquares, x, nullptr, n, cols, l, squares, y, column);
    channel_sums(column, c, l, count, var);
  }
  float* const scale = ch[0];
  float* const shift = ch[1];
  for (long k = 0; k < c; k++) {
    rstd[k] = 1.0f / std::sqrt(var[k] + eps);
    scale[k] = w ? rstd[k] * w[k] : rstd[k];
    shift[k] = b ? b[k] : 0.0f;
  }
  const float* affine[] = {mean, scale, shift};
  pass_rows(kBnAffine, x, nullptr, n, cols, l, affine, y);
}

void batch_norm_grad(const float* gy, const float* x, long n, long c, long l, const float* w, const float* mean, const float* rstd,
                     bool batch_stats, float* gx, float* gw, float* gb) {
  const long cols = c * l;
  const float count = (float)((double)n * (double)l);
  thread_local LineVector column_buf, channel_buf;
  float* const column = at_least(column_buf, (size_t)cols);
  const ChannelScratch ch = channel_scratch(channel_buf, c, 4);
  // Channel sums of gy xhat (written through gx, which the last pass overwrites) and of gy.
  float* const sum_gx = ch[0];
  float* const sum_g = ch[1];
  if (batch_stats || gw) {
    const float* xhat_g[] = {mean, rstd};
    pass_column_sums(kBnXhatG, x, gy, n, cols, l, xhat_g, gx, column);
    channel_sums(column, c, l, 1.0f, sum_gx);
    if (gw) std::copy(sum_gx, sum_gx + c, gw);
  }
  if (batch_stats || gb) {
    column_sums(gy, n, cols, column, false, nullptr);
    channel_sums(column, c, l, 1.0f, sum_g);
    if (gb) std::copy(sum_g, sum_g + c, gb);
  }
  float* const scale = ch[2];
  for (long k = 0; k < c; k++) scale[k] = w ? rstd[k] * w[k] : rstd[k];
  if (!batch_stats) {
    const float* scaled[] = {scale};
    pass_rows(kBnScale, nullptr, gy, n, cols, l, scaled, gx);
    return;
  }
  // gx = (gy - mean(gy) - (x - mean) q) scale, q = rstd mean(gy xhat): the means over the channel.
  float* const mean_g = sum_g;
  float* const q = ch[3];
  for (long k = 0; k < c; k++) {
    mean_g[k] = sum_g[k] / count;
    q[k] = rstd[k] * (sum_gx[k] / count);
  }
  const float* grad[] = {mean, mean_g, q, scale};
  pass_rows(kBnGrad, x, gy, n, cols, l, grad, gx);
}

}  // namespace bp

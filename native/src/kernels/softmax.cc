#include "softmax.h"

#include <algorithm>
#include <cmath>

#include "../runtime/thread_pool.h"
#include "table.h"

namespace bp {
namespace {

constexpr size_t kWork = 32768;  // elements per task

size_t row_grain(long len) { return std::max<size_t>(1, kWork / (size_t)std::max<long>(len, 1)); }

// Smoothed target q[c] for one row: (1 - eps) * (one-hot or given probability) + eps / cols.
inline float target_at(long r, long c, long cols, const int32_t* ti, const float* tp, float eps) {
  const float t = ti ? (ti[r] == c ? 1.0f : 0.0f) : tp[r * cols + c];
  return (1.0f - eps) * t + eps / (float)cols;
}

}  // namespace

void softmax(const float* x, long outer, long len, long inner, float* y, bool log) {
  const KernelTable& kt = active_kernels();
  if (inner == 1) {
    parallel_for((size_t)outer, row_grain(len), [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) kt.softmax_row(x + o * len, y + o * len, (size_t)len, log);
    });
    return;
  }
  parallel_for((size_t)(outer * inner), row_grain(len), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; t++) {
      const long o = (long)t / inner, i = (long)t % inner;
      const float* xs = x + o * len * inner + i;
      float* ys = y + o * len * inner + i;
      float mx = -INFINITY;
      for (long l = 0; l < len; l++) mx = std::max(mx, xs[l * inner]);
      float s = 0;
      for (long l = 0; l < len; l++) s += std::exp(xs[l * inner] - mx);
      const float lse = std::log(s);
      for (long l = 0; l < len; l++) {
        const float z = xs[l * inner] - mx;
        ys[l * inner] = log ? z - lse : std::exp(z) / s;
      }
    }
  });
}

void softmax_grad(const float* y, const float* gy, long outer, long len, long inner, float* gx, bool log) {
  parallel_for((size_t)(outer * inner), row_grain(len), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; t++) {
      const long o = (long)t / inner, i = (long)t % inner;
      const long base = o * len * inner + i;
      float dot = 0;
      for (long l = 0; l < len; l++) {
        const long j = base + l * inner;
        dot += log ? gy[j] : gy[j] * y[j];
      }
      for (long l = 0; l < len; l++) {
        const long j = base + l * inner;
        gx[j] = log ? gy[j] - std::exp(y[j]) * dot : y[j] * (gy[j] - dot);
      }
    }
  });
}

void cross_entropy(const float* logits, long rows, long cols, const int32_t* ti, const float* tp, float eps,
                   float* loss, float* prob) {
  const KernelTable& kt = active_kernels();
  parallel_for((size_t)rows, row_grain(cols), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      float* p = prob + r * cols;
      // log-softmax first: the loss reads log-probabilities, exact even where the probability underflows.
      kt.softmax_row(logits + r * cols, p, (size_t)cols, true);
      float l = 0;
      if (ti && eps == 0.0f) {
        l = -p[ti[r]];
      } else {
        for (long c = 0; c < cols; c++) {
          const float q = target_at((long)r, c, cols, ti, tp, eps);
          if (q != 0.0f) l -= q * p[c];
        }
      }
      loss[r] = l;
      kt.unary(kExp, p, p, (size_t)cols, 0.0f);
    }
  });
}

void cross_entropy_grad(const float* prob, long rows, long cols, const int32_t* ti, const float* tp, float eps,
                        const float* row_scale, float* gx) {
  parallel_for((size_t)rows, row_grain(cols), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      const float s = row_scale[r];
      const float* p = prob + r * cols;
      float* g = gx + r * cols;
      if (ti) {
        // Index targets: the smoothed target sums to 1.
        const float off = eps / (float)cols;
        for (long c = 0; c < cols; c++) g[c] = s * (p[c] - off);
        g[ti[r]] -= s * (1.0f - eps);
      } else {
        float sum_q = 0;
        for (long c = 0; c < cols; c++) sum_q += target_at((long)r, c, cols, ti, tp, eps);
        for (long c = 0; c < cols; c++) g[c] = s * (p[c] * sum_q - target_at((long)r, c, cols, ti, tp, eps));
      }
    }
  });
}

}  // namespace bp

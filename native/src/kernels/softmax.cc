#include "softmax.h"

#include <algorithm>
#include <cmath>

#include "../runtime/line_vector.h"
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

// Softmax along a dim that is not the last (inner > 1): each of the outer x inner columns is len
// elements inner apart. One column at a time read one float per cache line, and past 1024 floats
// of inner one per page: dim 0 of a 2048 x 2048 tensor took 85 ms (PyTorch 17). Blocks of up to
// kCols neighbouring columns go down the rows together instead, each row's part one kernel-table
// call, the block about kBlockBytes so that it stays in L2 between the passes (64 columns of 2048
// rows, 256 of 256). The first pass, which brings the block in, walks rows a whole row apart, which
// the hardware prefetchers do not follow across pages: it prefetches kAhead rows ahead. [64, 256,
// 256] along dim 1 at one thread: 7.7 -> 2.3-3.8 ms with both (PyTorch 6.1-6.5); 2048 x 2048 along
// dim 0: 7.4-10 -> 6.0-7.7 (PyTorch 16).
constexpr long kCols = 256;
constexpr long kBlockBytes = 512 << 10;
constexpr long kAhead = 16;

// Asks for the w floats at p to be brought into the caches.
inline void prefetch_part(const float* p, long w) {
  const char* b = reinterpret_cast<const char*>(p);
  // (GCC's builtin: this file is compiled for any target, aarch64 included)
  for (long at = 0; at < w * (long)sizeof(float); at += 64) __builtin_prefetch(b + at, 0, 3);
}

// Calls block(offset of the block's first element, its width) over all column blocks. Each thread
// takes one contiguous range of them: handed out one by one, neighbouring blocks went to both cores
// and dim 0 of 2048 x 2048 ran no faster on two threads than on one (each core has a last-level
// cache of its own here, and lines the other core had touched came from it). Each column's sums
// run down its rows in order, and the exp kernel gives an element the same bits wherever it sits
// in its call (tails go through the vector formula), so however the columns are cut the numbers are
// the same at any thread count. Ranges and blocks start at multiples of 16 columns: whole lines.
template <class Block>
void for_column_blocks(long outer, long len, long inner, Block block) {
  const long threads = ThreadPool::instance().threads();
  // Columns are cut into ranges only where there are fewer outer slices than threads.
  const long parts = outer >= threads ? 1 : std::min((threads + outer - 1) / outer, (inner + 15) / 16);
  const long range = ((inner + parts - 1) / parts + 15) / 16 * 16;
  const long per = (inner + range - 1) / range;
  const long tasks = outer * per;
  // As wide as kBlockBytes allows, 64 to kCols columns: each call of a kernel-table loop then covers
  // more of a row (64 columns of [64, 256, 256] made 65536 calls of each per pass).
  const long width = std::clamp(kBlockBytes / (len * (long)sizeof(float)) / 16 * 16, 64L, kCols);
  const size_t grain = (size_t)std::max((tasks + threads - 1) / threads, (long)kWork / std::max(len * range, 1L) + 1);
  parallel_for((size_t)tasks, grain, [&](size_t b, size_t e) {
    for (size_t t = b; t < e; t++) {
      const long o = (long)t / per, c0 = (long)t % per * range, c1 = std::min(inner, c0 + range);
      for (long c = c0; c < c1; c += width) block(o * len * inner + c, std::min(width, c1 - c));
    }
  });
}

}  // namespace

void softmax(const float* x, long outer, long len, long inner, float* y, bool log) {
  if (outer * len * inner == 0) return;  // nothing to write (and no column blocks to cut)
  const KernelTable& kt = active_kernels();
  if (inner == 1) {
    parallel_for((size_t)outer, row_grain(len), [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) kt.softmax_row(x + o * len, y + o * len, (size_t)len, log);
    });
    return;
  }
  for_column_blocks(outer, len, inner, [&](long at, long w) {
    float mx[kCols], s[kCols], e[kCols];
    std::fill(mx, mx + w, -INFINITY);
    std::fill(s, s + w, 0.0f);
    // Each row's part through the kernel table (vectors of the machine's width): compiled here, for
    // the baseline ISA, the max was a scalar compare and branch per element (std::max is not maxps
    // for the compiler, NaN being its own case), and a [64, 256, 256] softmax along dim 1 took 7.7 ms
    // at one thread (PyTorch 6.1-6.7). torch.maximum's NaN rule: a NaN in the column makes every
    // output NaN, as the sum made it before.
    for (long l = 0; l < len; l++) {
      if (l + kAhead < len) prefetch_part(x + at + (l + kAhead) * inner, w);
      kt.binary(kMaximum, x + at + l * inner, 1, mx, 1, mx, (size_t)w);
    }
    for (long l = 0; l < len; l++) {
      const float* xl = x + at + l * inner;
      float* el = log ? e : y + at + l * inner;  // softmax keeps the exponentials for the last pass
      kt.binary(kSub, xl, 1, mx, 1, el, (size_t)w);
      kt.unary(kExp, el, el, (size_t)w, 0.0f);
      kt.add_rows(el, s, (size_t)w);
    }
    for (long c = 0; c < w; c++) s[c] = log ? std::log(s[c]) : 1.0f / s[c];
    for (long l = 0; l < len; l++) {
      const float* xl = x + at + l * inner;
      float* yl = y + at + l * inner;
      if (log) {  // softmax_row's order: (x - max) - log(sum)
        kt.binary(kSub, xl, 1, mx, 1, yl, (size_t)w);
        kt.binary(kSub, yl, 1, s, 1, yl, (size_t)w);
      } else {
        kt.binary(kMul, yl, 1, s, 1, yl, (size_t)w);
      }
    }
  });
}

void softmax_grad(const float* y, const float* gy, long outer, long len, long inner, float* gx, bool log) {
  if (outer * len * inner == 0) return;
  const KernelTable& kt = active_kernels();
  if (inner == 1) {
    parallel_for((size_t)outer, row_grain(len), [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) {
        const float* yr = y + o * len;
        const float* gr = gy + o * len;
        float* xr = gx + o * len;
        float dot = 0;
        for (long l = 0; l < len; l++) dot += log ? gr[l] : gr[l] * yr[l];
        if (log) {
          // e^y by the exp kernel (as the columns below), then gy - e^y dot: std::exp one float at
          // a time made log-softmax's backward of [256, 1024] 1.2 ms, 4x softmax's. Into a scratch
          // row of this thread's, so that gx may be gy.
          thread_local LineVector exp_row;
          float* e = at_least(exp_row, (size_t)len);
          kt.unary(kExp, yr, e, (size_t)len, 0.0f);
          for (long l = 0; l < len; l++) xr[l] = gr[l] - e[l] * dot;
        } else {
          for (long l = 0; l < len; l++) xr[l] = yr[l] * (gr[l] - dot);
        }
      }
    });
    return;
  }
  for_column_blocks(outer, len, inner, [&](long at, long w) {
    float dot[kCols], e[kCols];
    std::fill(dot, dot + w, 0.0f);
    for (long l = 0; l < len; l++) {
      const float* yl = y + at + l * inner;
      const float* gl = gy + at + l * inner;
      if (log) for (long c = 0; c < w; c++) dot[c] += gl[c];
      else for (long c = 0; c < w; c++) dot[c] += gl[c] * yl[c];
    }
    for (long l = 0; l < len; l++) {
      const float* yl = y + at + l * inner;
      const float* gl = gy + at + l * inner;
      float* xl = gx + at + l * inner;
      if (log) {
        kt.unary(kExp, yl, e, (size_t)w, 0.0f);
        for (long c = 0; c < w; c++) xl[c] = gl[c] - e[c] * dot[c];
      } else {
        for (long c = 0; c < w; c++) xl[c] = yl[c] * (gl[c] - dot[c]);
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
    }
    // The probabilities of the chunk's rows in one call (the same bits as row by row: unary's value
    // of an element does not depend on where it sits), not one call per row of a few classes.
    float* const p0 = prob + r0 * cols;
    kt.unary(kExp, p0, p0, (r1 - r0) * (size_t)cols, 0.0f);
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

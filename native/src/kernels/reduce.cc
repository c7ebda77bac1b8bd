#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../runtime/thread_pool.h"
#include "table.h"

namespace bp {
namespace {

constexpr size_t kChunk = 16384;  // fixed chunk of a long reduction: partials combine in this order
constexpr size_t kSerialElements = (size_t)1 << 21;  // below this a pass down the rows stays on one thread

float reduce_run(int op, const float* x, long len, long stride, int32_t* arg_out) {
  const KernelTable& kt = active_kernels();
  if (is_extreme(op) && stride == 1 && len > 0) {
    int32_t arg = 0;
    const float best = kt.extreme_index(x, (size_t)len, op == kReduceMin, &arg);
    if (arg_out) *arg_out = arg;
    return best;
  }
  if (is_extreme(op)) {
    const bool smallest = op == kReduceMin;
    float best = smallest ? INFINITY : -INFINITY;
    int32_t arg = 0;
    for (long l = 0; l < len; l++) {
      const float v = x[l * stride];
      if ((smallest ? v < best : v > best) || std::isnan(v)) {
        best = v;
        arg = (int32_t)l;
        if (std::isnan(v)) break;
      }
    }
    if (arg_out) *arg_out = arg;
    return best;
  }
  float s = 0;
  if (op == kReduceSumSquares) {
    for (long l = 0; l < len; l++) s += x[l * stride] * x[l * stride];
  } else if (stride == 1) {
    s = kt.sum(x, (size_t)len);
  } else {
    for (long l = 0; l < len; l++) s += x[l * stride];
  }
  return op == kReduceMean ? s / (float)len : s;
}

}  // namespace

size_t column_block(long rows, long cols, size_t min_elems) {
  // One band per thread: 64-column blocks handed out in turn had both cores reading interleaved
  // 256-byte pieces of every row, and a 256x1024 sum ran slower on two threads than on one. Below
  // kSerialElements elements one thread is faster still: a 256x1024 gradient just written by a GEMM
  // sits half in each core's cache (step_profile, W3 at 2 threads: its four reductions took
  // 0.16-0.18 ms threaded, 0.075-0.083 on one thread).
  size_t threads = (size_t)rows * (size_t)cols < kSerialElements ? 1 : (size_t)ThreadPool::instance().threads();
  // Nor is a band of fewer than 1024 columns (4 KiB of each row) worth a thread (Zen 5, sum along
  // dim 0 at 2 threads, addon loop, 2 alternated runs): 4096x1024 0.62-0.63 -> 0.26-0.27 ms, 8192x1024
  // 1.54-1.62 -> 0.75-0.76, one thread's own figures; 2048x2048 and wider the same either way.
  if ((size_t)cols / threads < 1024) threads = 1;
  const size_t band = ((size_t)cols + threads - 1) / threads;
  return std::max<size_t>({64, min_elems / (size_t)std::max<long>(rows, 1), (band + 15) / 16 * 16});
}

void reduce(int op, const float* x, long outer, long len, long inner, float* out, int32_t* arg) {
  const KernelTable& kt = active_kernels();
  if (outer == 1 && inner == 1 && !is_extreme(op) && (size_t)len > kChunk) {
    // One long sum: fixed chunks, partial sums in double, combined in chunk order.
    const size_t chunks = ((size_t)len + kChunk - 1) / kChunk;
    // Reused across calls; workers reach it through this local reference (a thread_local named
    // inside the lambda would be each worker's own, empty instance).
    thread_local std::vector<double> part_buf;
    std::vector<double>& part = part_buf;
    part.assign(chunks, 0.0);
    const int inner_op = op == kReduceSumSquares ? kReduceSumSquares : kReduceSum;
    parallel_each(chunks, [&](size_t c) {
      const size_t b = c * kChunk, e = std::min((size_t)len, b + kChunk);
      part[c] = reduce_run(inner_op, x + b, (long)(e - b), 1, nullptr);
    });
    double s = 0;
    for (double p : part) s += p;
    out[0] = (float)(op == kReduceMean ? s / (double)len : s);
    return;
  }
  if (inner == 1) {
    parallel_for((size_t)outer, std::max<size_t>(1, kChunk / (size_t)std::max<long>(len, 1)), [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) out[o] = reduce_run(op, x + o * len, len, 1, arg ? arg + o : nullptr);
    });
    return;
  }
  if ((op == kReduceSum || op == kReduceMean) && inner < 16 && (size_t)(len * inner) <= kChunk) {
    // A few narrow columns (a small layer's bias gradient): one plain loop, no call per row. Each
    // column is summed over the rows in the same order as below, so results do not change.
    for (long o = 0; o < outer; o++) {
      float* dst = out + o * inner;
      const float* src = x + o * len * inner;
      long i = 0;
      for (; i + 4 <= inner; i += 4) {  // four columns at a time, in registers
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (long l = 0; l < len; l++) {
          const float* r = src + l * inner + i;
          s0 += r[0];
          s1 += r[1];
          s2 += r[2];
          s3 += r[3];
        }
        dst[i] = s0;
        dst[i + 1] = s1;
        dst[i + 2] = s2;
        dst[i + 3] = s3;
      }
      for (; i < inner; i++) {
        float s = 0;
        for (long l = 0; l < len; l++) s += src[l * inner + i];
        dst[i] = s;
      }
      if (op == kReduceMean) {
        const float inv = 1.0f / (float)len;
        for (i = 0; i < inner; i++) dst[i] *= inv;
      }
    }
    return;
  }
  if (op == kReduceSum || op == kReduceMean) {
    // Column sums: add whole rows (vectorized) into the output, split over columns for threads.
    const size_t col_grain = column_block(len, inner, kChunk);
    for (long o = 0; o < outer; o++) {
      float* dst = out + o * inner;
      const float* src = x + o * len * inner;
      parallel_for((size_t)inner, col_grain, [&](size_t i0, size_t i1) {
        std::fill(dst + i0, dst + i1, 0.0f);
        for (long l = 0; l < len; l++) kt.add_rows(src + l * inner + i0, dst + i0, i1 - i0);
        if (op == kReduceMean) {
          const float inv = 1.0f / (float)len;
          for (size_t i = i0; i < i1; i++) dst[i] *= inv;
        }
      });
    }
    return;
  }
  parallel_for((size_t)(outer * inner), 256, [&](size_t b, size_t e) {
    for (size_t t = b; t < e; t++) {
      const long o = (long)t / inner, i = (long)t % inner;
      out[t] = reduce_run(op, x + o * len * inner + i, len, inner, arg ? arg + t : nullptr);
    }
  });
}

double sum_squares(const std::vector<std::pair<const float*, size_t>>& xs) {
  thread_local std::vector<std::pair<const float*, size_t>> chunk_buf;
  thread_local std::vector<double> part_buf;
  auto& chunks = chunk_buf;  // local references: see reduce() above
  auto& part = part_buf;
  chunks.clear();
  for (auto& [p, n] : xs)
    for (size_t b = 0; b < n; b += kChunk) chunks.emplace_back(p + b, std::min(kChunk, n - b));
  part.assign(chunks.size(), 0.0);
  parallel_each(chunks.size(), [&](size_t c) {
    double s = 0;
    const float* p = chunks[c].first;
    for (size_t i = 0; i < chunks[c].second; i++) s += (double)p[i] * p[i];
    part[c] = s;
  });
  double s = 0;
  for (double v : part) s += v;
  return s;
}

}  // namespace bp

#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <type_traits>

#include "../runtime/line_vector.h"
#include "../runtime/thread_pool.h"
#include "table.h"

namespace bp {
namespace {

constexpr size_t kChunk = 16384;  // fixed chunk of a long reduction: partials combine in this order
constexpr size_t kSerialElements = (size_t)1 << 21;  // below this a pass down the rows stays on one thread
constexpr long kRowBlock = 128;  // rows of a tall column sum summed into one partial row (column_sums)

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
  if (op == kReduceSumSquares && stride == 1) {
    // The squares exact in double, summed in sum_squares' lanes, rounded once.
    return (float)kt.sum_squares(x, (size_t)len);
  } else if (op == kReduceSumSquares) {
    for (long l = 0; l < len; l++) s += x[l * stride] * x[l * stride];
  } else if (stride == 1) {
    s = kt.sum(x, (size_t)len);
  } else {
    for (long l = 0; l < len; l++) s += x[l * stride];
  }
  return op == kReduceMean ? s / (float)len : s;
}

// Max or min (and where it is) down the rows of one [len, inner] slice, into dst and at: whole rows
// are compared at once (kt.extreme_rows), `parts` runs of rows each on a thread of its own, their
// running extremes then merged in row order. Comparisons round nothing, so the merge gives what one
// pass down every column gives, at any thread count. Walking each column down the rows instead, as
// a strided row, read one element of each line: 2048x2048 along dim 0 took 28 ms at one thread
// (along dim 1, 0.6 ms).
void extreme_slice(bool smallest, const float* src, long len, long inner, float* dst, int32_t* at, size_t parts) {
  const KernelTable& kt = active_kernels();
  const float none = smallest ? INFINITY : -INFINITY;
  const size_t stride = ((size_t)inner + 15) / 16 * 16;
  // Parts past the first keep their extremes here until the merge; the first writes the output
  // (and own_arg stands in for an index output nobody asked for). Each thread that runs a slice has
  // its own.
  thread_local LineVector part_best_buf;
  thread_local std::vector<int32_t> part_arg_buf, own_arg_buf;
  float* const part_best = at_least(part_best_buf, (parts - 1) * stride);
  if (part_arg_buf.size() < (parts - 1) * stride) part_arg_buf.resize((parts - 1) * stride);
  if (!at && own_arg_buf.size() < (size_t)inner) own_arg_buf.resize((size_t)inner);
  int32_t* const part_arg = part_arg_buf.data();
  if (!at) at = own_arg_buf.data();
  parallel_each(parts, [&](size_t p) {
    const long r0 = (long)((size_t)len * p / parts), r1 = (long)((size_t)len * (p + 1) / parts);
    float* b = p == 0 ? dst : part_best + (p - 1) * stride;
    int32_t* a = p == 0 ? at : part_arg + (p - 1) * stride;
    std::fill(b, b + inner, none);
    std::fill(a, a + inner, (int32_t)r0);
    for (long l = r0; l < r1; l++) kt.extreme_rows(src + l * inner, b, a, (size_t)inner, (int32_t)l, smallest);
  });
  for (size_t p = 1; p < parts; p++) {
    const float* b = part_best + (p - 1) * stride;
    const int32_t* a = part_arg + (p - 1) * stride;
    for (long i = 0; i < inner; i++) {
      if (((smallest ? b[i] < dst[i] : b[i] > dst[i]) || std::isnan(b[i])) && !std::isnan(dst[i])) {
        dst[i] = b[i];
        at[i] = a[i];
      }
    }
  }
}

// Runs slice(o) for each of `outer` slices of `slice_elems` elements: one after the other, each
// threaded inside when it is large; one thread per run of slices when they are small and many
// (a [64, 256, 256] max along dim 1 ran on one thread: 1.2 ms at two threads, PyTorch 0.2).
void for_slices(long outer, size_t slice_elems, const std::function<void(long o, bool threaded)>& slice) {
  if (outer > 1 && slice_elems < kSerialElements && (size_t)outer * slice_elems >= kSerialElements) {
    parallel_each((size_t)outer, [&](size_t o) { slice((long)o, false); });
    return;
  }
  for (long o = 0; o < outer; o++) slice(o, slice_elems >= kSerialElements);
}

// Width of the column bands that column_sums cuts a rows x cols matrix into for threads: one band
// per thread, at least 64 columns and min_elems elements a band, and the whole width on one thread
// below 2M elements. Each column is still summed down the rows in the same order.
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

}  // namespace

void column_sums(const float* x, long rows, long cols, float* out, bool mean, const RowHook& before_row) {
  const KernelTable& kt = active_kernels();
  const float inv = 1.0f / (float)rows;
  if ((size_t)rows * (size_t)cols >= kSerialElements && rows >= 2 * kRowBlock) {
    // Tall: each block of kRowBlock rows is summed down its rows into a partial row of its own, then
    // the partials are added in block order. Blocks are cut by the shape alone, so the sums are the
    // same at any thread count, and each thread reads whole rows. Bands of columns (below) had each
    // core read part of every row, and 2048x2048 and 4096x4096 sums along dim 0 ran slower on two
    // threads than on one (Zen 5, through the API, medians of 3 alternated runs: 0.38-0.45 ms at 2
    // threads against 0.27-0.33 at 1, and 2.8-3.5 against 2.5-2.9; in blocks 0.13 and 1.18-1.26 ms
    // at 2 threads). 128 rows a block cost one thread 0-2% over the single pass (C++ harness,
    // interleaved, medians); 64 cost 2-8%.
    const size_t blocks = ((size_t)rows + kRowBlock - 1) / kRowBlock;
    // Each partial row starts on a cache line: rows straddling two lines made every vector store
    // two.
    const size_t stride = ((size_t)cols + 15) / 16 * 16;
    thread_local LineVector partial_buf;  // reused across calls; workers reach it through `partial`
    float* const partial = at_least(partial_buf, blocks * stride);
    parallel_each(blocks, [&](size_t b) {
      float* dst = partial + b * stride;
      const long r0 = (long)b * kRowBlock, r1 = std::min(rows, r0 + kRowBlock);
      std::fill(dst, dst + cols, 0.0f);
      for (long l = r0; l < r1; l++) {
        if (before_row) before_row(l, 0, cols);
        kt.add_rows(x + l * cols, dst, (size_t)cols);
      }
    });
    parallel_for((size_t)cols, column_block(1, cols, kChunk), [&](size_t i0, size_t i1) {
      std::copy(partial + i0, partial + i1, out + i0);
      for (size_t b = 1; b < blocks; b++) kt.add_rows(partial + b * stride + i0, out + i0, i1 - i0);
      if (mean) for (size_t i = i0; i < i1; i++) out[i] *= inv;
    });
    return;
  }
  // Whole rows added (vectorized) into the output, split over bands of columns for threads.
  parallel_for((size_t)cols, column_block(rows, cols, kChunk), [&](size_t i0, size_t i1) {
    std::fill(out + i0, out + i1, 0.0f);
    for (long l = 0; l < rows; l++) {
      if (before_row) before_row(l, (long)i0, (long)i1);
      kt.add_rows(x + l * cols + i0, out + i0, i1 - i0);
    }
    if (mean) for (size_t i = i0; i < i1; i++) out[i] *= inv;
  });
}

namespace {

// body(o0, o1) over the slices [0, outer), threaded by slices of about kChunk elements.
template <class Body>
void by_slices(long outer, long slice, const Body& body) {
  parallel_for((size_t)outer, std::max<size_t>(1, kChunk / (size_t)std::max<long>(slice, 1)), [&](size_t o0, size_t o1) { body((long)o0, (long)o1); });
}

// Rows (inner 1) taken this many at a time by the running sums and products: each row's chain of
// dependent adds (or multiplies) is its own, so several interleave where one waits on each result
// in turn (a TypeScript loop over [65536, 64] took 10.6 ms for cumsum, 9.0 for prod).
constexpr long kRowChains = 8;

// run(o, chains) for the rows [o0, o1): kRowChains rows o ... at a time, then the rest one at a
// time (chains a std::integral_constant, so that each count's loops unroll).
template <class Run>
void by_chains(long o0, long o1, const Run& run) {
  long o = o0;
  for (; o + kRowChains <= o1; o += kRowChains) run(o, std::integral_constant<long, kRowChains>{});
  for (; o < o1; o++) run(o, std::integral_constant<long, 1>{});
}

}  // namespace

void reduce(int op, const float* x, long outer, long len, long inner, float* out, int32_t* arg) {
  if (outer == 1 && inner == 1 && !is_extreme(op) && (size_t)len > kChunk) {
    // One long sum: fixed chunks, partial sums in double, combined in chunk order.
    const size_t chunks = ((size_t)len + kChunk - 1) / kChunk;
    // Reused across calls; workers reach it through this local reference (a thread_local named
    // inside the lambda would be each worker's own, empty instance).
    thread_local std::vector<double> part_buf;
    std::vector<double>& part = part_buf;
    part.assign(chunks, 0.0);
    const KernelTable& kt = active_kernels();
    parallel_each(chunks, [&](size_t c) {
      const size_t b = c * kChunk, e = std::min((size_t)len, b + kChunk);
      // A chunk's squares summed in double stay in double.
      part[c] = op == kReduceSumSquares ? kt.sum_squares(x + b, e - b) : reduce_run(kReduceSum, x + b, (long)(e - b), 1, nullptr);
    });
    double s = 0;
    for (double p : part) s += p;
    out[0] = (float)(op == kReduceMean ? s / (double)len : s);
    return;
  }
  if (inner == 1) {
    const KernelTable& kt = active_kernels();
    const bool sums = (op == kReduceSum || op == kReduceMean) && kt.sum_rows;
    const bool extremes = is_extreme(op) && len > 0 && kt.extreme_index_rows;
    by_slices(outer, len, [&](long o0, long o1) {
      if (extremes) {
        // reduce_run's extremes of the rows (and where they are), a run of rows to a call.
        kt.extreme_index_rows(x + o0 * len, (size_t)(o1 - o0), (size_t)len, op == kReduceMin, out + o0, arg ? arg + o0 : nullptr);
        return;
      }
      if (sums) {
        // reduce_run's sums (and means) of the rows, a run of rows to a call.
        kt.sum_rows(x + o0 * len, (size_t)(o1 - o0), (size_t)len, out + o0);
        if (op == kReduceMean) for (long o = o0; o < o1; o++) out[o] = out[o] / (float)len;
        return;
      }
      for (long o = o0; o < o1; o++) out[o] = reduce_run(op, x + o * len, len, 1, arg ? arg + o : nullptr);
    });
    return;
  }
  if (is_extreme(op)) {
    const size_t threads = (size_t)ThreadPool::instance().threads();
    for_slices(outer, (size_t)len * (size_t)inner, [&](long o, bool threaded) {
      extreme_slice(op == kReduceMin, x + o * len * inner, len, inner, out + o * inner, arg ? arg + o * inner : nullptr,
                    threaded ? std::min<size_t>((size_t)len, threads) : 1);
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
    // column_sums' threads depend on one slice's size: inside a pool task it runs on that thread.
    for_slices(outer, (size_t)len * (size_t)inner, [&](long o, bool) {
      column_sums(x + o * len * inner, len, inner, out + o * inner, op == kReduceMean, nullptr);
    });
    return;
  }
  parallel_for((size_t)(outer * inner), 256, [&](size_t b, size_t e) {
    for (size_t t = b; t < e; t++) {
      const long o = (long)t / inner, i = (long)t % inner;
      out[t] = reduce_run(op, x + o * len * inner + i, len, inner, arg ? arg + t : nullptr);
    }
  });
}

namespace {

// log(e^a + e^b) in double as the reference's logAddExp: NaN where either is, -inf where both are,
// inf where either is (lo - hi would be NaN there).
inline double log_add_exp(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  const double hi = std::max(a, b), lo = std::min(a, b);
  if (std::isinf(hi)) return hi;
  return hi + std::log1p(std::exp(lo - hi));
}

// Running folds of x as [outer, len, inner] along len: each accumulated in double from the fold's
// identity and written rounded. cumsum's, cumprod's and logcumsumexp's one loop.
template <int Op>
void running_fold(const float* x, long outer, long len, long inner, float* out, bool reverse) {
  constexpr double kStart = Op == kFoldSum ? 0.0 : Op == kFoldProduct ? 1.0 : -INFINITY;
  const auto at = [&](long j) { return reverse ? len - 1 - j : j; };
  const auto fold = [](double acc, float v) {
    if constexpr (Op == kFoldSum) return acc + v;
    else if constexpr (Op == kFoldProduct) return acc * v;
    else return log_add_exp(acc, v);
  };
  by_slices(outer, len * inner, [&](long o0, long o1) {
    if (inner == 1) {
      by_chains(o0, o1, [&](long o, auto chains) {
        constexpr long kChains = decltype(chains)::value;
        double acc[kChains];
        std::fill(acc, acc + kChains, kStart);
        for (long j = 0; j < len; j++)
          for (long q = 0; q < kChains; q++) {
            const long k = (o + q) * len + at(j);
            acc[q] = fold(acc[q], x[k]);
            out[k] = (float)acc[q];
          }
      });
      return;
    }
    // The inner positions advance together, one double each: memory read in order.
    thread_local std::vector<double> acc_buf;
    std::vector<double>& acc = acc_buf;
    for (long o = o0; o < o1; o++) {
      acc.assign((size_t)inner, kStart);
      for (long j = 0; j < len; j++) {
        const float* src = x + (o * len + at(j)) * inner;
        float* dst = out + (o * len + at(j)) * inner;
        for (long i = 0; i < inner; i++) {
          acc[i] = fold(acc[i], src[i]);
          dst[i] = (float)acc[i];
        }
      }
    }
  });
}

}  // namespace

void running_fold(int op, const float* x, long outer, long len, long inner, float* out, bool reverse) {
  switch (op) {
    case kFoldSum: return running_fold<kFoldSum>(x, outer, len, inner, out, reverse);
    case kFoldProduct: return running_fold<kFoldProduct>(x, outer, len, inner, out, reverse);
    case kFoldLogAddExp: return running_fold<kFoldLogAddExp>(x, outer, len, inner, out, reverse);
    default: return;
  }
}

namespace {

// A running extreme's step: v takes over from best at the first position, at a NaN (which then
// stays, as no later value beats it), and where it reaches best (the latest of equal values).
template <bool Largest>
inline bool takes_over(float v, float best) {
  return v != v || (best == best && (Largest ? v >= best : v <= best));
}

template <bool Largest>
void running_picks(const float* x, long outer, long len, long inner, float* at) {
  by_slices(outer, len * inner, [&](long o0, long o1) {
    if (inner == 1) {
      for (long o = o0; o < o1; o++) {
        const float* row = x + o * len;
        float* pos = at + o * len;
        if (len == 0) continue;
        float best = row[0];
        long where = 0;
        pos[0] = 0.0f;
        for (long k = 1; k < len; k++) {
          if (takes_over<Largest>(row[k], best)) best = row[k], where = k;
          pos[k] = (float)where;
        }
      }
      return;
    }
    // The inner positions advance together: memory read in order.
    thread_local std::vector<float> best_buf, where_buf;
    std::vector<float>& best = best_buf;
    std::vector<float>& where = where_buf;
    for (long o = o0; o < o1; o++) {
      if (len == 0) continue;
      const float* first = x + o * len * inner;
      best.assign(first, first + inner);
      where.assign((size_t)inner, 0.0f);
      std::fill(at + o * len * inner, at + o * len * inner + inner, 0.0f);
      for (long k = 1; k < len; k++) {
        const float* src = first + k * inner;
        float* dst = at + (o * len + k) * inner;
        for (long i = 0; i < inner; i++) {
          if (takes_over<Largest>(src[i], best[i])) best[i] = src[i], where[i] = (float)k;
          dst[i] = where[i];
        }
      }
    }
  });
}

}  // namespace

void running_picks(const float* x, long outer, long len, long inner, bool largest, float* at) {
  if (largest) running_picks<true>(x, outer, len, inner, at);
  else running_picks<false>(x, outer, len, inner, at);
}

void products(const float* x, long outer, long len, long inner, float* out) {
  by_slices(outer, len * inner, [&](long o0, long o1) {
    if (inner == 1) {
      by_chains(o0, o1, [&](long o, auto chains) {
        constexpr long kChains = decltype(chains)::value;
        float p[kChains];
        std::fill(p, p + kChains, 1.0f);
        for (long j = 0; j < len; j++)
          for (long q = 0; q < kChains; q++) p[q] *= x[(o + q) * len + j];
        std::copy(p, p + kChains, out + o);
      });
      return;
    }
    for (long o = o0; o < o1; o++) {
      float* dst = out + o * inner;
      std::fill(dst, dst + inner, 1.0f);
      for (long j = 0; j < len; j++) {
        const float* src = x + (o * len + j) * inner;
        for (long i = 0; i < inner; i++) dst[i] *= src[i];
      }
    }
  });
}

namespace {

// The sum of part(c) over c < count, threaded, the partials added in order: the same at any thread
// count when each part is.
template <class Part>
double sum_of_parts(size_t count, const Part& part) {
  thread_local std::vector<double> part_buf;
  auto& parts = part_buf;  // a local reference: see reduce() above
  parts.assign(count, 0.0);
  parallel_each(count, [&](size_t c) { parts[c] = part(c); });
  double s = 0;
  for (double v : parts) s += v;
  return s;
}

// The chunks of xs through the table's per-chunk sum (sum_squares or sum_abs), threaded, added in order.
double sum_chunks(const std::vector<std::pair<const float*, size_t>>& xs, double (*KernelTable::*chunk_sum)(const float*, size_t)) {
  thread_local std::vector<std::pair<const float*, size_t>> chunk_buf;
  auto& chunks = chunk_buf;  // a local reference: see reduce() above
  chunks.clear();
  for (auto& [p, n] : xs)
    for (size_t b = 0; b < n; b += kChunk) chunks.emplace_back(p + b, std::min(kChunk, n - b));
  const KernelTable& kt = active_kernels();
  return sum_of_parts(chunks.size(), [&](size_t c) { return (kt.*chunk_sum)(chunks[c].first, chunks[c].second); });
}

}  // namespace

double sum_squares(const std::vector<std::pair<const float*, size_t>>& xs) { return sum_chunks(xs, &KernelTable::sum_squares); }
double sum_abs(const std::vector<std::pair<const float*, size_t>>& xs) { return sum_chunks(xs, &KernelTable::sum_abs); }

double sum_products(const float* x, const float* y, size_t n) {
  const KernelTable& kt = active_kernels();
  return sum_of_parts((n + kChunk - 1) / kChunk, [&](size_t c) { return kt.sum_products(x + c * kChunk, y + c * kChunk, std::min(kChunk, n - c * kChunk)); });
}

}  // namespace bp

#include "index_rows.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../runtime/thread_pool.h"
#include "elementwise.h"
#include "table.h"

namespace bp {
namespace {

// Floats copied or added per task, about (as the element-wise kernels' grain).
constexpr long kGrain = 32768;
// Positions a gather computes between copies (on the stack when no gradient needs them kept).
constexpr long kBlock = 1024;

}  // namespace

void index_rows(const float* x, long outer, long len, long inner, const int32_t* index, long count, float* out) {
  const KernelTable& kt = active_kernels();
  if (inner == 1 && count >= 64 && outer >= 8) {
    // Single elements along the last dimension, many per outer block, and blocks enough to share
    // between threads (a 1-D pick stays below, cut by rows): one tight loop per block (the loop
    // below, counting k and o per element, took 0.7 ns an element: a [2048, 2048] indexSelect along
    // dim 1 in 2.8 ms at one thread, PyTorch's 2.0).
    parallel_for((size_t)outer, (size_t)std::max(1L, kGrain / count), [&](size_t o0, size_t o1) {
      for (size_t o = o0; o < o1; o++) {
        const float* row = x + (long)o * len;
        float* dst = out + (long)o * count;
        for (long k = 0; k < count; k++) dst[k] = row[index[k]];
      }
    });
    return;
  }
  const size_t rows = (size_t)(outer * count);
  parallel_for(rows, (size_t)std::max(1L, kGrain / std::max(1L, inner)), [&](size_t r0, size_t r1) {
    // Output row r is index k of outer block o; counted along, not divided out per row (two
    // divisions cost 2 ns a row of one element).
    long o = (long)r0 / count, k = (long)r0 % count;
    for (size_t r = r0; r < r1; r++) {
      const float* src = x + (o * len + index[k]) * inner;
      if (inner == 1) out[r] = *src;  // single elements (along the last dimension): no call per float
      else kt.copy(src, out + (long)r * inner, (size_t)inner);
      if (++k == count) {
        k = 0;
        o++;
      }
    }
  });
}

template <int Op>
static void fold_each(const float* src, const int32_t* where, long count, float* out) {
  for (long e = 0; e < count; e++) {
    float& a = out[where[e]];
    const float b = src[e];
    if constexpr (Op == 0) a = b;
    else if constexpr (Op == 1) a = a + b;
    else if constexpr (Op == 2) a = a * b;
    else if constexpr (Op == 3) a = (std::isnan(b) || b > a) ? b : a;
    else a = (std::isnan(b) || b < a) ? b : a;
  }
}

void scatter_fold(const float* src, const int32_t* where, long count, int op, float* out) {
  switch (op) {
    case 0: return fold_each<0>(src, where, count, out);
    case 1: return fold_each<1>(src, where, count, out);
    case 2: return fold_each<2>(src, where, count, out);
    case 3: return fold_each<3>(src, where, count, out);
    default: return fold_each<4>(src, where, count, out);
  }
}

void index_rows_grad(const float* gy, long outer, long len, long inner, const int32_t* index, long count, float* gx,
                     int32_t skip) {
  if (inner == 1 && outer == 1) {
    // Single floats into one block (gather's backward, through its positions): one plain loop on
    // this thread. The loop below tests four things an element (a 1024 x 1024 gather's backward,
    // alternated runs: 2.79-2.87 ms, here 2.05-2.27; PyTorch's whole backward 1.0), and cut across
    // threads each task reads all the indices and gradients for a share of the adds (two threads
    // took longer than one).
    for (long k = 0; k < count; k++) {
      const int32_t i = index[k];
      if (i != skip) gx[i] += gy[k];
    }
    return;
  }
  const KernelTable& kt = active_kernels();
  // A task owns a range of destination rows and walks every index in order, taking those in its
  // range: each row's sum is then made in index order by one thread, whatever the thread count, and
  // no two threads write one row. Each task reads all the indices, and the rows it owns.
  const size_t dest = (size_t)(outer * len);
  const long work = outer * count * inner;
  const size_t threads = work < kGrain ? 1 : (size_t)ThreadPool::instance().threads();
  const size_t per_task = (dest + threads - 1) / threads;
  parallel_for(dest, std::max<size_t>(1, per_task), [&](size_t d0, size_t d1) {
    for (long o = (long)d0 / len; o < outer && o * len < (long)d1; o++) {
      for (long k = 0; k < count; k++) {
        const int32_t i = index[k];
        const long d = o * len + i;
        if (i == skip || d < (long)d0 || d >= (long)d1) continue;
        const float* src = gy + (o * count + k) * inner;
        if (inner == 1) gx[d] += *src;  // gather's elements: no call per float
        else kt.add_rows(src, gx + d * inner, (size_t)inner);
      }
    }
  });
}

long gather(const float* x, const float* index, const int32_t* ishape, const int32_t* xshape, int nd, int dim, float* out,
            int32_t* where) {
  if (nd < 1 || nd > kMaxDims) return -1;  // the addon admits neither
  long total = 1, stride = 1, xstride[kMaxDims] = {};
  for (int i = nd - 1; i >= 0; i--) {
    xstride[i] = stride;
    stride *= xshape[i];
    total *= ishape[i];
  }
  if (total == 0) return -1;
  const KernelTable& kt = active_kernels();
  // Runs of index's last dimension, cut into chunks for threads; each chunk finds its first bad
  // index, and the first of those is the answer, whatever the thread count.
  const long run = ishape[nd - 1], runs = total / run;
  const long run_step = nd - 1 == dim ? 0 : xstride[nd - 1], d_step = xstride[dim];
  const long xdim = xshape[dim];
  const size_t grain = (size_t)std::max(1L, kGrain / run);
  std::vector<long> first((runs + (long)grain - 1) / (long)grain, -1);
  parallel_for((size_t)runs, grain, [&](size_t r0, size_t r1) {
    // Without `where` (no gradient to come) the positions of a block live on the stack only.
    int32_t block[kBlock];
    // `base`: where run r starts in x from the dimensions other than dim, kept up to date as the
    // multi-index `at` of the dimensions before the last counts (started from r0 by division).
    long at[kMaxDims] = {}, base = 0;
    for (long i = nd - 2, r = (long)r0; i >= 0; i--) {
      at[i] = r % ishape[i];
      r /= ishape[i];
      if (i != dim) base += at[i] * xstride[i];
    }
    for (size_t rr = r0; rr < r1; rr++) {
      const long e = (long)rr * run;
      for (long j0 = 0; j0 < run; j0 += kBlock) {
        const long m = std::min(kBlock, run - j0);
        int32_t* pos = where ? where + e + j0 : block;
        const long bad = kt.index_positions(index + e + j0, m, xdim, base + j0 * run_step, run_step, d_step, pos);
        if (bad >= 0) {
          first[r0 / grain] = e + j0 + bad;
          return;
        }
        if (!out) continue;  // the positions alone (scatter's)
        float* o = out + e + j0;
        for (long j = 0; j < m; j++) o[j] = x[pos[j]];
      }
      for (long i = nd - 2; i >= 0; i--) {
        const long step = i == dim ? 0 : xstride[i];
        if (++at[i] < ishape[i]) {
          base += step;
          break;
        }
        base -= (ishape[i] - 1) * step;
        at[i] = 0;
      }
    }
  });
  for (long f : first)
    if (f >= 0) return f;
  return -1;
}

long count_bins(const float* x, const float* weights, long count, float* bins, long n) {
  // A vector of the call's own: kept from call to call it would hold the largest count ever asked for.
  std::vector<double> sums((size_t)n, 0.0);
  const float top = (float)n;
  for (long e = 0; e < count; e++) {
    // In range first (a NaN fails it), then whole: its truncation gives it back.
    const float v = x[e];
    if (!(v >= 0.0f && v < top)) return e;
    const long at = (long)v;
    if ((float)at != v) return e;
    sums[(size_t)at] += weights ? (double)weights[e] : 1.0;
  }
  for (long b = 0; b < n; b++) bins[b] = (float)sums[(size_t)b];
  return -1;
}

long distinct(const float* x, long count, float* values, int32_t* inverse) {
  // Open addressing over the floats' bits (-0 as 0), a slot holding place + 1 (0: empty), the table
  // doubled at a quarter full. Places follow first appearance, so the hash does not decide the output.
  // The call's own table (kept from call to call it would hold the most values ever met).
  int log = 10;
  std::vector<uint32_t> keys((size_t)1 << log, 0);
  std::vector<int32_t> slots((size_t)1 << log, 0);
  // The table through plain pointers, refreshed when it grows: through the vectors (captured by
  // reference) every store to inverse made the compiler load their data again (3.7 ns an element).
  uint32_t* kp = keys.data();
  int32_t* sp = slots.data();
  size_t mask = keys.size() - 1;
  const auto slot_of = [&](uint32_t key) {
    size_t h = (size_t)((key * 0x9e3779b1u) >> (32 - log));
    while (sp[h] != 0 && kp[h] != key) h = (h + 1) & mask;
    return h;
  };
  long n = 0, hashed = 0;
  for (long i = 0; i < count; i++) {
    uint32_t key;
    std::memcpy(&key, x + i, sizeof key);
    if ((key & 0x7fffffffu) > 0x7f800000u) {  // a NaN: a value of its own
      inverse[i] = (int32_t)n;
      values[n++] = x[i];
      continue;
    }
    if (key == 0x80000000u) key = 0;
    const size_t h = slot_of(key);
    if (sp[h] != 0) {
      inverse[i] = sp[h] - 1;
      continue;
    }
    kp[h] = key;
    sp[h] = (int32_t)(n + 1);
    inverse[i] = (int32_t)n;
    values[n++] = x[i];
    if (4 * ++hashed > (long)(mask + 1)) {
      // Twice the table: every key again, at its place in the bigger one.
      const std::vector<uint32_t> old_keys(keys);
      const std::vector<int32_t> old_slots(slots);
      log++;
      keys.assign((size_t)1 << log, 0);
      slots.assign((size_t)1 << log, 0);
      kp = keys.data();
      sp = slots.data();
      mask = keys.size() - 1;
      for (size_t k = 0; k < old_keys.size(); k++)
        if (old_slots[k] != 0) {
          const size_t g = slot_of(old_keys[k]);
          kp[g] = old_keys[k];
          sp[g] = old_slots[k];
        }
    }
  }
  return n;
}

}  // namespace bp

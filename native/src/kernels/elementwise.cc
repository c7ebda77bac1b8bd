#include "elementwise.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "../runtime/thread_pool.h"
#include "reduce.h"
#include "table.h"

namespace bp {
namespace {

// Elements per task: large enough that waking the pool pays off.
constexpr size_t kGrain = 32768;

// A broadcast iteration space with contiguous-compatible dims merged: shape[i], sa[i], sb[i].
// Fixed capacity (kMaxDims, checked at the boundary): no allocation per call.
struct Layout {
  int nd = 0;
  long shape[kMaxDims], sa[kMaxDims], sb[kMaxDims];
};

Layout collapse(const int32_t* shape, const int32_t* sa, const int32_t* sb, int nd) {
  Layout l;
  for (int d = 0; d < nd; d++) {
    if (shape[d] == 1) continue;  // size-1 dims contribute no offset
    const long n = shape[d];
    // Merge with the previous dim when both operands step through it as one run.
    if (l.nd > 0 && l.sa[l.nd - 1] == sa[d] * n && l.sb[l.nd - 1] == sb[d] * n) {
      l.shape[l.nd - 1] *= n;
      l.sa[l.nd - 1] = sa[d];
      l.sb[l.nd - 1] = sb[d];
      continue;
    }
    l.shape[l.nd] = n;
    l.sa[l.nd] = sa[d];
    l.sb[l.nd] = sb[d];
    l.nd++;
  }
  if (l.nd == 0) {
    l.shape[0] = 1;
    l.sa[0] = 0;
    l.sb[0] = 0;
    l.nd = 1;
  }
  return l;
}

// Calls group(offA, offB, outOffset, len, count, stepA, stepB) for runs of innermost runs: `count`
// consecutive runs along the second innermost dim (the operands stepping stepA and stepB from one to
// the next, the output len), threaded over runs as before (each thread's share cut where it was).
template <class Group>
void for_each_group(const Layout& l, Group group) {
  const int nd = l.nd;
  const long len = l.shape[nd - 1];
  long rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= l.shape[d];
  if (rows == 1) {
    // One long run: split it into chunks (only when both strides are 0 or 1, the vector cases).
    parallel_for((size_t)len, kGrain, [&](size_t b, size_t e) { group(b * l.sa[0], b * l.sb[0], (long)b, (long)(e - b), 1L, 0L, 0L); });
    return;
  }
  const size_t grain = std::max<size_t>(1, kGrain / (size_t)std::max<long>(len, 1));
  const int last = nd - 2;  // the dim a group runs along
  parallel_for((size_t)rows, grain, [&](size_t r0, size_t r1) {
    // The first run's position by division, the rest by counting: a division per dim for every
    // run was a fifth of a broadcast add of short runs ([256, 256, 4] + [256, 1, 4], one thread,
    // two alternated runs: 0.465 -> 0.380 ms).
    long idx[kMaxDims], rem = (long)r0, oa = 0, ob = 0;
    for (int d = last; d >= 0; d--) {
      idx[d] = rem % l.shape[d];
      rem /= l.shape[d];
      oa += idx[d] * l.sa[d];
      ob += idx[d] * l.sb[d];
    }
    for (size_t r = r0; r < r1;) {
      const long count = std::min<long>(l.shape[last] - idx[last], (long)(r1 - r));
      group(oa, ob, (long)r * len, len, count, l.sa[last], l.sb[last]);
      r += (size_t)count;
      oa += count * l.sa[last];
      ob += count * l.sb[last];
      if ((idx[last] += count) < l.shape[last]) continue;
      oa -= l.shape[last] * l.sa[last];
      ob -= l.shape[last] * l.sb[last];
      idx[last] = 0;
      for (int d = last - 1; d >= 0; d--) {
        oa += l.sa[d];
        ob += l.sb[d];
        if (++idx[d] < l.shape[d]) break;
        oa -= l.shape[d] * l.sa[d];
        ob -= l.shape[d] * l.sb[d];
        idx[d] = 0;
      }
    }
  });
}

// Calls row(offA, offB, outOffset, len) for each innermost run, threaded over runs.
template <class Row>
void for_each_run(const Layout& l, Row row) {
  for_each_group(l, [&](long oa, long ob, long o, long len, long count, long step_a, long step_b) {
    for (long k = 0; k < count; k++) row(oa + k * step_a, ob + k * step_b, o + k * len, len);
  });
}

}  // namespace

void unary(int op, const float* x, float* y, size_t n, float p) {
  const KernelTable& kt = active_kernels();
  parallel_for(n, kGrain, [&](size_t b, size_t e) { kt.unary(op, x + b, y + b, e - b, p); });
}

void unary_grad(int op, const float* x, const float* y, const float* gy, float* gx, size_t n, float p) {
  const KernelTable& kt = active_kernels();
  parallel_for(n, kGrain, [&](size_t b, size_t e) { kt.unary_grad(op, x + b, y + b, gy + b, gx + b, e - b, p); });
}

void binary(int op, const float* a, const int32_t* sa, const float* b, const int32_t* sb, float* out,
            const int32_t* shape, int nd) {
  const KernelTable& kt = active_kernels();
  const Layout l = collapse(shape, sa, sb, nd);
  const long ia = l.sa[l.nd - 1], ib = l.sb[l.nd - 1];
  for_each_group(l, [&](long oa, long ob, long o, long len, long count, long step_a, long step_b) {
    if (count == 1) kt.binary(op, a + oa, ia, b + ob, ib, out + o, (size_t)len);
    else kt.binary_rows(op, a + oa, ia, step_a, b + ob, ib, step_b, out + o, (size_t)len, (size_t)count);
  });
}

// Output rows per strip of a transposing copy. The strip's rows are written a column at a time, so
// kStrip lines are open at once, and in a square power-of-two transpose they all map to one L1 set:
// 8 fit its ways (2048 x 2048: 3.3 ms; 16 rows 6.6 ms; 32 rows 15.7 ms).
constexpr long kStrip = 8;
// Outputs of at least this many bytes are written with streaming stores (see transpose_strip).
constexpr double kStreamBytes = 4 << 20;

// Runs of x into runs of a strided out (cat's pieces into their columns, narrow's gradient into
// its part): both sides walked by for_each_run.
static void scatter_copy(const float* x, const int32_t* sx, float* out, const int32_t* so, const int32_t* shape, int nd) {
  const Layout l = collapse(shape, sx, so, nd);
  const long s = l.sa[l.nd - 1], t = l.sb[l.nd - 1];
  const KernelTable& kt = active_kernels();
  for_each_run(l, [&](long ox, long oo, long, long len) {
    const float* src = x + ox;
    float* dst = out + oo;
    if (s == 1 && t == 1) kt.copy(src, dst, (size_t)len);
    else for (long i = 0; i < len; i++) dst[i * t] = src[i * s];
  });
}

namespace {

// Copies of elements of W floats (runs the copy keeps whole), rows [0, rows) of a strip: source
// element i + j s to output row i, column j (strides and columns counted in elements).
template <int W>
void transpose_runs(const float* x, long s, float* out, long row_stride, long rows, long cols) {
  for (long j = 0; j < cols; j++) {
    const float* src = x + j * s * W;
    for (long i = 0; i < rows; i++) std::memcpy(out + (i * row_stride + j) * W, src + i * W, W * sizeof(float));
  }
}

using RunTranspose = void (*)(const float*, long, float*, long, long, long);

RunTranspose run_transpose(long width) {
  switch (width) {
    case 2: return transpose_runs<2>;
    case 3: return transpose_runs<3>;
    case 4: return transpose_runs<4>;
    case 5: return transpose_runs<5>;
    case 6: return transpose_runs<6>;
    case 7: return transpose_runs<7>;
    case 8: return transpose_runs<8>;
    default: return nullptr;
  }
}

// A transposing copy in strips (see strided_copy) of elements of `width` floats, l's strides counted
// in them; false, copying nothing, where no outer dim walks the source contiguously.
bool copy_in_strips(const Layout& l, long width, const float* x, float* out) {
  const long s = l.sa[l.nd - 1];
  int k = -1;
  if (s > 1) for (int d = 0; d < l.nd - 1; d++) if (l.sa[d] == 1) k = d;
  if (k < 0) return false;
  long out_stride[kMaxDims];  // the output is contiguous in the collapsed shape
  out_stride[l.nd - 1] = 1;
  for (int d = l.nd - 2; d >= 0; d--) out_stride[d] = out_stride[d + 1] * l.shape[d + 1];
  const KernelTable& kt = active_kernels();
  const RunTranspose runs = run_transpose(width);
  const long rows = l.shape[k], cols = l.shape[l.nd - 1], row_stride = out_stride[k];
  // Streaming stores for outputs past the caches' reach (kStreamBytes), where rows start on lines.
  const bool stream = width == 1 && (double)l.shape[0] * out_stride[0] * sizeof(float) >= kStreamBytes && row_stride % 16 == 0;
  const long strips = (rows + kStrip - 1) / kStrip;
  long planes = 1;  // every combination of the other dims
  for (int d = 0; d < l.nd - 1; d++) if (d != k) planes *= l.shape[d];
  // One contiguous run of strips per thread: two strips share each source line (kStrip is half a
  // line), and handed out one by one they went to both cores, which then each read every line: no
  // faster on two threads than on one (each core has a last-level cache of its own here).
  const size_t tasks = (size_t)(planes * strips), threads = (size_t)ThreadPool::instance().threads();
  const size_t grain = std::max((tasks + threads - 1) / threads, kGrain / (size_t)(kStrip * cols * width) + 1);
  parallel_for(tasks, grain, [&](size_t t0, size_t t1) {
    for (size_t t = t0; t < t1; t++) {
      long rem = (long)t / strips, from = 0, to = 0;
      for (int d = l.nd - 2; d >= 0; d--) {
        if (d == k) continue;
        const long i = rem % l.shape[d];
        rem /= l.shape[d];
        from += i * l.sa[d];
        to += i * out_stride[d];
      }
      const long i0 = (long)t % strips * kStrip, i1 = std::min(rows, i0 + kStrip);
      float* dst = out + (to + i0 * row_stride) * width;
      if (runs != nullptr) runs(x + (from + i0) * width, s, dst, row_stride, i1 - i0, cols);
      else kt.transpose_strip(x + from + i0, s, dst, row_stride, i1 - i0, cols, stream && (uintptr_t)dst % 64 == 0);
    }
    // Streaming stores are weakly ordered: all of this run's are done before the pool reports it.
    // Fenced in transpose_strip, after each strip, a [256, 64, 256] -> [256, 256, 64] permute took
    // 2.5 ms at one thread (a fence for every 512 floats), 1.0-1.1 fenced here.
    if (stream) std::atomic_thread_fence(std::memory_order_seq_cst);
  });
  return true;
}

// l with its last dim (a contiguous run of `width` floats in the source) taken as the element, or
// nd 0 where an outer stride is not a whole number of runs.
Layout runs_as_elements(const Layout& l, long width) {
  Layout e;
  if (l.nd < 2) return e;
  for (int d = 0; d < l.nd - 1; d++) {
    if (l.sa[d] % width != 0) return Layout{};
    e.shape[d] = l.shape[d];
    e.sa[d] = e.sb[d] = l.sa[d] / width;
  }
  e.nd = l.nd - 1;
  return e;
}

}  // namespace

void strided_copy(const float* x, const int32_t* sx, float* out, const int32_t* so, const int32_t* shape, int nd) {
  for (int d = 0; d < nd; d++) if (shape[d] == 0) return;  // nothing to copy (and no strips to cut)
  if (so) {
    scatter_copy(x, sx, out, so, shape, nd);
    return;
  }
  const Layout l = collapse(shape, sx, sx, nd);
  const long s = l.sa[l.nd - 1], len = l.shape[l.nd - 1];
  // A transposing copy gathers each output row with a large stride: every element from another
  // cache line, and past 1024 floats another page (a 2048 x 2048 transpose took 32 ms, PyTorch's
  // 3 ms). When some outer dim k walks the source contiguously, the copy goes in strips of kStrip
  // output rows along k instead: for each column j, kStrip neighbouring source elements to kStrip
  // rows. Short contiguous runs (a permute that keeps complex pairs together: [410, 201, 2] ->
  // [201, 410, 2]) are the elements of such a transpose: copied run by run they took 216 us, 37 so.
  if (s > 1 && copy_in_strips(l, 1, x, out)) return;
  if (s == 1 && len >= 2 && len <= 8) {
    const Layout e = runs_as_elements(l, len);
    if (e.nd > 0 && copy_in_strips(e, len, x, out)) return;
  }
  const KernelTable& kt = active_kernels();
  for_each_run(l, [&](long ox, long, long o, long n) {
    const float* src = x + ox;
    float* dst = out + o;
    if (s == 1 && n <= 8) for (long i = 0; i < n; i++) dst[i] = src[i];
    else if (s == 1) kt.copy(src, dst, (size_t)n);
    else if (s == 0) std::fill(dst, dst + n, src[0]);
    else for (long i = 0; i < n; i++) dst[i] = src[i * s];
  });
}

void clamp(const float* x, float lo, float hi, float* out, size_t n) {
  // One pass (clamp_min then clamp_max over the output took two).
  const KernelTable& kt = active_kernels();
  parallel_for(n, kGrain, [&](size_t b, size_t e) { kt.clamp(x + b, lo, hi, out + b, e - b); });
}

void select(const float* cond, const float* a, const float* b, float* out, size_t n) {
  // Both sides loaded before the choice: then the compiler makes it compares and masks (vectorized,
  // no branch); `cond ? a[i] : b[i]` stayed a branch, mispredicted on half of a random mask (7 ns
  // an element).
  parallel_for(n, kGrain, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
      const float av = a[i], bv = b[i];
      out[i] = cond[i] != 0.0f ? av : bv;
    }
  });
}

void axpy(float alpha, const float* x, float* y, size_t n) {
  const KernelTable& kt = active_kernels();
  parallel_for(n, kGrain, [&](size_t b, size_t e) { kt.axpy(alpha, x + b, y + b, e - b); });
}

void bias_act_grad(int act, const float* y, const float* gy, float* gz, long rows, long cols, float* gb) {
  const long n = rows * cols;
  if (!gb || n < (long)kGrain * 2 || cols < 64) {
    // Small enough that gz is still in cache for the column sums (or too narrow for a pass down the
    // rows to pay, and a single column is a different reduction): two plain passes.
    unary_grad(act, y, y, gy, gz, (size_t)n, 0.0f);
    if (gb) reduce(kReduceSum, gz, 1, rows, cols, gb, nullptr);
    return;
  }
  // One pass: each piece of a row of gz is written just before column_sums adds it into the bias
  // sums, while it is in registers and L1; column_sums' order is reduce's, so gb has the bits of
  // the two-pass path.
  const KernelTable& kt = active_kernels();
  column_sums(gz, rows, cols, gb, false, [&](long r, long j0, long j1) {
    const long o = r * cols + j0;
    kt.unary_grad(act, y + o, y + o, gy + o, gz + o, (size_t)(j1 - j0), 0.0f);
  });
}

}  // namespace bp

#include "avg_pool.h"

#include <algorithm>
#include <vector>

#include "../runtime/thread_pool.h"

namespace bp {
namespace {

// Floats read and written per task, about (as the element-wise kernels' grain).
constexpr long kGrain = 32768;

// K if column window j is [j K, j K + K) for every j (windows tiling the row from its start, the
// common pooling: K a constant, the loops below vectorize), else 0.
long uniform_width(const int32_t* cols, long ow) {
  if (ow == 0) return 0;
  const long k = cols[1] - cols[0];
  for (long j = 0; j < ow; j++) {
    if (cols[2 * j] != j * k || cols[2 * j + 1] != j * k + k) return 0;
  }
  return k;
}

// The column windows of the general loops (uniform_width 0), read once a call.
struct ColumnPlan {
  // The run of windows [j + a, j + a + k) for j in [j0, j1): sliding windows at stride 1 away from
  // the padding, whose sums (and shares) go a column offset at a time over the run, in vectors.
  long j0 = 0, j1 = 0, a = 0, k = 0;
  // The windows j that hold column c, [lo[c], hi[c]), if the windows' starts and ends never fall
  // (sliding and adaptive windows alike): those ending past c and starting at or before it. Empty
  // for windows in another order.
  std::vector<int32_t> lo, hi;
  // The columns [c0, c1) that the run's windows alone hold, k of them each (gather_shares' vectors).
  long c0 = 0, c1 = 0;

  ColumnPlan(const int32_t* cols, long ow, long w) {
    if (ow == 0) return;
    const auto start = [&](long j) { return (long)cols[2 * j]; };
    const auto width = [&](long j) { return (long)cols[2 * j + 1] - cols[2 * j]; };
    // The run through the middle window, if its neighbours step by one.
    const long m = ow / 2;
    k = width(m), a = start(m) - m;
    j0 = m, j1 = m + 1;
    while (j0 > 0 && start(j0 - 1) == j0 - 1 + a && width(j0 - 1) == k) j0--;
    while (j1 < ow && start(j1) == j1 + a && width(j1) == k) j1++;
    if (j1 - j0 < 8) j0 = j1 = 0;
    // (w 0: the forward's plan, which reads no holders.)
    if (w == 0) return;
    for (long j = 1; j < ow; j++) {
      if (cols[2 * j] < cols[2 * j - 2] || cols[2 * j + 1] < cols[2 * j - 1]) return;
    }
    lo.resize((size_t)w);
    hi.resize((size_t)w);
    long first_end = 0, first_after = 0;
    for (long c = 0; c < w; c++) {
      while (first_end < ow && cols[2 * first_end + 1] <= c) first_end++;
      while (first_after < ow && cols[2 * first_after] <= c) first_after++;
      lo[(size_t)c] = (int32_t)first_end;
      hi[(size_t)c] = (int32_t)std::max(first_end, first_after);
    }
    if (j1 == j0) return;
    // Column c is the run's alone if its holders are exactly windows c - a - k + 1 .. c - a. With the
    // windows in order, checking the ends of [c0, c1) checks it all: a window before the run that
    // ends past c0 (an adaptive upsampling repeats ends) takes c0 out, and so on inwards.
    const auto runs_alone = [&](long c) { return lo[(size_t)c] == c - a - k + 1 && hi[(size_t)c] == c - a + 1; };
    c0 = j0 + a + k - 1, c1 = std::max(c0, j1 + a);
    while (c0 < c1 && !runs_alone(c0)) c0++;
    while (c1 > c0 && !runs_alone(c1 - 1)) c1--;
  }
};

// o[j] += the row's elements in column window j, in order (K: windows [j K, j K + K); 0: cols').
template <long K>
inline void add_windows(const float* row, const int32_t* cols, const ColumnPlan& plan, long ow, float* o) {
  if constexpr (K > 0) {
    for (long j = 0; j < ow; j++) {
      float s = o[j];
      for (long c = 0; c < K; c++) s += row[j * K + c];
      o[j] = s;
    }
  } else {
    const auto windows = [&](long j0, long j1) {
      for (long j = j0; j < j1; j++) {
        float s = o[j];
        for (long c = cols[2 * j]; c < cols[2 * j + 1]; c++) s += row[c];
        o[j] = s;
      }
    };
    windows(0, plan.j0);
    // Each sum still takes its elements in order: offset c of every window before offset c + 1.
    for (long c = 0; c < plan.k; c++) {
      const float* from = row + plan.a + c;
      for (long j = plan.j0; j < plan.j1; j++) o[j] += from[j];
    }
    windows(plan.j1, ow);
  }
}

// row's elements in column window j += g[j], j in order (K as add_windows').
template <long K>
inline void spread_windows(const float* g, const int32_t* cols, long ow, float* row) {
  for (long j = 0; j < ow; j++) {
    if constexpr (K > 0) {
      for (long c = 0; c < K; c++) row[j * K + c] += g[j];
    } else {
      for (long c = cols[2 * j]; c < cols[2 * j + 1]; c++) row[c] += g[j];
    }
  }
}

// spread_windows for ordered windows, element by element: each column's shares still arrive in the
// order of j, but the adds of overlapping windows are chains of their own columns'. Spread window by
// window, they went into the same elements one after another, each waiting for the last to be stored
// ([32, 64, 32, 32] 3x3 at stride 1: 41 ms at one thread, against 4.8 here). The columns that all k
// windows of the stride-1 run hold take their shares a window offset at a time, in vectors.
inline void gather_shares(const float* g, const ColumnPlan& plan, long w, float* row) {
  const long c0 = plan.c0, c1 = plan.c1;
  const auto columns = [&](long from, long to) {
    for (long c = from; c < to; c++) {
      float s = row[c];
      for (int32_t j = plan.lo[(size_t)c]; j < plan.hi[(size_t)c]; j++) s += g[j];
      row[c] = s;
    }
  };
  columns(0, c0);
  // Column c's windows are j = c - a - (k - 1) + m, m = 0 .. k - 1: in order as m rises.
  for (long m = 0; m < plan.k && c1 > c0; m++) {
    const float* share = g - plan.a - (plan.k - 1) + m;
    for (long c = c0; c < c1; c++) row[c] += share[c];
  }
  columns(c1, w);
}

// out[j] = s[j] divided as output row (t, i)'s sums are.
inline void divide_row(const float* s, const PoolWindows& g, const float* divisor, long t, long i, float* out) {
  if (g.by_side) {
    const float dt = divisor[t], di = divisor[g.od + i];
    const float* dj = divisor + g.od + g.oh;
    for (long j = 0; j < g.ow; j++) out[j] = s[j] / dt / di / dj[j];
  } else {
    // Added to 0, as torch's out += sum / divisor: a negative divisorOverride gives 0, not -0.
    const float* d = divisor + (t * g.oh + i) * g.ow;
    for (long j = 0; j < g.ow; j++) out[j] = 0.0f + s[j] / d[j];
  }
}

template <long K>
void pool_planes(const float* x, const PoolWindows& g, const int32_t* bounds, const float* divisor, float* out, long p0, long p1) {
  const int32_t* rows = bounds + 2 * g.od;
  const int32_t* cols = rows + 2 * g.oh;
  const ColumnPlan plan = K > 0 ? ColumnPlan(cols, 0, 0) : ColumnPlan(cols, g.ow, 0);
  for (long p = p0; p < p1; p++) {
    for (long t = 0; t < g.od; t++) {
      for (long i = 0; i < g.oh; i++) {
        float* o = out + ((p * g.od + t) * g.oh + i) * g.ow;
        std::fill(o, o + g.ow, 0.0f);
        for (long z = bounds[2 * t]; z < bounds[2 * t + 1]; z++) {
          for (long y = rows[2 * i]; y < rows[2 * i + 1]; y++) add_windows<K>(x + ((p * g.d + z) * g.h + y) * g.w, cols, plan, g.ow, o);
        }
        divide_row(o, g, divisor, t, i, o);
      }
    }
  }
}

// An element's shares arrive in output order: rows (t, i) in order, and within one the element lies
// in one row of the loops over z and y, where the windows j come in order.
template <long K>
void pool_grad_planes(const float* gy, const PoolWindows& g, const int32_t* bounds, const float* divisor, float* gx, long p0, long p1) {
  const int32_t* rows = bounds + 2 * g.od;
  const int32_t* cols = rows + 2 * g.oh;
  std::vector<float> share((size_t)g.ow);
  const ColumnPlan plan = K > 0 ? ColumnPlan(cols, 0, 0) : ColumnPlan(cols, g.ow, g.w);
  const long plane = g.d * g.h * g.w;
  for (long p = p0; p < p1; p++) {
    std::fill(gx + p * plane, gx + (p + 1) * plane, 0.0f);
    for (long t = 0; t < g.od; t++) {
      for (long i = 0; i < g.oh; i++) {
        divide_row(gy + ((p * g.od + t) * g.oh + i) * g.ow, g, divisor, t, i, share.data());
        for (long z = bounds[2 * t]; z < bounds[2 * t + 1]; z++) {
          for (long y = rows[2 * i]; y < rows[2 * i + 1]; y++) {
            float* row = gx + ((p * g.d + z) * g.h + y) * g.w;
            if (!plan.lo.empty()) gather_shares(share.data(), plan, g.w, row);
            else spread_windows<K>(share.data(), cols, g.ow, row);
          }
        }
      }
    }
  }
}

// Planes cut into tasks of about kGrain floats, the loop picked by the columns' windows.
template <template <long> class Loop>
void over_planes(const PoolWindows& g, const int32_t* bounds, const typename Loop<0>::Args& args) {
  const long per_plane = g.d * g.h * g.w + g.od * g.oh * g.ow;
  const long k = uniform_width(bounds + 2 * (g.od + g.oh), g.ow);
  parallel_for((size_t)g.planes, (size_t)std::max(1L, kGrain / std::max(1L, per_plane)), [&](size_t p0, size_t p1) {
    if (k == 2) Loop<2>::run(args, (long)p0, (long)p1);
    else if (k == 3) Loop<3>::run(args, (long)p0, (long)p1);
    else if (k == 4) Loop<4>::run(args, (long)p0, (long)p1);
    else Loop<0>::run(args, (long)p0, (long)p1);
  });
}

struct PoolArgs {
  const float* in;
  const PoolWindows& g;
  const int32_t* bounds;
  const float* divisor;
  float* out;
};
template <long K>
struct Forward {
  using Args = PoolArgs;
  static void run(const Args& a, long p0, long p1) { pool_planes<K>(a.in, a.g, a.bounds, a.divisor, a.out, p0, p1); }
};
template <long K>
struct Backward {
  using Args = PoolArgs;
  static void run(const Args& a, long p0, long p1) { pool_grad_planes<K>(a.in, a.g, a.bounds, a.divisor, a.out, p0, p1); }
};

}  // namespace

void avg_pool(const float* x, const PoolWindows& g, const int32_t* bounds, const float* divisor, float* out) {
  over_planes<Forward>(g, bounds, PoolArgs{x, g, bounds, divisor, out});
}

void avg_pool_grad(const float* gy, const PoolWindows& g, const int32_t* bounds, const float* divisor, float* gx) {
  over_planes<Backward>(g, bounds, PoolArgs{gy, g, bounds, divisor, gx});
}

}  // namespace bp

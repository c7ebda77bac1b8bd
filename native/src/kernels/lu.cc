// Recursive LU (LAPACK's sgetrf2): the left half of the columns factored, the right half brought
// up to date by a triangular solve and one product, then factored; the halves' row swaps applied to
// each other. Nearly all of the 2/3 n^3 multiply-adds land in sgemm's products, the largest of depth
// n / 2, instead of in a panel's rank-1 updates (a right-looking LU with 64-column panels done
// element by element took 55 ms for n = 1000, against 15 for PyTorch's LAPACK). The triangular
// solves recurse the same way. Below kBase columns the loops run element by element, each step's
// product rounded before its difference (this file is built without fused multiply-adds) as the
// reference backend's twin (lib/backend/reference/lu.ts) rounds them.
//
// The products read copies of their operands and write a copy of their output (sgemm takes
// contiguous matrices): each copy is one pass over a block that the product then reads or writes
// n / 2 ... kBase times over, at most a few percent of a large factorization.
#include "lu.h"

#include <algorithm>
#include <cmath>

#include "../runtime/line_vector.h"
#include "../runtime/thread_pool.h"
#include "gemm.h"

namespace bp {
namespace {

// Widths at or below this are factored (and solved) element by element. One thread, n = 128 / 500 /
// 1000, ms (two alternated rounds, the addon called in a loop): 8: 0.08-0.11 / 1.2-1.6 / 8.2-8.3,
// 16: 0.06-0.08 / 1.06 / 6.5-7.9, 32: 0.06-0.08 / 1.65-1.67 / 6.8-9.1.
constexpr int kBase = 16;

// A block of a row-major matrix: element (i, j) at p[i * ld + j].
struct Block {
  float* p;
  long ld;
  float* at(long i, long j) const { return p + i * ld + j; }
};

// C -= A B for blocks C (m x n), A (m x k), B (k x n), through sgemm on contiguous copies; on every
// thread of the pool when `threaded`, else on the calling one.
void sub_product(Block c, Block a, Block b, int m, int n, int k, bool threaded) {
  if (m == 0 || n == 0 || k == 0) return;
  thread_local LineVector a_buf, b_buf, c_buf;
  float* const ac = at_least(a_buf, (size_t)m * k);
  float* const bc = at_least(b_buf, (size_t)k * n);
  float* const cc = at_least(c_buf, (size_t)m * n);
  for (int i = 0; i < m; i++) std::copy(a.at(i, 0), a.at(i, 0) + k, ac + (long)i * k);
  for (int i = 0; i < k; i++) std::copy(b.at(i, 0), b.at(i, 0) + n, bc + (long)i * n);
  for (int i = 0; i < m; i++) std::copy(c.at(i, 0), c.at(i, 0) + n, cc + (long)i * n);
  GemmCall g{};
  g.m = m, g.n = n, g.k = k;
  g.alpha = -1.0f;
  g.a = ac, g.b = bc, g.c = cc;
  g.beta = 1.0f;
  if (threaded) sgemm(g);
  else sgemm_one_thread(g);
  for (int i = 0; i < m; i++) std::copy(cc + (long)i * n, cc + (long)(i + 1) * n, c.at(i, 0));
}

void swap_rows(Block a, long i, long j, int cols) { std::swap_ranges(a.at(i, 0), a.at(i, 0) + cols, a.at(j, 0)); }

// B = L^-1 B for the unit lower triangle L (w x w) and B (w x q).
void solve_unit_lower(Block l, Block b, int w, int q, bool threaded) {
  if (w <= kBase) {
    for (int j = 0; j < w; j++) {
      const float* bj = b.at(j, 0);
      for (int i = j + 1; i < w; i++) {
        const float f = *l.at(i, j);
        float* bi = b.at(i, 0);
        for (int c = 0; c < q; c++) bi[c] = bi[c] - f * bj[c];
      }
    }
    return;
  }
  const int w1 = w / 2;
  solve_unit_lower(l, b, w1, q, threaded);
  sub_product({b.at(w1, 0), b.ld}, {l.at(w1, 0), l.ld}, b, w - w1, q, w1, threaded);
  solve_unit_lower({l.at(w1, w1), l.ld}, {b.at(w1, 0), b.ld}, w - w1, q, threaded);
}

// B = U^-1 B for the upper triangle U (w x w, its diagonal included) and B (w x q).
void solve_upper(Block u, Block b, int w, int q, bool threaded) {
  if (w <= kBase) {
    for (int i = w - 1; i >= 0; i--) {
      float* bi = b.at(i, 0);
      for (int j = i + 1; j < w; j++) {
        const float f = *u.at(i, j);
        const float* bj = b.at(j, 0);
        for (int c = 0; c < q; c++) bi[c] = bi[c] - f * bj[c];
      }
      const float d = *u.at(i, i);
      for (int c = 0; c < q; c++) bi[c] = bi[c] / d;
    }
    return;
  }
  const int w1 = w / 2;
  solve_upper({u.at(w1, w1), u.ld}, {b.at(w1, 0), b.ld}, w - w1, q, threaded);
  sub_product(b, {u.at(0, w1), u.ld}, {b.at(w1, 0), b.ld}, w1, q, w - w1, threaded);
  solve_upper(u, b, w1, q, threaded);
}

// Factors the m x w block a (w <= kBase) element by element, on a column-major copy: the pivot
// search, the scaling and each column's update then run down contiguous columns (vectorized),
// where on the rows they were strided loads and updates of at most kBase - 1 floats. Each element
// gets the same operations as the reference's row-major loops (f * u rounded, then subtracted), so
// the same bits.
int factor_columns(Block a, int m, int w, int32_t* piv) {
  thread_local LineVector panel_buf;
  float* const col = at_least(panel_buf, (size_t)m * w);  // column c at col + c m
  for (int i = 0; i < m; i++)
    for (int c = 0; c < w; c++) col[(long)c * m + i] = *a.at(i, c);
  int zero = -1;
  for (int j = 0; j < w; j++) {
    float* const cj = col + (long)j * m;
    int p = j;
    float best = std::fabs(cj[j]);
    for (int i = j + 1; i < m; i++) {
      const float v = std::fabs(cj[i]);
      if (v > best) best = v, p = i;
    }
    piv[j] = p;
    if (p != j)
      for (int c = 0; c < w; c++) std::swap(col[(long)c * m + j], col[(long)c * m + p]);
    const float d = cj[j];
    if (d == 0.0f) {
      if (zero < 0) zero = j;
      continue;
    }
    for (int i = j + 1; i < m; i++) cj[i] = cj[i] / d;
    for (int c = j + 1; c < w; c++) {
      float* const cc = col + (long)c * m;
      const float u = cc[j];
      for (int i = j + 1; i < m; i++) cc[i] = cc[i] - cj[i] * u;
    }
  }
  for (int i = 0; i < m; i++)
    for (int c = 0; c < w; c++) *a.at(i, c) = col[(long)c * m + i];
  return zero;
}

// Factors the m x w block a (m >= w) in place; piv[j] is the row (of the block) swapped with row j.
// Returns the first step with a zero pivot, or -1.
int factor(Block a, int m, int w, int32_t* piv, bool threaded) {
  if (w <= kBase) return factor_columns(a, m, w, piv);
  const int n1 = w / 2, n2 = w - n1;
  const int z1 = factor(a, m, n1, piv, threaded);
  const Block right{a.at(0, n1), a.ld};
  for (int j = 0; j < n1; j++) if (piv[j] != j) swap_rows(right, j, piv[j], n2);
  solve_unit_lower(a, right, n1, n2, threaded);
  sub_product({a.at(n1, n1), a.ld}, {a.at(n1, 0), a.ld}, right, m - n1, n2, n1, threaded);
  const int z2 = factor({a.at(n1, n1), a.ld}, m - n1, n2, piv + n1, threaded);
  for (int j = n1; j < w; j++) {
    piv[j] += n1;
    if (piv[j] != j) swap_rows(a, j, piv[j], n1);
  }
  return z1 >= 0 ? z1 : z2 >= 0 ? z2 + n1 : -1;
}

// Runs f(i) for each matrix i < count: a lone matrix with its products on every thread, a batch cut
// across the pool by matrices with each product on its own thread (the same bits either way: a
// product's result does not depend on its thread count).
template <class F>
void each_matrix(long count, const F& f) {
  ThreadPool& pool = ThreadPool::instance();
  if (count == 1 || pool.threads() == 1) {
    for (long i = 0; i < count; i++) f(i, count == 1);
    return;
  }
  pool.run_parts((size_t)count, (size_t)pool.threads(), [&](size_t, size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; i++) f((long)i, false);
  });
}

}  // namespace

void lu_factor(float* a, int n, long count, int32_t* pivots, int32_t* zero_at) {
  if (n == 0) {
    std::fill(zero_at, zero_at + count, -1);
    return;
  }
  each_matrix(count, [&](long i, bool threaded) { zero_at[i] = factor({a + i * n * n, n}, n, n, pivots + i * n, threaded); });
}

void lu_solve(const float* lu, const int32_t* pivots, int n, long count, float* rhs, int k) {
  // Nothing to solve; and count, which no array's length then bounds, could be anything.
  if (n == 0 || k == 0) return;
  each_matrix(count, [&](long i, bool threaded) {
    const Block f{const_cast<float*>(lu) + i * n * n, n}, b{rhs + i * n * k, k};
    const int32_t* piv = pivots + i * n;
    for (int j = 0; j < n; j++) if (piv[j] != j) swap_rows(b, j, piv[j], k);
    solve_unit_lower(f, b, n, k, threaded);
    solve_upper(f, b, n, k, threaded);
  });
}

}  // namespace bp

// Recursive LU (LAPACK's sgetrf2): the left half of the columns factored, the right half brought
// up to date by a triangular solve and one product, then factored; the halves' row swaps applied to
// each other. Nearly all of the 2/3 n^3 multiply-adds land in sgemm's products, the largest of depth
// n / 2, instead of in a panel's rank-1 updates (a right-looking LU with 64-column panels done
// element by element took 55 ms for n = 1000, against 15 for PyTorch's LAPACK). Below kBase columns
// the steps run element by element, each product rounded before its difference (this file is built
// without fused multiply-adds) as the reference backend's twin (lib/backend/reference/lu.ts) rounds
// them.
#include "lu.h"

#include <algorithm>
#include <cmath>

#include "../runtime/line_vector.h"
#include "triangular.h"

namespace bp {
namespace {

using dense::Block;
using dense::kBase;

void swap_rows(Block a, long i, long j, int cols) { std::swap_ranges(a.at(i, 0), a.at(i, 0) + cols, a.at(j, 0)); }

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
  const Block right = a.sub(0, n1);
  for (int j = 0; j < n1; j++) if (piv[j] != j) swap_rows(right, j, piv[j], n2);
  dense::solve_lower(a, right, n1, n2, true, threaded);
  dense::sub_product(a.sub(n1, n1), a.sub(n1, 0), right, m - n1, n2, n1, false, threaded);
  const int z2 = factor(a.sub(n1, n1), m - n1, n2, piv + n1, threaded);
  for (int j = n1; j < w; j++) {
    piv[j] += n1;
    if (piv[j] != j) swap_rows(a, j, piv[j], n1);
  }
  return z1 >= 0 ? z1 : z2 >= 0 ? z2 + n1 : -1;
}

}  // namespace

void lu_factor(float* a, int n, long count, int32_t* pivots, int32_t* zero_at) {
  if (n == 0) {
    std::fill(zero_at, zero_at + count, -1);
    return;
  }
  dense::each_matrix(count, [&](long i, bool threaded) { zero_at[i] = factor({a + i * n * n, n}, n, n, pivots + i * n, threaded); });
}

void lu_solve(const float* lu, const int32_t* pivots, int n, long count, float* rhs, int k) {
  // Nothing to solve; and count, which no array's length then bounds, could be anything.
  if (n == 0 || k == 0) return;
  dense::each_matrix(count, [&](long i, bool threaded) {
    const Block f{const_cast<float*>(lu) + i * n * n, n}, b{rhs + i * n * k, k};
    const int32_t* piv = pivots + i * n;
    for (int j = 0; j < n; j++) if (piv[j] != j) swap_rows(b, j, piv[j], k);
    dense::each_column_block(k, threaded, [&](int c0, int c1, bool inner) {
      dense::solve_lower(f, b.sub(0, c0), n, c1 - c0, true, inner);
      dense::solve_upper(f, b.sub(0, c0), n, c1 - c0, false, inner);
    });
  });
}

}  // namespace bp

// Triangular solves, recursive in halves (the coupling of the halves one sgemm product), element by
// element below kBase rows, each step's product rounded before its difference (this file is built
// without fused multiply-adds) as the reference backend's twin (lib/backend/reference/triangular.ts)
// rounds them.
//
// The products read copies of their operands and write a copy of their output (sgemm takes
// contiguous matrices): each copy is one pass over a block that the product then reads or writes
// many times over, a few percent of a large solve.
#include "triangular.h"

#include <algorithm>

#include "../runtime/line_vector.h"
#include "gemm.h"

namespace bp {
namespace dense {

void sub_product(Block c, Block a, Block b, int m, int n, int k, bool trans_b, bool threaded) {
  if (m == 0 || n == 0 || k == 0) return;
  thread_local LineVector a_buf, b_buf, c_buf;
  float* const ac = at_least(a_buf, (size_t)m * k);
  float* const bc = at_least(b_buf, (size_t)k * n);
  float* const cc = at_least(c_buf, (size_t)m * n);
  const int b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
  for (int i = 0; i < m; i++) std::copy(a.at(i, 0), a.at(i, 0) + k, ac + (long)i * k);
  for (int i = 0; i < b_rows; i++) std::copy(b.at(i, 0), b.at(i, 0) + b_cols, bc + (long)i * b_cols);
  for (int i = 0; i < m; i++) std::copy(c.at(i, 0), c.at(i, 0) + n, cc + (long)i * n);
  GemmCall g{};
  g.trans_b = trans_b;
  g.m = m, g.n = n, g.k = k;
  g.alpha = -1.0f;
  g.a = ac, g.b = bc, g.c = cc;
  g.beta = 1.0f;
  if (threaded) sgemm(g);
  else sgemm_one_thread(g);
  for (int i = 0; i < m; i++) std::copy(cc + (long)i * n, cc + (long)(i + 1) * n, c.at(i, 0));
}

void solve_lower(Block l, Block b, int w, int q, bool unit, bool threaded) {
  if (w <= kBase) {
    // Column by column: row j is final once divided, then leaves its multiple in the rows below.
    for (int j = 0; j < w; j++) {
      float* bj = b.at(j, 0);
      if (!unit) {
        const float d = *l.at(j, j);
        for (int c = 0; c < q; c++) bj[c] = bj[c] / d;
      }
      for (int i = j + 1; i < w; i++) {
        const float f = *l.at(i, j);
        float* bi = b.at(i, 0);
        for (int c = 0; c < q; c++) bi[c] = bi[c] - f * bj[c];
      }
    }
    return;
  }
  const int w1 = w / 2;
  solve_lower(l, b, w1, q, unit, threaded);
  sub_product(b.sub(w1, 0), l.sub(w1, 0), b, w - w1, q, w1, false, threaded);
  solve_lower(l.sub(w1, w1), b.sub(w1, 0), w - w1, q, unit, threaded);
}

void solve_upper(Block u, Block b, int w, int q, bool unit, bool threaded) {
  if (w <= kBase) {
    for (int i = w - 1; i >= 0; i--) {
      float* bi = b.at(i, 0);
      for (int j = i + 1; j < w; j++) {
        const float f = *u.at(i, j);
        const float* bj = b.at(j, 0);
        for (int c = 0; c < q; c++) bi[c] = bi[c] - f * bj[c];
      }
      if (!unit) {
        const float d = *u.at(i, i);
        for (int c = 0; c < q; c++) bi[c] = bi[c] / d;
      }
    }
    return;
  }
  const int w1 = w / 2;
  solve_upper(u.sub(w1, w1), b.sub(w1, 0), w - w1, q, unit, threaded);
  sub_product(b, u.sub(0, w1), b.sub(w1, 0), w1, q, w - w1, false, threaded);
  solve_upper(u, b, w1, q, unit, threaded);
}

}  // namespace dense

void tri_solve(const float* t, int n, long count, bool upper, bool unit, float* rhs, int k) {
  using namespace dense;
  // Nothing to solve; and count, which no array's length then bounds, could be anything.
  if (n == 0 || k == 0) return;
  each_matrix(count, [&](long i, bool threaded) {
    const Block m{const_cast<float*>(t) + i * n * n, n}, b{rhs + i * n * k, k};
    each_column_block(k, threaded, [&](int c0, int c1, bool inner) {
      if (upper) solve_upper(m, b.sub(0, c0), n, c1 - c0, unit, inner);
      else solve_lower(m, b.sub(0, c0), n, c1 - c0, unit, inner);
    });
  });
}

}  // namespace bp

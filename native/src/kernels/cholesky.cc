// Recursive Cholesky (LAPACK's spotrf2): the leading half factored, the rows below it solved
// against that factor's transpose, the trailing half brought up to date by one product and
// factored. Below kBase columns the steps run element by element (left-looking: each entry's sum
// over the row to its left, rounded product by product, as the reference backend's twin in
// lib/backend/reference/cholesky.ts rounds them; this file is built without fused multiply-adds).
#include "cholesky.h"

#include <algorithm>
#include <cmath>

#include "triangular.h"

namespace bp {
namespace {

using dense::Block;
using dense::kBase;

// X = B L^-T in place for the lower triangle L (w x w) and B (m x w): X L^T = B, row by row.
void solve_right_lower_t(Block l, Block b, int m, int w, bool threaded) {
  if (w <= kBase) {
    for (int r = 0; r < m; r++) {
      float* br = b.at(r, 0);
      for (int j = 0; j < w; j++) {
        const float* lj = l.at(j, 0);
        float t = br[j];
        for (int k = 0; k < j; k++) t = t - br[k] * lj[k];
        br[j] = t / lj[j];
      }
    }
    return;
  }
  const int w1 = w / 2;
  solve_right_lower_t(l, b, m, w1, threaded);
  // B2 -= X1 L21^T, L21 the rows w1..w, columns 0..w1 of L.
  dense::sub_product(b.sub(0, w1), b, l.sub(w1, 0), m, w - w1, w1, true, threaded);
  solve_right_lower_t(l.sub(w1, w1), b.sub(0, w1), m, w - w1, threaded);
}

// Factors the lower triangle of the w x w block a in place; 0, or the order of the first leading
// minor that is not positive-definite.
int factor(Block a, int w, bool threaded) {
  if (w <= kBase) {
    for (int j = 0; j < w; j++) {
      const float* lj = a.at(j, 0);
      float s = lj[j];
      for (int k = 0; k < j; k++) s = s - lj[k] * lj[k];
      // Not positive (NaN included, as LAPACK's check).
      if (!(s > 0.0f)) return j + 1;
      const float d = std::sqrt(s);
      *a.at(j, j) = d;
      for (int i = j + 1; i < w; i++) {
        float* li = a.at(i, 0);
        float t = li[j];
        for (int k = 0; k < j; k++) t = t - li[k] * lj[k];
        li[j] = t / d;
      }
    }
    return 0;
  }
  const int n1 = w / 2, n2 = w - n1;
  const int r1 = factor(a, n1, threaded);
  if (r1) return r1;
  solve_right_lower_t(a, a.sub(n1, 0), n2, n1, threaded);
  // A22 -= L21 L21^T, the whole square (its upper part is cleared at the end).
  dense::sub_product(a.sub(n1, n1), a.sub(n1, 0), a.sub(n1, 0), n2, n2, n1, true, threaded);
  const int r2 = factor(a.sub(n1, n1), n2, threaded);
  return r2 ? r2 + n1 : 0;
}

}  // namespace

void cholesky(float* a, int n, long count, int32_t* info) {
  if (n == 0) {
    std::fill(info, info + count, 0);
    return;
  }
  dense::each_matrix(count, [&](long i, bool threaded) {
    float* m = a + i * n * n;
    info[i] = factor({m, n}, n, threaded);
    for (int r = 0; r < n; r++) std::fill(m + (long)r * n + r + 1, m + (long)(r + 1) * n, 0.0f);
  });
}

}  // namespace bp

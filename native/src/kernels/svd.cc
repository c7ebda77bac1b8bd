// Singular value decomposition by Golub, Kahan and Reinsch: Householder reflections take the taller
// way of the matrix to bidiagonal form (their products accumulated into U and V when the vectors
// are wanted), then the implicit-shift QR iteration diagonalizes the bidiagonal, each rotation
// applied to U's and V's columns (EISPACK's svd, in Numerical Recipes' formulation). All in double
// precision, rounded to float at the end, written in the order of the reference twin
// (lib/backend/reference/svd.ts), whose JavaScript numbers are doubles, so that both give the same
// bits (this file is built without fused multiply-adds, and a rotation's length is rotation_length,
// NR's pythag where sqrt(f^2 + h^2) is not safe, not libm's hypot). The matrices are kept by
// columns, so that reflections and rotations walk contiguous memory; the right-hand reflections'
// row updates are done a column at a time for the same reason (the same sums in the same order).
// The inner loops are double_loops.h's, vectorized for the machine (n = 256, one thread: svd 25.0
// -> 15.7 ms, svdvals 6.8 -> 6.3). Unblocked: slower than LAPACK's gesdd (docs/performance.md,
// session 45). Session 45's first version, one-sided Jacobi, took 13 sweeps at n = 256 (74.5 ms
// against PyTorch's 6.5) and did not converge on an exactly rank-2 6 x 6 matrix. A lone matrix at
// two threads or more has U's rotations applied by the other threads while the caller runs the QR
// chain and V's (rotation_log.h): n = 256, the two addons' raw calls alternated in one process,
// 9.31-9.37 -> 9.14-9.26 ms; the reduction to bidiagonal form (7.3 ms) stays on one thread.
#include "svd.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "double_loops.h"
#include "rotation_log.h"
#include "tile_transpose.h"
#include "triangular.h"

namespace bp {
namespace {

constexpr int kMaxIterations = 75;

// |a| with b's sign (Fortran's SIGN).
double with_sign(double a, double b) { return b >= 0.0 ? std::fabs(a) : -std::fabs(a); }

// a (m x n, m >= n, by columns: A(i, j) at a[j * m + i]) to bidiagonal form: w its diagonal, rv1
// (n) above it. With v (n x n, by columns), the reflections' products accumulated: a then holds
// U's columns so far and v V's. t (m) is scratch. Returns the bidiagonal's norm (anorm, which
// diagonalize's tests of negligible entries compare with).
double bidiagonalize(double* a, int m, int n, double* w, double* v, double* rv1, double* t) {
  double g = 0.0, scale = 0.0, anorm = 0.0;
  for (int i = 0; i < n; i++) {
    const int l = i + 1;
    double* ci = a + (long)i * m;
    rv1[i] = scale * g;
    g = 0.0;
    scale = 0.0;
    double s = 0.0;
    for (int k = i; k < m; k++) scale += std::fabs(ci[k]);
    if (scale != 0.0) {
      for (int k = i; k < m; k++) {
        ci[k] /= scale;
        s += ci[k] * ci[k];
      }
      const double f = ci[i];
      g = -with_sign(std::sqrt(s), f);
      const double h = f * g - s;
      ci[i] = f - g;
      const auto column = [&](int j) { return a + (long)j * m + i; };
      dots_then_updates(ci + i, m - i, l, n, column, [&](int j, double dot) { axpy(dot / h, ci + i, column(j), m - i); });
      for (int k = i; k < m; k++) ci[k] *= scale;
    }
    w[i] = scale * g;
    g = 0.0;
    scale = 0.0;
    s = 0.0;
    if (i != n - 1) {
      for (int k = l; k < n; k++) scale += std::fabs(a[(long)k * m + i]);
      if (scale != 0.0) {
        for (int k = l; k < n; k++) {
          a[(long)k * m + i] /= scale;
          s += a[(long)k * m + i] * a[(long)k * m + i];
        }
        const double f = a[(long)l * m + i];
        g = -with_sign(std::sqrt(s), f);
        const double h = f * g - s;
        a[(long)l * m + i] = f - g;
        for (int k = l; k < n; k++) rv1[k] = a[(long)k * m + i] / h;
        // Each row j > i: t_j = its dot with row i, then row j += t_j rv1 (by columns).
        std::fill(t + l, t + m, 0.0);
        int k = l;
        for (; k + 4 <= n; k += 4) {
          const double f[4] = {a[(long)k * m + i], a[(long)(k + 1) * m + i], a[(long)(k + 2) * m + i], a[(long)(k + 3) * m + i]};
          const double* cols[4] = {a + (long)k * m + l, a + (long)(k + 1) * m + l, a + (long)(k + 2) * m + l, a + (long)(k + 3) * m + l};
          axpy4(f, cols, t + l, m - l);
        }
        for (; k < n; k++) axpy(a[(long)k * m + i], a + (long)k * m + l, t + l, m - l);
        for (int k = l; k < n; k++) axpy(rv1[k], t + l, a + (long)k * m + l, m - l);
        for (int k = l; k < n; k++) a[(long)k * m + i] *= scale;
      }
    }
    anorm = std::max(anorm, std::fabs(w[i]) + std::fabs(rv1[i]));
  }
  if (v) {
    // The right-hand reflections accumulated into V (row i of a copied into t first), last first;
    // g is the reflection's scale, which rv1 kept (the last row has none: g is 0 from the loop above).
    int l = n;
    for (int i = n - 1; i >= 0; i--) {
      double* vi = v + (long)i * n;
      if (i < n - 1) {
        if (g != 0.0) {
          for (int k = l; k < n; k++) t[k] = a[(long)k * m + i];
          for (int j = l; j < n; j++) vi[j] = t[j] / t[l] / g;
          const auto row = [&](int j) { return v + (long)j * n + l; };
          dots_then_updates(t + l, n - l, l, n, row, [&](int j, double dot) { axpy(dot, vi + l, row(j), n - l); });
        }
        for (int j = l; j < n; j++) {
          v[(long)j * n + i] = 0.0;
          vi[j] = 0.0;
        }
      }
      vi[i] = 1.0;
      g = rv1[i];
      l = i;
    }
    // The left-hand ones into a, which becomes U.
    for (int i = n - 1; i >= 0; i--) {
      const int l = i + 1;
      double* ci = a + (long)i * m;
      for (int j = l; j < n; j++) a[(long)j * m + i] = 0.0;
      if (w[i] != 0.0) {
        const double inv = 1.0 / w[i];
        const auto column = [&](int j) { return a + (long)j * m + l; };
        dots_then_updates(ci + l, m - l, l, n, column, [&](int j, double dot) { axpy((dot / ci[i]) * inv, ci + i, a + (long)j * m + i, m - i); });
        for (int k = i; k < m; k++) ci[k] *= inv;
      } else {
        std::fill(ci + i, ci + m, 0.0);
      }
      ci[i] += 1.0;
    }
  }
  return anorm;
}

// The bidiagonal (w on the diagonal, rv1 above it) diagonalized, the last value first: w the
// singular values (unsorted, non-negative). With v, each rotation applied to V's columns here and
// handed to rotate_left (columns x and y of U, c, s) for U's. False when a value takes more than
// kMaxIterations QR steps.
template <class RotateLeft>
bool diagonalize(int n, double* w, double* v, double* rv1, double anorm, const RotateLeft& rotate_left) {
  for (int k = n - 1; k >= 0; k--) {
    for (int its = 1;; its++) {
      bool split = true;
      int l = k, nm = 0;
      for (; l >= 0; l--) {
        nm = l - 1;
        if (std::fabs(rv1[l]) + anorm == anorm) {
          split = false;
          break;
        }
        if (std::fabs(w[nm]) + anorm == anorm) break;
      }
      if (split) {
        // w[nm] is negligible: rotations zero rv1[l..k].
        double c = 0.0, s = 1.0;
        for (int i = l; i <= k; i++) {
          const double f = s * rv1[i];
          rv1[i] = c * rv1[i];
          if (std::fabs(f) + anorm == anorm) break;
          const double h = rotation_length(f, w[i]);
          c = w[i] / h;
          s = -f / h;
          w[i] = h;
          if (v) rotate_left(nm, i, c, s);
        }
      }
      const double z = w[k];
      if (l == k) {
        if (z < 0.0) {
          w[k] = -z;
          if (v)
            for (int j = 0; j < n; j++) v[(long)k * n + j] = -v[(long)k * n + j];
        }
        break;
      }
      if (its == kMaxIterations) return false;
      // A QR step with the shift from the bottom 2 x 2 minor.
      double x = w[l], y = w[k - 1], gg = rv1[k - 1], h = rv1[k];
      double f = ((y - z) * (y + z) + (gg - h) * (gg + h)) / (2.0 * h * y);
      gg = pythag(f, 1.0);
      f = ((x - z) * (x + z) + h * (y / (f + with_sign(gg, f)) - h)) / x;
      double c = 1.0, s = 1.0;
      for (int j = l; j < k; j++) {
        const int i = j + 1;
        gg = rv1[i];
        y = w[i];
        h = s * gg;
        gg = c * gg;
        double r = rotation_length(f, h);
        rv1[j] = r;
        c = f / r;
        s = h / r;
        f = x * c + gg * s;
        gg = gg * c - x * s;
        h = y * s;
        y *= c;
        if (v) rotate(v + (long)j * n, v + (long)i * n, n, c, s);
        r = rotation_length(f, h);
        w[j] = r;
        if (r != 0.0) {
          c = f / r;
          s = h / r;
        }
        f = c * gg + s * y;
        x = c * y - s * gg;
        if (v) rotate_left(j, i, c, s);
      }
      rv1[l] = 0.0;
      rv1[k] = f;
      w[k] = x;
    }
  }
  return true;
}

// basis (rows x want, column j at basis[j * rows], the first `have` orthonormal) completed: columns
// have..want as Q e_have, ..., Q e_(want - 1), where Q = H_0 ... H_(have - 1) is the Householder QR
// of the first `have` columns, so orthonormal and orthogonal to them.
void complete(double* basis, int rows, int have, int want) {
  std::vector<double> refl((size_t)rows * have), x(rows);
  for (int i = 0; i < have; i++) {
    // Column i with the earlier reflectors applied, then its own reflector from entries i..rows.
    double* r = refl.data() + (size_t)i * rows;
    std::copy(basis + (long)i * rows, basis + (long)(i + 1) * rows, r);
    for (int h = 0; h < i; h++) {
      const double* vh = refl.data() + (size_t)h * rows;
      const double f = 2.0 * dot4(vh + h, r + h, rows - h) / dot4(vh + h, vh + h, rows - h);
      sub_scaled(f, vh + h, r + h, rows - h);
    }
    std::fill(r, r + i, 0.0);
    const double len = std::sqrt(dot4(r + i, r + i, rows - i));
    r[i] += r[i] >= 0.0 ? len : -len;
  }
  for (int j = have; j < want; j++) {
    std::fill(x.begin(), x.end(), 0.0);
    x[j] = 1.0;
    for (int h = have - 1; h >= 0; h--) {
      const double* vh = refl.data() + (size_t)h * rows;
      const double f = 2.0 * dot4(vh + h, x.data() + h, rows - h) / dot4(vh + h, vh + h, rows - h);
      sub_scaled(f, vh + h, x.data() + h, rows - h);
    }
    std::copy(x.begin(), x.end(), basis + (long)j * rows);
  }
}

// Out: float, or double for the unrounded results (svd.h). `threaded`: the matrix may use the pool.
template <class Out>
int decompose(const float* a, int m, int n, bool full, Out* s, Out* u, Out* vt, bool threaded) {
  for (long i = 0; i < (long)m * n; i++)
    if (!std::isfinite(a[i])) return 1;
  // The tall way of A (rows x cols, rows >= cols) by columns: A's columns when m >= n, A's rows when
  // it is wide (A^T = U' S V'^T, so U = V' and V = U').
  const bool tall = m >= n;
  const int rows = tall ? m : n, cols = tall ? n : m;
  const bool vectors = u != nullptr || vt != nullptr;
  const int want = full ? rows : cols;
  const size_t w_size = (size_t)rows * cols, v_size = vectors ? (size_t)cols * cols : 0;
  const size_t left_size = vectors ? (size_t)rows * want : 0;
  LineVectorOf<double> once;
  double* const w = decomposition_scratch(once, w_size + v_size + left_size + 2 * (size_t)cols + (size_t)rows);
  double* const v = vectors ? w + w_size : nullptr;
  double* const left = w + w_size + v_size;
  double* const sigma = left + left_size;
  double* const rv1 = sigma + cols;
  double* const t = rv1 + cols;
  if (tall) transpose_tiles(m, n, [&](int i) { return a + (long)i * n; }, w, rows);
  else std::copy(a, a + (long)m * n, w);
  const double anorm = bidiagonalize(w, rows, cols, sigma, v, rv1, t);
  // U's rotations: on the other threads when the matrix may use the pool (rotation_log.h), while
  // this one runs the QR chain and V's.
  if (!with_rotations(w, rows, rows, threaded && vectors, [&](const auto& push) { return diagonalize(cols, sigma, v, rv1, anorm, push); })) return 2;
  // Descending, ties in index order (a stable sort of the indices).
  std::vector<int> order(cols);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return sigma[x] > sigma[y]; });
  for (int j = 0; j < cols; j++) s[j] = (Out)sigma[order[j]];
  if (!vectors) return 0;
  // The tall way's left vectors in order (rows x want, by columns), completed past cols for the
  // full decomposition.
  for (int j = 0; j < cols; j++) std::copy(w + (long)order[j] * rows, w + (long)(order[j] + 1) * rows, left + (long)j * rows);
  if (cols < want) complete(left, rows, cols, want);
  // U = the tall way's left vectors and V's rows its right ones when m >= n; swapped when wide.
  const int u_cols = full ? m : cols, vt_rows = full ? n : cols;
  transpose_tiles(u_cols, m, [&](int j) { return tall ? left + (long)j * rows : v + (long)order[j] * cols; }, u, u_cols);
  for (int j = 0; j < vt_rows; j++)
    for (int i = 0; i < n; i++) vt[(long)j * n + i] = (Out)(tall ? v[(size_t)order[j] * cols + i] : left[(size_t)j * rows + i]);
  return 0;
}

template <class Out>
void svd_into(const float* a, int m, int n, long count, bool full, Out* s, Out* u, Out* vt, int32_t* info) {
  const int k = std::min(m, n);
  const long u_cols = full ? m : k, vt_rows = full ? n : k;
  dense::each_matrix(count, [&](long i, bool threaded) {
    info[i] = decompose(a + i * m * n, m, n, full, s + i * k, u ? u + i * m * u_cols : nullptr, vt ? vt + i * vt_rows * n : nullptr, threaded);
  });
}

}  // namespace

void svd(const float* a, int m, int n, long count, bool full, float* s, float* u, float* vt, int32_t* info) {
  svd_into(a, m, n, count, full, s, u, vt, info);
}

void svd(const float* a, int m, int n, long count, bool full, double* s, double* u, double* vt, int32_t* info) {
  svd_into(a, m, n, count, full, s, u, vt, info);
}

}  // namespace bp

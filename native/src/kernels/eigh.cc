// Symmetric eigendecomposition: Householder reduction to a tridiagonal matrix with the
// transformations accumulated (EISPACK's tred2), then the implicit QL iteration with Wilkinson-style
// shifts on it, each rotation applied to the accumulated vectors (tql2). All in double precision,
// rounded to float at the end; written in the order of the reference twin
// (lib/backend/reference/eigh.ts), whose JavaScript numbers are doubles, so that both give the same
// bits (this file is built without fused multiply-adds, and a rotation's length is rotation_length,
// NR's pythag where sqrt(f^2 + g^2) is not safe, not libm's hypot). The inner loops are
// double_loops.h's, vectorized for the machine (n = 256, one thread: eigh 13.1 -> 8.05 ms with the
// clones alone). Unblocked: about 4/3 n^3 + 3 n^3 operations, slower than LAPACK's syevd for large n
// (docs/performance.md, sessions 44, 45 and 50). A lone matrix at two threads or more has its
// rotations applied by the other threads while the caller runs the QL chain (rotation_log.h): n =
// 256, the two addons' raw calls alternated in one process, 3.58-3.63 -> 3.32-3.40 ms (session 51).
#include "eigh.h"

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

// z (n x n, row-major, symmetric on entry) := the orthogonal Q with Q^T A Q tridiagonal (when
// `vectors`; else only its diagonal is read at the end); d its diagonal, e[1..n) its subdiagonal
// (e[0] = 0). EISPACK's order of operations, with the loops that walked down columns turned to walk
// along rows (the same sums in the same order: the same bits; at n = 512 a pass took 839 ms with the
// column walks, see docs/performance.md, session 44). g holds the symmetric product's sums.
void tred2(double* z, int n, double* d, double* e, double* g, bool vectors) {
  auto at = [&](int i, int j) -> double& { return z[(long)i * n + j]; };
  for (int i = n - 1; i > 0; i--) {
    const int l = i - 1;
    double h = 0.0, scale = 0.0;
    if (l > 0) {
      for (int k = 0; k <= l; k++) scale += std::fabs(at(i, k));
      if (scale == 0.0) {
        e[i] = at(i, l);
      } else {
        for (int k = 0; k <= l; k++) {
          at(i, k) /= scale;
          h += at(i, k) * at(i, k);
        }
        double f = at(i, l);
        const double root = f >= 0.0 ? -std::sqrt(h) : std::sqrt(h);
        e[i] = scale * root;
        h -= f * root;
        at(i, l) = f - root;
        const double* u = z + (long)i * n;
        // g_j = sum over k <= j of a_jk u_k, then over k > j of a_kj u_k: row j's part when row j
        // comes, each later row's share as it does. Four rows a pass (dots_axpys4): their dots over
        // the part they share and their shares of the earlier g's; then their own columns' shares of
        // each other's g in the order one row at a time gives them.
        int r = 0;
        for (; r + 3 <= l; r += 4) {
          const double* rows[4];
          for (int q = 0; q < 4; q++) {
            at(r + q, i) = u[r + q] / h;
            rows[q] = z + (long)(r + q) * n;
          }
          double dots[4];
          dots_axpys4(u, rows, u + r, r, g, dots);
          for (int q = 0; q < 4; q++) {
            g[r + q] = dots[q];
            for (int p = 0; p < q; p++) g[r + p] += u[r + q] * rows[q][r + p];
          }
        }
        for (; r <= l; r++) {
          at(r, i) = u[r] / h;
          const double* zr = z + (long)r * n;
          g[r] = dot4(zr, u, r + 1);
          axpy(u[r], zr, g, r);
        }
        f = 0.0;
        for (int j = 0; j <= l; j++) {
          e[j] = g[j] / h;
          f += e[j] * u[j];
        }
        const double hh = f / (h + h);
        for (int j = 0; j <= l; j++) {
          f = u[j];
          const double gj = e[j] = e[j] - hh * f;
          double* zj = z + (long)j * n;
          sub_pair(f, e, gj, u, zj, j + 1);
        }
      }
    } else {
      e[i] = at(i, l);
    }
    d[i] = h;
  }
  d[0] = 0.0;
  e[0] = 0.0;
  for (int i = 0; i < n; i++) {
    if (vectors && d[i] != 0.0) {
      // g_j = sum over k < i of a_ik a_kj, then a_kj -= g_j a_ki: both along rows k.
      std::fill(g, g + i, 0.0);
      for (int k = 0; k < i; k++) {
        const double aik = at(i, k);
        const double* zk = z + (long)k * n;
        axpy(aik, zk, g, i);
      }
      for (int k = 0; k < i; k++) {
        const double aki = at(k, i);
        double* zk = z + (long)k * n;
        sub_scaled(aki, g, zk, i);
      }
    }
    d[i] = at(i, i);
    at(i, i) = 1.0;
    for (int j = 0; j < i; j++) at(j, i) = at(i, j) = 0.0;
  }
}

// The implicit QL iteration on the tridiagonal (d, e), each rotation (i, c, s) handed to `rotated`
// as it is made (rows i + 1 and i of the eigenvectors as rows; nothing when there are none). False
// when an eigenvalue took more than 60 iterations.
template <class Rotated>
bool tql2(double* d, double* e, int n, const Rotated& rotated) {
  for (int i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0.0;
  for (int l = 0; l < n; l++) {
    int iter = 0, m;
    do {
      for (m = l; m < n - 1; m++) {
        const double dd = std::fabs(d[m]) + std::fabs(d[m + 1]);
        if (std::fabs(e[m]) <= 2.220446049250313e-16 * dd) break;
      }
      if (m != l) {
        if (iter++ == 60) return false;
        double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
        double r = pythag(g, 1.0);
        g = d[m] - d[l] + e[l] / (g + (g >= 0.0 ? std::fabs(r) : -std::fabs(r)));
        double s = 1.0, c = 1.0, p = 0.0;
        int i;
        for (i = m - 1; i >= l; i--) {
          double f = s * e[i];
          const double b = c * e[i];
          e[i + 1] = (r = rotation_length(f, g));
          if (r == 0.0) {
            d[i + 1] -= p;
            e[m] = 0.0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2.0 * c * b;
          d[i + 1] = g + (p = s * r);
          g = c * r - b;
          rotated(i, c, s);
        }
        if (r == 0.0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0.0;
      }
    } while (m != l);
  }
  return true;
}

// Out: float, or double for the unrounded results (eigh.h). `threaded`: the matrix may use the pool.
template <class Out>
int decompose(const float* a, int n, bool upper, Out* values, Out* vectors, bool threaded) {
  LineVectorOf<double> once;
  double* const z = decomposition_scratch(once, (size_t)n * n * (vectors ? 2 : 1) + 3 * (size_t)n);
  double* const vt = vectors ? z + (size_t)n * n : nullptr;
  double* const d = z + (size_t)n * n * (vectors ? 2 : 1);
  double* const e = d + n;
  double* const g = e + n;
  // The symmetric matrix from the triangle read: its lower triangle (the upper one's transpose when
  // that is read), then mirrored.
  if (upper) {
    transpose_tiles(n, n, [&](int i) { return a + (long)i * n; }, z, n);
  } else {
    for (int i = 0; i < n; i++) std::copy(a + (long)i * n, a + (long)i * n + i + 1, z + (long)i * n);
  }
  mirror_lower(z, n);
  tred2(z, n, d, e, g, vectors != nullptr);
  // The accumulated transformation's columns become rows, so that each rotation walks two rows.
  if (vectors) transpose_tiles(n, n, [&](int k) { return z + (long)k * n; }, vt, n);
  bool converged;
  if (!vt) converged = tql2(d, e, n, [](int, double, double) {});
  // vj := s vi + c vj, vi := c vi - s vj for rows j = i + 1 and i (on the other threads when the
  // matrix may use the pool: rotation_log.h).
  else converged = with_rotations(vt, n, n, threaded, [&](const auto& push) { return tql2(d, e, n, [&](int i, double c, double s) { push(i + 1, i, c, s); }); });
  if (!converged) return 1;
  // Ascending, ties in index order (a stable sort of the indices).
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return d[x] < d[y]; });
  for (int j = 0; j < n; j++) values[j] = (Out)d[order[j]];
  if (vectors) transpose_tiles(n, n, [&](int j) { return vt + (long)order[j] * n; }, vectors, n);
  return 0;
}

template <class Out>
void eigh_into(const float* a, int n, long count, bool upper, Out* values, Out* vectors, int32_t* info) {
  if (n == 0) {
    std::fill(info, info + count, 0);
    return;
  }
  dense::each_matrix(count, [&](long i, bool threaded) {
    info[i] = decompose(a + i * n * n, n, upper, values + i * n, vectors ? vectors + i * n * n : nullptr, threaded);
  });
}

}  // namespace

void eigh(const float* a, int n, long count, bool upper, float* values, float* vectors, int32_t* info) {
  eigh_into(a, n, count, upper, values, vectors, info);
}

void eigh(const float* a, int n, long count, bool upper, double* values, double* vectors, int32_t* info) {
  eigh_into(a, n, count, upper, values, vectors, info);
}

}  // namespace bp

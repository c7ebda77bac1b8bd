// Singular value decomposition by one-sided Jacobi (Hestenes): the columns of the taller way of the
// matrix are rotated in pairs until every pair is orthogonal, the rotations accumulated into V; the
// columns' norms are then the singular values and the columns divided by them U. Chosen over
// Golub-Kahan bidiagonalization for its accuracy (each singular value to a few ulps of its own size,
// not of the largest one's) and because every step is a dot product or a rotation of two rows, which
// vectorize. All in double precision, rounded to float at the end, written in the order of the
// reference twin (lib/backend/reference/svd.ts), whose JavaScript numbers are doubles, so that both
// give the same bits (this file is built without fused multiply-adds; the dot products keep four
// partial sums, i mod 4, in both). About 7 m n^2 operations a sweep and 6-10 sweeps: slower than
// LAPACK's gesdd for large n (docs/performance.md, session 45).
#include "svd.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <vector>

#include "triangular.h"

namespace bp {
namespace {

constexpr int kMaxSweeps = 60;

// x . y with four partial sums (element i into sum i mod 4), added as (s0 + s1) + (s2 + s3).
double dot(const double* x, const double* y, int len) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  if (i < len) s0 += x[i] * y[i];
  if (i + 1 < len) s1 += x[i + 1] * y[i + 1];
  if (i + 2 < len) s2 += x[i + 2] * y[i + 2];
  return (s0 + s1) + (s2 + s3);
}

// [x, y] := [c x - s y, s x + c y].
void rotate(double* x, double* y, int len, double c, double s) {
  for (int i = 0; i < len; i++) {
    const double p = x[i], q = y[i];
    x[i] = c * p - s * q;
    y[i] = s * p + c * q;
  }
}

// Rows w[0..cols) of length rows (the tall matrix's columns) rotated pairwise until orthogonal to
// tol; v (cols x cols, rows) accumulates the rotations when not null. False when kMaxSweeps pass.
bool jacobi(double* w, int rows, int cols, double* v, double* norms) {
  const double tol = std::sqrt((double)rows) * DBL_EPSILON;
  for (int sweep = 0; sweep < kMaxSweeps; sweep++) {
    for (int j = 0; j < cols; j++) norms[j] = dot(w + (long)j * rows, w + (long)j * rows, rows);
    bool rotated = false;
    for (int p = 0; p + 1 < cols; p++) {
      for (int q = p + 1; q < cols; q++) {
        double* wp = w + (long)p * rows;
        double* wq = w + (long)q * rows;
        const double alpha = norms[p], beta = norms[q];
        const double gamma = dot(wp, wq, rows);
        if (!(std::fabs(gamma) > tol * std::sqrt(alpha * beta))) continue;
        // The rotation's tangent, the smaller root of t^2 + 2 zeta t - 1 = 0.
        const double zeta = (beta - alpha) / (2.0 * gamma);
        const double t = (zeta >= 0.0 ? 1.0 : -1.0) / (std::fabs(zeta) + std::sqrt(1.0 + zeta * zeta));
        const double c = 1.0 / std::sqrt(1.0 + t * t), s = c * t;
        rotate(wp, wq, rows, c, s);
        if (v) rotate(v + (long)p * cols, v + (long)q * cols, cols, c, s);
        norms[p] = alpha - t * gamma;
        norms[q] = beta + t * gamma;
        rotated = true;
      }
    }
    if (!rotated) return true;
  }
  return false;
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
      const double f = 2.0 * dot(vh + h, r + h, rows - h) / dot(vh + h, vh + h, rows - h);
      for (int e = h; e < rows; e++) r[e] -= f * vh[e];
    }
    std::fill(r, r + i, 0.0);
    const double len = std::sqrt(dot(r + i, r + i, rows - i));
    r[i] += r[i] >= 0.0 ? len : -len;
  }
  for (int j = have; j < want; j++) {
    std::fill(x.begin(), x.end(), 0.0);
    x[j] = 1.0;
    for (int h = have - 1; h >= 0; h--) {
      const double* vh = refl.data() + (size_t)h * rows;
      const double f = 2.0 * dot(vh + h, x.data() + h, rows - h) / dot(vh + h, vh + h, rows - h);
      for (int e = h; e < rows; e++) x[e] -= f * vh[e];
    }
    std::copy(x.begin(), x.end(), basis + (long)j * rows);
  }
}

int decompose(const float* a, int m, int n, bool full, float* s, float* u, float* vt) {
  for (long i = 0; i < (long)m * n; i++)
    if (!std::isfinite(a[i])) return 1;
  // The tall way of A (rows x cols, rows >= cols), its columns as the rows of w: A's columns when
  // m >= n, A's rows when it is wide (A^T = U' S V'^T, so U = V' and V = U').
  const bool tall = m >= n;
  const int rows = tall ? m : n, cols = tall ? n : m;
  const bool vectors = u != nullptr || vt != nullptr;
  std::vector<double> w((size_t)rows * cols), v(vectors ? (size_t)cols * cols : 0), norms(cols);
  for (int j = 0; j < cols; j++)
    for (int i = 0; i < rows; i++) w[(size_t)j * rows + i] = tall ? a[(long)i * n + j] : a[(long)j * n + i];
  for (int j = 0; vectors && j < cols; j++) v[(size_t)j * cols + j] = 1.0;
  if (!jacobi(w.data(), rows, cols, vectors ? v.data() : nullptr, norms.data())) return 1;
  std::vector<double> sigma(cols);
  for (int j = 0; j < cols; j++) sigma[j] = std::sqrt(dot(w.data() + (size_t)j * rows, w.data() + (size_t)j * rows, rows));
  // Descending, ties in index order (a stable sort of the indices).
  std::vector<int> order(cols);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return sigma[x] > sigma[y]; });
  for (int j = 0; j < cols; j++) s[j] = (float)sigma[order[j]];
  if (!vectors) return 0;
  // The tall way's left vectors (rows x want, by columns): the nonzero columns normalized, then
  // completed past the rank (and past cols for the full decomposition).
  const int want = full ? rows : cols;
  std::vector<double> left((size_t)rows * want);
  int rank = 0;
  while (rank < cols && sigma[order[rank]] > 0.0) {
    const double* col = w.data() + (size_t)order[rank] * rows;
    for (int i = 0; i < rows; i++) left[(size_t)rank * rows + i] = col[i] / sigma[order[rank]];
    rank++;
  }
  if (rank < want) complete(left.data(), rows, rank, want);
  // U = the tall way's left vectors and V's rows its right ones when m >= n; swapped when wide.
  const int u_cols = full ? m : cols, vt_rows = full ? n : cols;
  for (int j = 0; j < u_cols; j++)
    for (int i = 0; i < m; i++) u[(long)i * u_cols + j] = (float)(tall ? left[(size_t)j * rows + i] : v[(size_t)order[j] * cols + i]);
  for (int j = 0; j < vt_rows; j++)
    for (int i = 0; i < n; i++) vt[(long)j * n + i] = (float)(tall ? v[(size_t)order[j] * cols + i] : left[(size_t)j * rows + i]);
  return 0;
}

}  // namespace

void svd(const float* a, int m, int n, long count, bool full, float* s, float* u, float* vt, int32_t* info) {
  const int k = std::min(m, n);
  const long u_cols = full ? m : k, vt_rows = full ? n : k;
  dense::each_matrix(count, [&](long i, bool) {
    info[i] = decompose(a + i * m * n, m, n, full, s + i * k, u ? u + i * m * u_cols : nullptr, vt ? vt + i * vt_rows * n : nullptr);
  });
}

}  // namespace bp

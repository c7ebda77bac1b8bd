// Householder QR in panels (LAPACK's geqrf and orgqr): within a panel each reflector is applied to
// the panel's columns to its right as one pass down the rows (w = v^T A, then A -= tau v w, both
// loops along rows so that they vectorize); the panel's reflectors then reach the rest of the matrix
// as one block reflector through sgemm. Each reflector's norm is summed in double; the other steps
// outside the products are float operations rounded as they are stored, as the reference twin
// (lib/backend/reference/qr.ts) rounds them (this file is built without fused multiply-adds).
// Reflectors as LAPACK's slarfg: beta = -sign(alpha) |x|, tau = (beta - alpha) / beta, v = x /
// (alpha - beta); tau = 0 for a column already zero below its diagonal.
#include "qr.h"

#include <algorithm>
#include <cmath>

#include "../runtime/line_vector.h"
#include "gemm.h"
#include "triangular.h"

namespace bp {
namespace {

// H = I - tau v v^T applied from the left to rows r0..m, columns c0..c1 of the row-major block x (row
// stride ld); v (length m - r0, its first entry 1) and w (scratch, c1 - c0).
void reflect(float* x, long ld, int r0, int m, int c0, int c1, const float* v, float tau, float* w) {
  if (tau == 0.0f || c0 >= c1) return;
  const int width = c1 - c0;
  std::fill(w, w + width, 0.0f);
  for (int i = r0; i < m; i++) {
    const float vi = v[i - r0];
    const float* xi = x + i * ld + c0;
    for (int c = 0; c < width; c++) w[c] = w[c] + vi * xi[c];
  }
  for (int i = r0; i < m; i++) {
    const float tv = tau * v[i - r0];
    float* xi = x + i * ld + c0;
    for (int c = 0; c < width; c++) xi[c] = xi[c] - tv * w[c];
  }
}

// Columns per panel: each panel's reflectors are made column by column (reflect, within the panel),
// then applied to the rest of the matrix at once as I - V T V^T (LAPACK's larft and larfb), three
// products through sgemm, which carry most of the 2 m n^2 multiply-adds.
constexpr int kPanel = 32;

// One product C = alpha op(A) op(B) + beta C of contiguous blocks, on every thread or on this one.
void product(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta, float* c, bool threaded) {
  if (m == 0 || n == 0) return;
  GemmCall g{};
  g.trans_a = ta, g.trans_b = tb;
  g.m = m, g.n = n, g.k = k;
  g.alpha = alpha, g.beta = beta;
  g.a = a, g.b = b, g.c = c;
  if (threaded) sgemm(g);
  else sgemm_one_thread(g);
}

// The panel's reflectors H_j0 ... H_(j0+nb-1) as I - V T V^T: v (rows x nb, contiguous, unit lower
// trapezoidal) and t (nb x nb upper triangular, LAPACK's larft forward columnwise: T_ii = tau_i,
// T[0:i, i] = -tau_i T[0:i, 0:i] (V[:, 0:i]^T v_i)), each sum rounded step by step.
void block_reflector(const float* a, int m, int n, int j0, int nb, const float* tau, float* v, float* t) {
  const int rows = m - j0;
  for (int i = 0; i < rows; i++)
    for (int p = 0; p < nb; p++) v[(long)i * nb + p] = i == p ? 1.0f : i < p ? 0.0f : a[(long)(j0 + i) * n + j0 + p];
  std::fill(t, t + nb * nb, 0.0f);
  float z[kPanel];
  for (int i = 0; i < nb; i++) {
    t[i * nb + i] = tau[j0 + i];
    if (tau[j0 + i] == 0.0f) continue;
    for (int p = 0; p < i; p++) {
      float s = 0.0f;
      for (int r = i; r < rows; r++) s = s + v[(long)r * nb + p] * v[(long)r * nb + i];
      z[p] = s;
    }
    for (int p = 0; p < i; p++) {
      float s = 0.0f;
      for (int q = p; q < i; q++) s = s + t[p * nb + q] * z[q];
      t[p * nb + i] = -tau[j0 + i] * s;
    }
  }
}

// Rows j0..m, columns c0..c1 of x (row stride ld) := (I - V op(T) V^T) x, op(T) = T^T when `trans`
// (Q^T applied: the factorization) else T (Q applied: forming Q).
void apply_block(float* x, long ld, int m, int j0, int c0, int c1, int nb, const float* v, const float* t, bool trans, bool threaded) {
  const int rows = m - j0, width = c1 - c0;
  if (width <= 0 || rows <= 0) return;
  thread_local LineVector x_buf, w_buf, w2_buf;
  float* const xc = at_least(x_buf, (size_t)rows * width);
  float* const w = at_least(w_buf, (size_t)nb * width);
  float* const w2 = at_least(w2_buf, (size_t)nb * width);
  for (int i = 0; i < rows; i++) std::copy(x + (long)(j0 + i) * ld + c0, x + (long)(j0 + i) * ld + c1, xc + (long)i * width);
  product(true, false, nb, width, rows, 1.0f, v, xc, 0.0f, w, threaded);
  product(trans, false, nb, width, nb, 1.0f, t, w, 0.0f, w2, threaded);
  product(false, false, rows, width, nb, -1.0f, v, w2, 1.0f, xc, threaded);
  for (int i = 0; i < rows; i++) std::copy(xc + (long)i * width, xc + (long)(i + 1) * width, x + (long)(j0 + i) * ld + c0);
}

void factor(float* a, int m, int n, float* q, int q_cols, bool threaded) {
  const int k = std::min(m, n);
  thread_local LineVector v_buf, w_buf, tau_buf, panel_buf, t_buf;
  float* const v = at_least(v_buf, (size_t)m);
  float* const w = at_least(w_buf, (size_t)std::max(n, q_cols));
  float* const tau = at_least(tau_buf, (size_t)k);
  float* const panel = at_least(panel_buf, (size_t)m * kPanel);
  float* const t = at_least(t_buf, (size_t)kPanel * kPanel);
  for (int j0 = 0; j0 < k; j0 += kPanel) {
    const int j1 = std::min(k, j0 + kPanel);
    for (int j = j0; j < j1; j++) {
      const float alpha = a[(long)j * n + j];
      double norm2 = 0;
      for (int i = j + 1; i < m; i++) norm2 += (double)a[(long)i * n + j] * a[(long)i * n + j];
      v[0] = 1.0f;
      if (norm2 == 0) {
        tau[j] = 0.0f;
        continue;
      }
      const float beta = (float)-std::copysign(std::sqrt((double)alpha * alpha + norm2), (double)alpha);
      tau[j] = (beta - alpha) / beta;
      const float scale = 1.0f / (alpha - beta);
      for (int i = j + 1; i < m; i++) v[i - j] = a[(long)i * n + j] = a[(long)i * n + j] * scale;
      a[(long)j * n + j] = beta;
      reflect(a, n, j, m, j + 1, j1, v, tau[j], w);
    }
    if (j1 < n) {
      block_reflector(a, m, n, j0, j1 - j0, tau, panel, t);
      apply_block(a, n, m, j0, j1, n, j1 - j0, panel, t, true, threaded);
    }
  }
  if (q_cols == 0) return;
  // Q = H_0 ... H_(k-1) I, the panels applied last to first (LAPACK's orgqr order).
  for (int i = 0; i < m; i++)
    for (int c = 0; c < q_cols; c++) q[(long)i * q_cols + c] = i == c ? 1.0f : 0.0f;
  for (int j0 = (k - 1) / kPanel * kPanel; j0 >= 0; j0 -= kPanel) {
    const int nb = std::min(k, j0 + kPanel) - j0;
    block_reflector(a, m, n, j0, nb, tau, panel, t);
    apply_block(q, q_cols, m, j0, j0, q_cols, nb, panel, t, false, threaded);
  }
}

}  // namespace

void householder_qr(float* a, int m, int n, long count, float* q, int q_cols) {
  if (m == 0 || n == 0) {
    // Nothing to factor; Q is the identity's first columns.
    for (long b = 0; b < count && q_cols > 0; b++)
      for (int i = 0; i < m; i++)
        for (int c = 0; c < q_cols; c++) q[b * m * q_cols + (long)i * q_cols + c] = i == c ? 1.0f : 0.0f;
    return;
  }
  dense::each_matrix(count, [&](long b, bool threaded) { factor(a + b * m * n, m, n, q_cols ? q + b * m * q_cols : nullptr, q_cols, threaded); });
}

}  // namespace bp

// Runs the portable kernel set where the test machine cannot run Node: built for aarch64 with
// Debian's cross compiler and run under qemu-user by test/portable-build.test.ts (DESIGN.md: the build
// must compile and pass without AVX2). Checks the GEMM (all transposes, edge sizes, alpha / beta,
// bias and activations) against double-precision sums, the LU, Cholesky and QR factorizations, the
// triangular solves and the symmetric eigendecomposition against their matrices, the Fourier
// transforms (complex and real rows) against the DFT, and a few
// element-wise, reduction, softmax and recurrent-cell kernels against their formulas, at one and two
// threads; the same bits at both. Prints "ok <checks>" and exits 0, or the first failures and exits 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

#include "../src/kernels/double_loops.h"
#include "../src/kernels/elementwise.h"
#include "../src/kernels/gemm.h"
#include "../src/kernels/lu.h"
#include "../src/kernels/cholesky.h"
#include "../src/kernels/qr.h"
#include "../src/kernels/eigh.h"
#include "../src/kernels/fft.h"
#include "../src/kernels/svd.h"
#include "../src/kernels/triangular.h"
#include "../src/kernels/reduce.h"
#include "../src/kernels/rnn_cell.h"
#include "../src/kernels/softmax.h"
#include "../src/kernels/table.h"
#include "../src/runtime/thread_pool.h"

namespace {

int failures = 0;
long checks = 0;

void check(bool ok, const char* what, long i, double got, double want) {
  checks++;
  if (ok) return;
  if (failures++ < 10) std::printf("FAIL %s [%ld]: %.9g, expected %.9g\n", what, i, got, want);
}

std::vector<float> randoms(size_t n, std::mt19937& g, float lo = -1, float hi = 1) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(g);
  return v;
}

double act_of(int act, double v) {
  if (act == bp::kRelu) return v > 0 ? v : 0;
  if (act == bp::kSigmoid) return 1 / (1 + std::exp(-v));
  if (act == bp::kTanh) return std::tanh(v);
  return v;
}

// One product at one and two threads, against double-precision sums.
void gemm_case(std::mt19937& g, int m, int n, int k, bool ta, bool tb, int act, float alpha, float beta, bool with_bias) {
  auto a = randoms((size_t)m * k, g), b = randoms((size_t)k * n, g), c0 = randoms((size_t)m * n, g), bias = randoms((size_t)n, g);
  std::vector<float> out[2];
  for (int t = 1; t <= 2; t++) {
    bp::ThreadPool::instance().set_threads(t);
    std::vector<float> c = c0;
    bp::sgemm(bp::GemmCall{ta, tb, m, n, k, alpha, a.data(), b.data(), beta, c.data(), with_bias ? bias.data() : nullptr, act, nullptr, 0});
    out[t - 1] = c;
  }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      double s = 0, mag = 0;
      for (int p = 0; p < k; p++) {
        const double x = a[ta ? (size_t)p * m + i : (size_t)i * k + p] * (double)b[tb ? (size_t)j * k + p : (size_t)p * n + j];
        s += x;
        mag += std::fabs(x);
      }
      double want = alpha * s + beta * c0[(size_t)i * n + j] + (with_bias ? bias[j] : 0);
      want = act_of(act, want);
      const double got = out[0][(size_t)i * n + j];
      check(std::fabs(got - want) <= 1e-5 * (mag + 1), "sgemm", (long)i * n + j, got, want);
      check(out[1][(size_t)i * n + j] == out[0][(size_t)i * n + j], "sgemm at two threads", (long)i * n + j, out[1][(size_t)i * n + j], got);
    }
}

void gemm_checks(std::mt19937& g) {
  const int sizes[] = {1, 7, 8, 9, 17, 63, 64, 65, 130};
  const int acts[] = {bp::kIdentity, bp::kRelu, bp::kSigmoid, bp::kTanh};
  int v = 0;
  for (int m : sizes)
    for (int n : sizes)
      for (int k : {1, 9, 65, 300}) {
        gemm_case(g, m, n, k, v & 1, v & 2, acts[v % 4], (v % 3 == 0) ? 0.5f : 1.0f, (v % 5 == 0) ? 0.25f : 0.0f, v % 2 == 0);
        v++;
      }
  // Past the blocking (more rows than a packed A block, three depth blocks), and batch-1 layers
  // (the four-row dot products over 256-column chunks, threaded), every transpose.
  for (int t = 0; t < 4; t++) {
    gemm_case(g, 200, 150, 600, t & 1, t & 2, bp::kRelu, 1.0f, 0.0f, true);
    gemm_case(g, 1, 1030, 784, t & 1, t & 2, bp::kIdentity, 1.0f, 0.0f, true);
    gemm_case(g, 3, 1000, 300, t & 1, t & 2, bp::kIdentity, 1.0f, 0.5f, false);
  }
}

// exp, sigmoid, tanh and SiLU at special values and past the vector polynomial's range (its lanes
// then take libm's expf), each value among ordinary neighbours in one call.
void special_value_checks() {
  const float specials[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e-30f, -1e-30f, 1e-8f, 0.624f, 0.626f, -0.626f,
                            20, -20, 44, -44, 87.3f, -87.3f, 88.5f, 89, -87.5f, -100, -104, -110, 1000, -1000};
  for (float v : specials) {
    std::vector<float> x = {0.5f, v, -1.5f, 2.0f, v, 3.0f}, y(x.size());
    for (int op : {bp::kExp, bp::kSigmoid, bp::kTanh, bp::kSilu}) {
      bp::unary(op, x.data(), y.data(), x.size(), 0.0f);
      for (size_t i = 0; i < x.size(); i++) {
        const double d = x[i];
        // SiLU is x times its sigmoid rounded to a float (torch's), a denormal one far below zero.
        const double want = op == bp::kExp ? std::exp(d) : op == bp::kSilu ? d * (double)(float)act_of(bp::kSigmoid, d) : act_of(op, d);
        const bool ok = std::isnan(want) ? std::isnan(y[i])
                        : std::isinf((float)want) ? y[i] == (float)want
                        : std::fabs(y[i] - want) <= 4e-7 * std::fabs(want) + 0x1p-148;
        check(ok, "unary special", (long)op * 100 + (long)i, y[i], want);
      }
    }
  }
}

void elementwise_checks(std::mt19937& g) {
  for (size_t n : {1, 7, 8, 9, 63, 64, 65, 1000, 70000}) {
    auto x = randoms(n, g, -8, 8);
    std::vector<float> y(n);
    for (int op : {bp::kExp, bp::kSigmoid, bp::kTanh, bp::kRelu}) {
      bp::unary(op, x.data(), y.data(), n, 0.0f);
      for (size_t i = 0; i < n; i++) {
        const double want = op == bp::kExp ? std::exp((double)x[i]) : act_of(op, x[i]);
        check(std::fabs(y[i] - want) <= 4e-7 * std::fabs(want) + 1e-30, "unary", (long)i, y[i], want);
      }
    }
    float s = 0;
    bp::reduce(bp::kReduceSum, x.data(), 1, (long)n, 1, &s, nullptr);
    double want = 0, mag = 0;
    for (float v : x) want += v, mag += std::fabs(v);
    check(std::fabs(s - want) <= 1e-6 * mag, "reduce sum", (long)n, s, want);
  }
  // Softmax over rows of 1 ... 300 columns.
  for (long cols : {1L, 9L, 64L, 300L}) {
    const long rows = 5;
    auto x = randoms((size_t)(rows * cols), g, -20, 20);
    std::vector<float> y(x.size());
    bp::softmax(x.data(), rows, cols, 1, y.data(), false);
    for (long r = 0; r < rows; r++) {
      double mx = -1e300, z = 0;
      for (long c = 0; c < cols; c++) mx = std::fmax(mx, x[r * cols + c]);
      for (long c = 0; c < cols; c++) z += std::exp(x[r * cols + c] - mx);
      for (long c = 0; c < cols; c++) {
        const double want = std::exp(x[r * cols + c] - mx) / z;
        check(std::fabs(y[r * cols + c] - want) <= 1e-6 * want + 1e-12, "softmax", r * cols + c, y[r * cols + c], want);
      }
    }
  }
}

void cell_checks(std::mt19937& g) {
  const long rows = 3, h = 65;
  auto gates = randoms((size_t)(rows * 4 * h), g, -5, 5), c = randoms((size_t)(rows * h), g);
  std::vector<float> act(gates.size()), cn(c.size()), t(c.size()), hn(c.size());
  bp::lstm_cell(gates.data(), c.data(), rows, h, act.data(), cn.data(), t.data(), hn.data());
  for (long b = 0; b < rows; b++)
    for (long j = 0; j < h; j++) {
      const long k = b * h + j, gi = b * 4 * h + j;
      const double i = 1 / (1 + std::exp(-(double)gates[gi])), f = 1 / (1 + std::exp(-(double)gates[gi + h]));
      const double gg = std::tanh((double)gates[gi + 2 * h]), o = 1 / (1 + std::exp(-(double)gates[gi + 3 * h]));
      const double cw = f * c[k] + i * gg, hw = o * std::tanh(cw);
      check(std::fabs(cn[k] - cw) <= 1e-6, "lstm_cell c'", k, cn[k], cw);
      check(std::fabs(hn[k] - hw) <= 1e-6, "lstm_cell h'", k, hn[k], hw);
      // No fused products: c' is the rounded sum of the rounded products (rnn_cell.cc's contract).
      const float fc = act[gi + h] * c[k], ig = act[gi] * act[gi + 2 * h];
      check(cn[k] == fc + ig, "lstm_cell c' rounding", k, cn[k], fc + ig);
    }
}

// LU: L U against the rows of A in their swapped order, and A x against b, in double sums; a lone
// matrix (its products on both threads) and a batch (cut by matrices) give the same bits at one and
// two threads.
void lu_checks(std::mt19937& g) {
  for (int n : {1, 9, 17, 65, 130})
    for (long count : {1L, 3L}) {
      auto a = randoms((size_t)(count * n * n), g);
      for (long m = 0; m < count; m++) for (int i = 0; i < n; i++) a[(size_t)(m * n * n + i * n + i)] += 2;
      auto b = randoms((size_t)(count * n * 2), g);
      std::vector<float> lu[2], x[2];
      std::vector<int32_t> piv[2];
      for (int t = 0; t < 2; t++) {
        bp::ThreadPool::instance().set_threads(t + 1);
        lu[t] = a, x[t] = b, piv[t].assign((size_t)(count * n), 0);
        std::vector<int32_t> zero((size_t)count);
        bp::lu_factor(lu[t].data(), n, count, piv[t].data(), zero.data());
        for (int32_t z : zero) check(z == -1, "lu zero pivot", n, z, -1);
        bp::lu_solve(lu[t].data(), piv[t].data(), n, count, x[t].data(), 2);
      }
      // Cholesky of A A^T / n + I (its lower triangle), then L y = b and L^T x = y by tri_solve: A A^T x = b.
      std::vector<float> s((size_t)(count * n * n));
      for (long m = 0; m < count; m++)
        for (int i = 0; i < n; i++)
          for (int j = 0; j < n; j++) {
            double v = i == j ? 1 : 0;
            for (int p = 0; p < n; p++) v += (double)a[(size_t)(m * n * n + i * n + p)] * a[(size_t)(m * n * n + j * n + p)] / n;
            s[(size_t)(m * n * n + i * n + j)] = (float)v;
          }
      std::vector<float> chol[2], y[2];
      for (int t = 0; t < 2; t++) {
        bp::ThreadPool::instance().set_threads(t + 1);
        chol[t] = s, y[t] = b;
        std::vector<int32_t> info((size_t)count);
        bp::cholesky(chol[t].data(), n, count, info.data());
        for (int32_t v : info) check(v == 0, "cholesky info", n, v, 0);
        std::vector<float> lt(chol[t].size());
        for (long m = 0; m < count; m++)
          for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) lt[(size_t)(m * n * n + j * n + i)] = chol[t][(size_t)(m * n * n + i * n + j)];
        bp::tri_solve(chol[t].data(), n, count, false, false, y[t].data(), 2);
        bp::tri_solve(lt.data(), n, count, true, false, y[t].data(), 2);
      }
      check(chol[0] == chol[1] && y[0] == y[1], "cholesky at two threads", n, 0, 0);
      for (long m = 0; m < count; m++)
        for (int i = 0; i < n; i++)
          for (int c = 0; c < 2; c++) {
            double v = 0;
            for (int p = 0; p < n; p++) v += (double)s[(size_t)(m * n * n + i * n + p)] * y[0][(size_t)(m * n * 2 + p * 2 + c)];
            check(std::fabs(v - b[(size_t)(m * n * 2 + i * 2 + c)]) <= 1e-5 * n, "cholesky solve", (long)i * 2 + c, v, b[(size_t)(m * n * 2 + i * 2 + c)]);
          }
      check(lu[0] == lu[1] && x[0] == x[1] && piv[0] == piv[1], "lu at two threads", n, 0, 0);
      for (long m = 0; m < count; m++) {
        const float* f = lu[0].data() + m * n * n;
        std::vector<float> pa(a.begin() + m * n * n, a.begin() + (m + 1) * n * n);
        for (int j = 0; j < n; j++) std::swap_ranges(pa.begin() + j * n, pa.begin() + (j + 1) * n, pa.begin() + piv[0][(size_t)(m * n + j)] * n);
        for (int i = 0; i < n; i++)
          for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p <= std::min(i, j); p++) s += (p == i ? 1.0 : (double)f[i * n + p]) * f[p * n + j];
            check(std::fabs(s - pa[(size_t)(i * n + j)]) <= 1e-5 * n, "lu L U", (long)i * n + j, s, pa[(size_t)(i * n + j)]);
          }
        for (int i = 0; i < n; i++)
          for (int c = 0; c < 2; c++) {
            double s = 0;
            for (int p = 0; p < n; p++) s += (double)a[(size_t)(m * n * n + i * n + p)] * x[0][(size_t)(m * n * 2 + p * 2 + c)];
            check(std::fabs(s - b[(size_t)(m * n * 2 + i * 2 + c)]) <= 1e-5 * n, "lu solve", (long)i * 2 + c, s, b[(size_t)(m * n * 2 + i * 2 + c)]);
          }
      }
    }
}

// Householder QR of tall, square and wide matrices: Q R against A and Q^T Q against I, in double sums.
void qr_checks(std::mt19937& g) {
  for (auto [m, n] : {std::pair<int, int>{1, 1}, {9, 4}, {17, 17}, {5, 40}, {130, 65}}) {
    const int k = std::min(m, n);
    auto a = randoms((size_t)(m * n), g);
    std::vector<float> f = a, q((size_t)(m * k));
    bp::householder_qr(f.data(), m, n, 1, q.data(), k);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p <= std::min(j, k - 1); p++) s += (double)q[(size_t)(i * k + p)] * f[(size_t)(p * n + j)];
        check(std::fabs(s - a[(size_t)(i * n + j)]) <= 1e-5 * (n + m), "qr Q R", (long)i * n + j, s, a[(size_t)(i * n + j)]);
      }
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int p = 0; p < m; p++) s += (double)q[(size_t)(p * k + i)] * q[(size_t)(p * k + j)];
        check(std::fabs(s - (i == j)) <= 1e-5 * m, "qr Q^T Q", (long)i * k + j, s, i == j);
      }
  }
}

// The QL and QR sweeps' rotation length: sqrt(f^2 + g^2) where that is safe, pythag past 1e150 and
// below 1e-150, where the plain formula overflows to infinity or underflows to zero.
void rotation_length_checks() {
  const double cases[][3] = {{3, 4, 5}, {0, 0, 0}, {0, -2, 2}, {-1e-30, 0, 1e-30}, {3e200, 4e200, 5e200}, {-3e-200, 4e-200, 5e-200}, {1e308, 1e308, 1.4142135623730951e308}};
  for (const auto& c : cases) {
    const double got = bp::rotation_length(c[0], c[1]);
    check(std::fabs(got - c[2]) <= 4e-16 * c[2], "rotation_length", (long)(&c - cases), got, c[2]);
  }
}

// svd's four dot products at once: the bits of four dot4 calls (the same partial sums, each element
// into the same one), over lengths around the four-element steps.
void dot4_x4_checks(std::mt19937& g) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> x(80), y(4 * 80);
  for (auto& v : x) v = u(g) * 1e3;
  for (auto& v : y) v = u(g);
  const double* ys[4] = {y.data(), y.data() + 80, y.data() + 160, y.data() + 240};
  for (int len = 0; len <= 80; len++) {
    double out[4];
    bp::dot4_x4(x.data(), ys, len, out);
    for (int r = 0; r < 4; r++) check(out[r] == bp::dot4(x.data(), ys[r], len), "dot4_x4", len * 4 + r, out[r], bp::dot4(x.data(), ys[r], len));
  }
}

// Symmetric eigendecomposition: A V against V diag(L), V^T V against I, ascending eigenvalues.
void eigh_checks(std::mt19937& g) {
  for (int n : {1, 2, 9, 40, 100}) {
    auto a = randoms((size_t)(n * n), g);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < i; j++) a[(size_t)(j * n + i)] = a[(size_t)(i * n + j)];
    std::vector<float> l((size_t)n), v((size_t)(n * n));
    int32_t info = -1;
    bp::eigh(a.data(), n, 1, false, l.data(), v.data(), &info);
    check(info == 0, "eigh info", n, info, 0);
    for (int j = 1; j < n; j++) check(l[(size_t)j - 1] <= l[(size_t)j], "eigh ascending", j, l[(size_t)j - 1], l[(size_t)j]);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double av = 0, vv = 0;
        for (int p = 0; p < n; p++) {
          av += (double)a[(size_t)(i * n + p)] * v[(size_t)(p * n + j)];
          vv += (double)v[(size_t)(p * n + i)] * v[(size_t)(p * n + j)];
        }
        check(std::fabs(av - l[(size_t)j] * v[(size_t)(i * n + j)]) <= 1e-5 * n, "eigh A V", (long)i * n + j, av, l[(size_t)j] * v[(size_t)(i * n + j)]);
        check(std::fabs(vv - (i == j)) <= 1e-5 * n, "eigh V^T V", (long)i * n + j, vv, i == j);
      }
  }
}

// Singular value decomposition: U diag(S) V^T against A, U^T U and V V^T against I (full and
// reduced, tall and wide), descending singular values.
void svd_checks(std::mt19937& g) {
  for (auto [m, n] : {std::pair{1, 1}, {9, 4}, {4, 9}, {40, 40}, {70, 33}}) {
    for (bool full : {false, true}) {
      const int k = std::min(m, n), uc = full ? m : k, vr = full ? n : k;
      auto a = randoms((size_t)(m * n), g);
      std::vector<float> s((size_t)k), u((size_t)(m * uc)), vt((size_t)(vr * n));
      int32_t info = -1;
      bp::svd(a.data(), m, n, 1, full, s.data(), u.data(), vt.data(), &info);
      check(info == 0, "svd info", m * 1000 + n, info, 0);
      for (int j = 1; j < k; j++) check(s[(size_t)j - 1] >= s[(size_t)j], "svd descending", j, s[(size_t)j - 1], s[(size_t)j]);
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          double x = 0;
          for (int r = 0; r < k; r++) x += (double)u[(size_t)(i * uc + r)] * s[(size_t)r] * vt[(size_t)(r * n + j)];
          check(std::fabs(x - a[(size_t)(i * n + j)]) <= 1e-5 * (m + n), "svd U S V^T", (long)i * n + j, x, a[(size_t)(i * n + j)]);
        }
      for (int p = 0; p < uc; p++)
        for (int q = 0; q < uc; q++) {
          double x = 0;
          for (int i = 0; i < m; i++) x += (double)u[(size_t)(i * uc + p)] * u[(size_t)(i * uc + q)];
          check(std::fabs(x - (p == q)) <= 1e-5 * m, "svd U^T U", (long)p * uc + q, x, p == q);
        }
      for (int p = 0; p < vr; p++)
        for (int q = 0; q < vr; q++) {
          double x = 0;
          for (int i = 0; i < n; i++) x += (double)vt[(size_t)(p * n + i)] * vt[(size_t)(q * n + i)];
          check(std::fabs(x - (p == q)) <= 1e-5 * n, "svd V^T V", (long)p * vr + q, x, p == q);
        }
    }
  }
}

// A direct length-n transform's tables as lib/backend/reference/fft.ts's fftPlan lays them out (the
// roots of each odd radix, then each pass's twiddles e^{-2 pi i u l1 i / n}), from libm's cos and sin:
// here only the values are checked, not the reference's bits.
std::vector<double> direct_plan(long n) {
  const double tau = 2 * std::acos(-1.0);
  long n1, n2;
  if (bp::fft_four_step_split(n, &n1, &n2)) {
    // Four steps: n1's tables, n2's, then e^{-2 pi i j2 k1 / n} at fft_twiddle_at (real parts, then imaginary).
    std::vector<double> plan = direct_plan(n1), second = direct_plan(n2);
    plan.insert(plan.end(), second.begin(), second.end());
    const size_t at = plan.size(), half = (size_t)bp::fft_four_step_half(n1, n2);
    plan.resize(at + 2 * half);
    for (long k1 = 0; k1 < n1; k1++)
      for (long j2 = 0; j2 < n2; j2++) {
        const double angle = tau * (double)((j2 * k1) % n) / (double)n;
        plan[at + (size_t)bp::fft_twiddle_at(k1, j2, n1)] = std::cos(angle);
        plan[at + half + (size_t)bp::fft_twiddle_at(k1, j2, n1)] = -std::sin(angle);
      }
    return plan;
  }
  std::vector<double> plan((size_t)bp::fft_direct_plan_length(n));
  long factors[64], l1 = 1;
  size_t at = 0;
  for (int f = 0, count = bp::fft_factors(n, factors); f < count; f++) {
    const long p = factors[f], ido = n / (l1 * p);
    if (p % 2 == 1) {
      for (long k = 0; k < p; k++) plan[at + (size_t)k] = std::cos(tau * k / p), plan[at + (size_t)(p + k)] = std::sin(tau * k / p);
      at += (size_t)(2 * p);
    }
    for (long u = 1; u < p; u++)
      for (long i = 1; i < ido; i++) {
        const size_t t = at + (size_t)(2 * ((u - 1) * (ido - 1) + i - 1));
        const double angle = tau * (double)((u * l1 * i) % n) / (double)n;
        plan[t] = std::cos(angle);
        plan[t + 1] = -std::sin(angle);
      }
    at += (size_t)(2 * (p - 1) * (ido - 1));
    l1 *= p;
  }
  return plan;
}

// fft_rows of `rows` rows of n at 1 and 2 threads (the same bits), its bins k of each row (every bin
// where ks is empty) against the DFT summed in double.
void check_fft_rows(long n, long rows, const std::vector<double>& plan, std::vector<long> ks, const char* what, std::mt19937& g) {
  const double tau = 2 * std::acos(-1.0);
  const auto x = randoms((size_t)(rows * n * 2), g);
  std::vector<float> y[2] = {std::vector<float>(x.size()), std::vector<float>(x.size())};
  for (int t = 0; t < 2; t++) {
    bp::ThreadPool::instance().set_threads(t + 1);
    bp::fft_rows(x.data(), n, rows, false, plan.data(), y[t].data());
  }
  check(y[0] == y[1], what, n, 0, 0);
  if (ks.empty()) for (long k = 0; k < n; k++) ks.push_back(k);
  for (long r = 0; r < rows; r++)
    for (long k : ks) {
      double re = 0, im = 0;
      for (long j = 0; j < n; j++) {
        const double a = tau * (double)((j * k) % n) / (double)n, xr = x[(size_t)(2 * (r * n + j))], xi = x[(size_t)(2 * (r * n + j) + 1)];
        re += xr * std::cos(a) + xi * std::sin(a);
        im += xi * std::cos(a) - xr * std::sin(a);
      }
      const size_t o = (size_t)(2 * (r * n + k));
      check(std::fabs(y[0][o] - re) <= 1e-5 * (std::sqrt((double)n) + 1), what, r * n + k, y[0][o], re);
      check(std::fabs(y[0][o + 1] - im) <= 1e-5 * (std::sqrt((double)n) + 1), what, r * n + k, y[0][o + 1], im);
    }
}

// fft_rows and real_fft_rows at lengths of radix 4, 2, 3, 5, 7 and 11 (direct transforms: Bluestein's
// kernel transform needs the reference's plan) against the DFT summed in double, over rows that fill
// the vector lanes and leave one over, at one and two threads (the same bits); then rows in four steps.
void fft_checks(std::mt19937& g) {
  const double tau = 2 * std::acos(-1.0);
  for (long n : {1L, 2L, 6L, 12L, 30L, 64L, 77L, 360L, 1024L}) {
    if (bp::fft_convolution_length(n) != n) continue;
    const long rows = 5;
    check_fft_rows(n, rows, direct_plan(n), {}, "fft_rows", g);
    // The real kernel on rows of 2n reals: the half-length (n) tables, then cos and sin of 2 pi k / 2n.
    const long h = n, m = 2 * n;
    std::vector<double> real = direct_plan(h);
    for (long k = 0; k < h; k++) real.push_back(std::cos(tau * k / m));
    for (long k = 0; k < h; k++) real.push_back(std::sin(tau * k / m));
    const auto s = randoms((size_t)(rows * m), g);
    std::vector<float> bins((size_t)(rows * (m + 2))), back((size_t)(rows * m));
    bp::real_fft_rows(s.data(), m, rows, false, real.data(), bins.data());
    bp::real_fft_rows(bins.data(), m, rows, true, real.data(), back.data());
    for (long r = 0; r < rows; r++) {
      for (long k = 0; k <= h; k++) {
        double re = 0, im = 0;
        for (long j = 0; j < m; j++) {
          const double a = tau * (double)((j * k) % m) / (double)m;
          re += s[(size_t)(r * m + j)] * std::cos(a);
          im -= s[(size_t)(r * m + j)] * std::sin(a);
        }
        const size_t o = (size_t)(r * (m + 2) + 2 * k);
        check(std::fabs(bins[o] - re) <= 1e-5 * (std::sqrt((double)m) + 1), "real_fft_rows re", r * (h + 1) + k, bins[o], re);
        check(std::fabs(bins[o + 1] - im) <= 1e-5 * (std::sqrt((double)m) + 1), "real_fft_rows im", r * (h + 1) + k, bins[o + 1], im);
      }
      // The unscaled inverse gives m times the samples back.
      for (long j = 0; j < m; j++) check(std::fabs(back[(size_t)(r * m + j)] / m - s[(size_t)(r * m + j)]) <= 1e-5, "real_fft_rows inverse", r * m + j, back[(size_t)(r * m + j)] / m, s[(size_t)(r * m + j)]);
    }
  }
  // Rows long enough for four steps (2^16: 256 x 256), one and two of them, at sampled bins.
  const long n = 65536;
  const std::vector<double> plan = direct_plan(n);
  for (long rows : {1L, 2L}) check_fft_rows(n, rows, plan, {0, 1, 255, 257, 4097, 65535}, "fft_rows in four steps", g);
}

}  // namespace

int main() {
  std::mt19937 g(20261203);
  gemm_checks(g);
  lu_checks(g);
  qr_checks(g);
  rotation_length_checks();
  dot4_x4_checks(g);
  eigh_checks(g);
  svd_checks(g);
  fft_checks(g);
  bp::ThreadPool::instance().set_threads(1);
  elementwise_checks(g);
  special_value_checks();
  cell_checks(g);
  if (failures) {
    std::printf("%d of %ld checks failed\n", failures, checks);
    return 1;
  }
  std::printf("ok %ld checks\n", checks);
  return 0;
}

// The inner loops of the double-precision decompositions (eigh.cc, svd.cc), vectorized for the
// machine: GCC's function clones for AVX-512F, AVX2 and the baseline, picked by the loader from
// CPUID. Each lane does the same operations whatever the vector width (no fused multiply-adds: the
// clones enable no FMA, and the including files are built with fp-contract off), so every clone gives
// the bits of the baseline build and of the TypeScript twins. Local to each file that includes it
// (an unnamed namespace), so no clone is shared between files built for different sets.
#pragma once

#include <cmath>

#include "../runtime/line_vector.h"

#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__clang__)
#define BP_DOUBLE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BP_DOUBLE_CLONES
#endif

namespace bp {
namespace {

// n doubles of scratch on cache lines for one decomposition (eigh.cc, svd.cc): the calling thread's
// own, kept from call to call up to 16 MiB (n = 1024 with vectors); past that `once`, which the
// caller drops when the call ends, so that one large call does not hold its memory for good. Fresh
// vectors at each call (malloc's 16-byte alignment, pages faulted in anew) took eigh at n = 256
// from 6.0 to 8.8 ms in a C++ loop: a quarter of it page faults, and the rotations' 64-byte loads
// straddling two lines.
[[maybe_unused]] double* decomposition_scratch(LineVectorOf<double>& once, size_t n) {
  thread_local LineVectorOf<double> kept;
  return n <= ((size_t)2 << 20) ? at_least(kept, n) : at_least(once, n);
}

// sqrt(a^2 + b^2) without overflow (Numerical Recipes' pythag; the twins compute the same, not libm's hypot).
[[maybe_unused]] double pythag(double a, double b) {
  const double x = std::fabs(a), y = std::fabs(b);
  if (x > y) return x * std::sqrt(1.0 + (y / x) * (y / x));
  return y == 0.0 ? 0.0 : y * std::sqrt(1.0 + (x / y) * (x / y));
}

// sqrt(a^2 + b^2) as written where that cannot overflow or lose the result to underflow, else
// pythag: a rotation's length in the QL and QR sweeps, whose chains of dependent operations are
// the iterations' time. pythag's divide sat on that chain (eigh's sweeps at n = 256, C++ loop:
// 1.56 -> 1.14 ms). Both round correctly to within an ulp or two; the twins compute the same.
[[maybe_unused]] double rotation_length(double a, double b) {
  const double r = std::sqrt(a * a + b * b);
  return r > 1e-150 && r < 1e150 ? r : pythag(a, b);
}

// Four doubles in a vector (two halves where the clone has only 128-bit registers): the lanes of
// dot4_x4 and dots_axpys4 written out, where the compiler's own vectorizing of their loops mixed
// elements across lanes with permutes (slower than the scalar chains it replaced).
typedef double Double4 __attribute__((vector_size(32)));
inline Double4 load4(const double* p) {
  Double4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// y += r x.
[[maybe_unused]] BP_DOUBLE_CLONES void axpy(double r, const double* x, double* y, int len) {
  for (int i = 0; i < len; i++) y[i] += r * x[i];
}

// y += a[q] x[q] for q = 0 ... 3 in turn (four axpy calls into one y): y loaded and stored once for
// the four, its element's adds in the same order, so the same bits. A sum of many vectors into one
// was bound by y's stores.
[[maybe_unused]] BP_DOUBLE_CLONES void axpy4(const double* a, const double* const* x, double* y, int len) {
  const double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
  const double *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  for (int i = 0; i < len; i++) {
    double v = y[i];
    v += a0 * x0[i];
    v += a1 * x1[i];
    v += a2 * x2[i];
    v += a3 * x3[i];
    y[i] = v;
  }
}

// y -= x r.
[[maybe_unused]] BP_DOUBLE_CLONES void sub_scaled(double r, const double* x, double* y, int len) {
  for (int i = 0; i < len; i++) y[i] -= x[i] * r;
}

// y -= (f a + g b).
[[maybe_unused]] BP_DOUBLE_CLONES void sub_pair(double f, const double* a, double g, const double* b, double* y, int len) {
  for (int i = 0; i < len; i++) y[i] -= (f * a[i] + g * b[i]);
}

// [x, y] := [x c + y s, y c - x s].
[[maybe_unused]] BP_DOUBLE_CLONES void rotate(double* x, double* y, int len, double c, double s) {
  for (int i = 0; i < len; i++) {
    const double p = x[i], q = y[i];
    x[i] = p * c + q * s;
    y[i] = q * c - p * s;
  }
}

// x . y with four partial sums (element i into sum i mod 4, added as (s0 + s1) + (s2 + s3)): a
// single sum waits on each add in turn.
[[maybe_unused]] BP_DOUBLE_CLONES double dot4(const double* x, const double* y, int len) {
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

// dot4(x, y[r], len) for four vectors y[0..3] at once, into out[0..3]: each element into the same
// one of four partial sums, in the same order, as four calls, so the same bits. Four calls waited on
// each one's chain of adds in turn; here the four chains interleave.
[[maybe_unused]] BP_DOUBLE_CLONES void dot4_x4(const double* x, const double* const* y, int len, double* out) {
  Double4 sums[4] = {};  // lane q of sums[r]: y[r]'s partial sum q
  int i = 0;
  for (; i + 4 <= len; i += 4) {
    const Double4 xi = load4(x + i);
    for (int r = 0; r < 4; r++) sums[r] += xi * load4(y[r] + i);
  }
  for (int r = 0; r < 4; r++) {
    double partial[4] = {sums[r][0], sums[r][1], sums[r][2], sums[r][3]};
    for (int k = i; k < len; k++) partial[k - i] += x[k] * y[r][k];
    out[r] = (partial[0] + partial[1]) + (partial[2] + partial[3]);
  }
}

// For four rows y[q] of lengths len + q + 1 (q = 0 ... 3): out[q] = dot4(x, y[q], len + q + 1), and
// g[k] += a[q] y[q][k] for k < len, q in order (four axpy(a[q], y[q], g, len) calls): both in one
// pass over the rows' common part, each element into the same partial sum in the same order as
// dot4 and axpy put it, so the same bits. tred2's symmetric product took a dot at a time, each
// waiting on its chain of adds (eigh.cc).
[[maybe_unused]] BP_DOUBLE_CLONES void dots_axpys4(const double* x, const double* const* y, const double* a, int len, double* g, double* out) {
  // Lane j of sums[q]: row q's partial sum j (elements 4i + j).
  Double4 sums[4] = {};
  const Double4 a0 = Double4{} + a[0], a1 = Double4{} + a[1], a2 = Double4{} + a[2], a3 = Double4{} + a[3];
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    const Double4 xk = load4(x + k), y0 = load4(y[0] + k), y1 = load4(y[1] + k), y2 = load4(y[2] + k), y3 = load4(y[3] + k);
    sums[0] += xk * y0;
    sums[1] += xk * y1;
    sums[2] += xk * y2;
    sums[3] += xk * y3;
    Double4 gk = load4(g + k);
    gk += a0 * y0;
    gk += a1 * y1;
    gk += a2 * y2;
    gk += a3 * y3;
    __builtin_memcpy(g + k, &gk, sizeof gk);
  }
  double partial[4][4];
  for (int q = 0; q < 4; q++)
    for (int j = 0; j < 4; j++) partial[q][j] = sums[q][j];
  for (; k < len; k++)
    for (int q = 0; q < 4; q++) {
      partial[q][k % 4] += x[k] * y[q][k];
      g[k] += a[q] * y[q][k];
    }
  for (int q = 0; q < 4; q++) {
    for (int e = len; e <= len + q; e++) partial[q][e % 4] += x[e] * y[q][e];
    out[q] = (partial[q][0] + partial[q][1]) + (partial[q][2] + partial[q][3]);
  }
}

// update(j, dot4(x, y(j), len)) for j = j0 ... j1 - 1, where update(j) changes nothing that a later
// j's dot reads: four dots taken together (dot4_x4), then their four updates in order. The same bits
// as the loop one j at a time. svd at n = 256 (C++ loop, one thread): 12.2 -> 11.3 ms.
template <class Column, class Update>
void dots_then_updates(const double* x, int len, int j0, int j1, const Column& y, const Update& update) {
  int j = j0;
  for (; j + 4 <= j1; j += 4) {
    const double* ys[4] = {y(j), y(j + 1), y(j + 2), y(j + 3)};
    double dots[4];
    dot4_x4(x, ys, len, dots);
    for (int q = 0; q < 4; q++) update(j + q, dots[q]);
  }
  for (; j < j1; j++) update(j, dot4(x, y(j), len));
}

}  // namespace
}  // namespace bp

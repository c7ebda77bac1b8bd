// The AVX-512 kernel set: the AVX2 set with the GEMM microkernel and its packing widened to 512-bit
// registers (a core with full-width AVX-512 units runs twice the multiply-adds per cycle: measured
// here, a register-only FMA loop reaches 220 GFLOP/s per core with zmm, 110 with ymm), and the
// vector activations (exp, log, sigmoid, tanh, GELU, SiLU) computed 16 floats at a time with the
// AVX2 set's formulas (math16.inc), lane for lane the same bits. Everything else (other elementwise
// ops, reductions, optimizers, the small and tiny GEMM paths but for the batch-1 rows' dot4) is the
// AVX2 set's own code, so the two sets differ only in how a packed product's sums are blocked (the
// wide shallow products' rows, 16 columns to a register here, and dot4's rows keep the AVX2 set's
// sums). This file alone is compiled with
// -mavx512f -mavx512vl -mavx2 -mfma (see CMakeLists.txt).
#if defined(__AVX512F__) && defined(__AVX512VL__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "dot_finish.h"
#include "series.h"
#include "table.h"
#include "window_runs.h"

namespace bp {
namespace avx512 {

// Tile: 8 rows x 32 columns (two 16-float vectors). Register budget (32 zmm): 16 accumulators, 2 for
// the B row, 1 for the broadcast A element; 16 independent sums cover the FMA latency (4 cycles x 2
// units). Per depth step 10 loads feed 16 FMAs. Measured against 12 and 14 rows (24 and 28
// accumulators; C++ harness, one thread, alternated): 8 rows ran the W3 and W2 products as fast or
// faster (W2's 64x128x784: 155 against 137 and 144 GFLOP/s), divides batch sizes 64 and 256 evenly,
// and wastes less of C's last row of tiles. The kernel alone on panels in L1 runs 200-211 GFLOP/s.
constexpr int kRows = 8;
constexpr int kCols = 32;

#include "pack.inc"

static void pack_a(bool trans, const float* a, int m, int k, int i0, int mc, int p0, int kc, float* dst, size_t stride) {
  pack_a_panels(trans, a, m, k, i0, mc, p0, kc, dst, stride, kRows);
}

static void pack_b(bool trans, const float* b, int n, int k, int p0, int kc, int j0, int nc, float* dst, size_t stride) {
  pack_b_panels(trans, b, n, k, p0, kc, j0, nc, dst, stride, kCols);
}

static void pack_windows(bool trans, const float* x, const ImageGeometry& g, const DepthGeometry& dg, long c0, int p0, int kc,
                         int j0, int nc, float* dst, size_t stride, float* scratch) {
  pack_windows_panels(trans, x, g, dg, c0, p0, kc, j0, nc, dst, stride, scratch, kCols);
}

// Lanes of the two vectors of a row that lie inside C (nr of 32 columns).
static inline __mmask16 lanes(int nr, int half) {
  const int w = std::min(16, std::max(0, nr - 16 * half));
  return (__mmask16)((1u << w) - 1u);
}

// kPanel: A and B as packed micro-panels (a_step, a_row, ldb and b_off unused). kStride: A's element
// (row r, depth p) at a[p * a_step + r * a_row] and B's row p at b + p * ldb, read where they lie
// (table.h's ukernel_strided); kOffset: A packed, B's row p at b + b_off[p] (its second vector
// b_second floats on); kOffsetA: A's element
// (row r, depth p) at a[a_off[r] + k_off[p]], B packed (both ukernel_offsets).
// Always inlined: each of the two kernels below is then the loop it was written as.
// The epilogue's ReLU and its relu or sigmoid gate in registers, as the AVX2 set's act8 and gate8
// compute them (the tile's epilogue and shallow_wide's).
static inline __m512 relu16(__m512 v) {
  return _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_setzero_ps());
}
static inline __m512 gate16(int gate_act, __m512 y, __m512 v) {
  if (gate_act == kRelu) return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_NLE_UQ), v);  // NaN passes
  return _mm512_mul_ps(_mm512_mul_ps(v, y), _mm512_sub_ps(_mm512_set1_ps(1.0f), y));
}

template <OperandReads kB>
__attribute__((always_inline)) static inline void ukernel_impl(int kc, const float* a, long a_step, long a_row,
                                                              const long* a_off, const long* k_off, const float* b,
                                                              long ldb, const long* b_off, long b_second, float* c,
                                                              long ldc, int mr, int nr, const Epilogue& e) {
  __m512 acc[kRows][2];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  // The tile of C is read (beta) or written once the K loop ends, the gate read: start fetching them.
  // C is fetched for writing (PREFETCHW, which every AVX-512 CPU has): in a training step at two
  // threads its lines were often last written by the other core (a freed activation reused), and a
  // plain prefetch left the store to claim them at the end of the tile. W3's eager step, 2 threads,
  // its products' sum: 7.43..7.56 -> 7.13..7.19 ms (step_profile, alternated builds); 1 thread
  // unchanged.
  for (int r = 0; r < mr; r++) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + 31, 1, 3);
    if (e.gate) {
      _mm_prefetch(reinterpret_cast<const char*>(e.gate + r * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(e.gate + r * ldc + 31), _MM_HINT_T0);
    }
  }
  if constexpr (kB == kStride || kB == kOffsetA) {
    // Rows past mr repeat the last row (read, never stored), and B's columns past nr are not read.
    const float* ar[kRows];
    for (int r = 0; r < kRows; r++)
      ar[r] = a + (kB == kOffsetA ? a_off[std::min(r, mr - 1)] : (long)std::min(r, mr - 1) * a_row);
    const __mmask16 bm0 = lanes(nr, 0), bm1 = lanes(nr, 1);
#pragma GCC unroll 2
    for (int p = 0; p < kc; p++) {
      // A packed B panel is zero past nr: loaded whole.
      const __m512 b0 = kB == kOffsetA ? _mm512_loadu_ps(b) : _mm512_maskz_loadu_ps(bm0, b);
      const __m512 b1 = kB == kOffsetA ? _mm512_loadu_ps(b + 16) : _mm512_maskz_loadu_ps(bm1, b + 16);
      const long pa = kB == kOffsetA ? k_off[p] : p * a_step;
#pragma GCC unroll 8
      for (int r = 0; r < kRows; r++) {
        const __m512 av = _mm512_set1_ps(ar[r][pa]);
        acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      }
      b += kB == kOffsetA ? kCols : ldb;
    }
  } else {
    // One loop for the K steps of packed panels, and of B's rows at offsets (a convolution's columns
    // read from the image), whose tile's last columns may lie past the end of its run: masked then.
    const auto steps = [&](auto load_b) {
#pragma GCC unroll 2
      for (int p = 0; p < kc; p++) {
        _mm_prefetch(reinterpret_cast<const char*>(a + 8 * kRows), _MM_HINT_T0);  // A streams from L2
        __m512 b0, b1;
        load_b(p, b0, b1);
#pragma GCC unroll 8
        for (int r = 0; r < kRows; r++) {
          const __m512 av = _mm512_set1_ps(a[r]);
          acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
          acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
        a += kRows;
      }
    };
    if constexpr (kB == kPanel) {
      steps([&](int p, __m512& b0, __m512& b1) {
        b0 = _mm512_loadu_ps(b + p * kCols);
        b1 = _mm512_loadu_ps(b + p * kCols + 16);
      });
    } else if (nr == kCols) {
      steps([&](int p, __m512& b0, __m512& b1) {
        b0 = _mm512_loadu_ps(b + b_off[p]);
        b1 = _mm512_loadu_ps(b + b_off[p] + b_second);
      });
    } else {
      const __mmask16 bm0 = lanes(nr, 0), bm1 = lanes(nr, 1);
      steps([&](int p, __m512& b0, __m512& b1) {
        b0 = _mm512_maskz_loadu_ps(bm0, b + b_off[p]);
        b1 = _mm512_maskz_loadu_ps(bm1, b + b_off[p] + b_second);
      });
    }
  }
  // Epilogue, in the order of the AVX2 set's store_tile: alpha, beta * C, bias, activation, gate.
  // Identity and relu (and the relu and sigmoid gates) are applied in registers; the other
  // activations and the tanh gate by the AVX2 set's row loops after the store.
  const KernelTable& row_loops = avx2_kernels();
  const bool act_in_regs = e.act == kIdentity || e.act == kRelu;
  const bool gate_in_regs = e.gate && act_in_regs && (e.gate_act == kRelu || e.gate_act == kSigmoid);
  const __mmask16 m0 = lanes(nr, 0), m1 = lanes(nr, 1);
  const __m512 alpha = _mm512_set1_ps(e.alpha), beta = _mm512_set1_ps(e.beta), zero = _mm512_setzero_ps();
  const __m512 bias0 = e.bias ? _mm512_maskz_loadu_ps(m0, e.bias) : zero;
  const __m512 bias1 = e.bias ? _mm512_maskz_loadu_ps(m1, e.bias + 16) : zero;
#pragma GCC unroll 8
  for (int r = 0; r < kRows; r++) {
    if (r >= mr) break;
    float* cr = c + r * ldc;
    __m512 v[2] = {_mm512_mul_ps(acc[r][0], alpha), _mm512_mul_ps(acc[r][1], alpha)};
    const __mmask16 m[2] = {m0, m1};
    const __m512 bias[2] = {bias0, bias1};
    for (int h = 0; h < 2; h++) {
      if (e.beta != 0.0f) v[h] = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(m[h], cr + 16 * h), v[h]);
      if (e.bias) v[h] = _mm512_add_ps(v[h], bias[h]);
      if (e.act == kRelu) v[h] = relu16(v[h]);
      if (gate_in_regs) v[h] = gate16(e.gate_act, _mm512_maskz_loadu_ps(m[h], e.gate + r * ldc + 16 * h), v[h]);
      _mm512_mask_storeu_ps(cr + 16 * h, m[h], v[h]);
    }
    if (!act_in_regs) row_loops.unary(e.act, cr, cr, (size_t)nr, 0.0f);
  }
  if (e.gate && !gate_in_regs) row_loops.gate_rows(e.gate_act, e.gate, c, ldc, mr, nr);
}

static void ukernel(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, const Epilogue& e) {
  ukernel_impl<kPanel>(kc, a, 0, 0, nullptr, nullptr, b, 0, nullptr, 0, c, ldc, mr, nr, e);
}

static void ukernel_strided(int kc, const float* a, long a_step, long a_row, const float* b, long ldb, float* c,
                            long ldc, int mr, int nr, const Epilogue& e) {
  ukernel_impl<kStride>(kc, a, a_step, a_row, nullptr, nullptr, b, ldb, nullptr, 0, c, ldc, mr, nr, e);
}

static void ukernel_offsets(int kc, const float* a, const long* a_off, const long* k_off, const float* b, const long* b_off,
                            long b_second, float* c, long ldc, int mr, int nr, const Epilogue& e) {
  if (b_off) ukernel_impl<kOffset>(kc, a, 0, 0, nullptr, nullptr, b, 0, b_off, b_second, c, ldc, mr, nr, e);
  else ukernel_impl<kOffsetA>(kc, a, 0, 0, a_off, k_off, b, 0, nullptr, 0, c, ldc, mr, nr, e);
}

#include "math16.inc"

// The vector activations at 16 floats (the same bits as the AVX2 set's 8: math16.inc); every other
// op is the AVX2 set's. 2048 x 2048 at one thread (pinned, preallocated output, 8-float -> 16-float
// formulas, medians of 15): exp 2.13 -> 1.13 ms, sigmoid 3.1 -> 1.55, tanh 4.1 -> 1.9, GELU 8.7 -> 4.5;
// log1p, ELU and softplus (math16.inc has their figures).
// Each formula goes in as a lambda: as a function pointer map16 did not always inline it.
static void unary(int op, const float* x, float* y, size_t n, float p) {
  switch (op) {
    case kExp: return map16(x, y, n, [](__m512 v) { return exp16(v); });
    case kSigmoid: return map16(x, y, n, [](__m512 v) { return sigmoid16(v); });
    case kTanh: return map16(x, y, n, [](__m512 v) { return tanh16(v); });
    case kGelu: return map16(x, y, n, [](__m512 v) { return gelu16(v); });
    // x's own NaN where x is NaN (the AVX2 set's rule: isa_kernels.inc).
    case kSilu: return map16(x, y, n, [](__m512 v) {
      return _mm512_mask_mov_ps(_mm512_mul_ps(v, sigmoid16(v)), _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), v);
    });
    case kLog: return map16(x, y, n, [](__m512 v) { return log16_any(v); });
    case kLog1p: return map16(x, y, n, [](__m512 v) { return log1p16(v); });
    case kElu: {
      const __m512 pv = _mm512_set1_ps(p);
      return map16(x, y, n, [pv](__m512 v) { return elu16(v, pv); });
    }
    case kSoftplus: {
      const __m512 pv = _mm512_set1_ps(p);
      return map16(x, y, n, [pv](__m512 v) { return softplus16(v, pv); });
    }
    default: return avx2_kernels().unary(op, x, y, n, p);
  }
}

static void unary_grad(int op, const float* x, const float* y, const float* gy, float* gx, size_t n, float p) {
  switch (op) {
    case kGelu: return map_grad16(x, gy, gx, n, [](__m512 v, __m512 g) { return _mm512_mul_ps(g, gelu_grad16(v)); });
    case kSilu: return map_grad16(x, gy, gx, n, silu_grad16);
    case kElu: {
      const __m512 pv = _mm512_set1_ps(p);
      return map_grad16(x, gy, gx, n, [pv](__m512 v, __m512 g) { return elu_grad16(v, g, pv); });
    }
    case kSoftplus: {
      const __m512 pv = _mm512_set1_ps(p);
      return map_grad16(x, gy, gx, n, [pv](__m512 v, __m512 g) { return softplus_grad16(v, g, pv); });
    }
    default: return avx2_kernels().unary_grad(op, x, y, gy, gx, n, p);
  }
}

// c * act'(y) by rows: GELU's 16 floats at a time (unary_grad's bits), the rest the AVX2 set's.
static void gate_rows(int act, const float* y, float* c, long ld, int rows, int cols) {
  if (act != kGelu) return avx2_kernels().gate_rows(act, y, c, ld, rows, cols);
  for (int r = 0; r < rows; r++, y += ld, c += ld) unary_grad(kGelu, y, y, c, c, (size_t)cols, 0.0f);
}

// dot_block (table.h): R rows of x against J rows of w at a time, one 16-float accumulator per
// pair. Lane l of it sums the products at depths l, l + 16, l + 32... one after another, as lanes l
// (l < 8) and l - 8 of the AVX2 set's two 8-float accumulators do, and finish_dot ends both: the
// same sums, with 4 x 4 pairs at a time (8 loads to 16 multiply-adds).
template <int R, int J>
static void dot_tile(const float* x, long ldx, const float* w, long ldw, size_t n, float* out, long ldo) {
  __m512 acc[R][J];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int j = 0; j < J; j++) acc[r][j] = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 xv[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) xv[r] = _mm512_loadu_ps(x + r * ldx + i);
#pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
      const __m512 wv = _mm512_loadu_ps(w + j * ldw + i);
#pragma GCC unroll 4
      for (int r = 0; r < R; r++) acc[r][j] = _mm512_fmadd_ps(xv[r], wv, acc[r][j]);
    }
  }
  for (int r = 0; r < R; r++)
    for (int j = 0; j < J; j++) {
      alignas(64) float lanes[16];
      _mm512_store_ps(lanes, acc[r][j]);
      out[r * ldo + j] = finish_dot(lanes, x + r * ldx, w + j * ldw, i, n);
    }
}

using DotTile = void (*)(const float*, long, const float*, long, size_t, float*, long);
template <int R>
constexpr DotTile kDotTiles[4] = {dot_tile<R, 1>, dot_tile<R, 2>, dot_tile<R, 3>, dot_tile<R, 4>};

static void dot_block(const float* x, long ldx, int rows, const float* w, long ldw, int cols, size_t n, float* out,
                      long ldo) {
  static constexpr const DotTile* tiles[4] = {kDotTiles<1>, kDotTiles<2>, kDotTiles<3>, kDotTiles<4>};
  for (int r = 0; r < rows; r += 4) {
    const int rr = std::min(4, rows - r);
    for (int c = 0; c < cols; c += 4)
      tiles[rr - 1][std::min(4, cols - c) - 1](x + (long)r * ldx, ldx, w + (long)c * ldw, ldw, n, out + (long)r * ldo + c, ldo);
  }
}

// dot4 (table.h): the AVX2 set's dot4_rows (dot4.inc) with each row's two 8-float accumulators as
// one 16-float register, lane for lane the same sums, ended by the same finish_dot. W5's batch-1
// layers read their weights through it once a pass; with half the load instructions the pass at two
// threads ran 45.6-46.3 us against 48.9-50.3 (a C++ harness of the three layers, session 54, Zen 4;
// bench/step_profile.ts w5b1 through the addon: see docs/performance.md).
static void dot4_rows(const float* x, const float* w, long ldw, size_t n, float* out) {
  const float* const row[4] = {w, w + ldw, w + 2 * ldw, w + 3 * ldw};
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 xv = _mm512_loadu_ps(x + i);
    a0 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row[0] + i), a0);
    a1 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row[1] + i), a1);
    a2 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row[2] + i), a2);
    a3 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(row[3] + i), a3);
  }
  const __m512 acc[4] = {a0, a1, a2, a3};
  for (int r = 0; r < 4; r++) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, acc[r]);
    out[r] = finish_dot(lanes, x, row[r], i, n);
  }
}

// The AVX2 set's extreme_rows at 16 floats; the tail is the AVX2 set's. A [64, 256, 256] max along
// dim 1 at one thread: 1.25 ms with the AVX2 set's 8 floats and a branch that skipped the stores
// where no lane was taken (mispredicted on rows of random data), 0.66 ms here (PyTorch's amax 0.70).
static void extreme_rows(const float* x, float* best, int32_t* arg, size_t n, int32_t row, bool smallest) {
  const __m512i r = _mm512_set1_epi32(row);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(best + i);
    const __mmask16 beats = smallest ? _mm512_cmp_ps_mask(v, b, _CMP_LT_OQ) : _mm512_cmp_ps_mask(v, b, _CMP_GT_OQ);
    const __mmask16 take = (beats | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q)) & _mm512_cmp_ps_mask(b, b, _CMP_ORD_Q);
    _mm512_storeu_ps(best + i, _mm512_mask_blend_ps(take, b, v));
    _mm512_storeu_si512(arg + i, _mm512_mask_blend_epi32(take, _mm512_loadu_si512(arg + i), r));
  }
  if (i < n) avx2_kernels().extreme_rows(x + i, best + i, arg + i, n - i, row, smallest);
}

// shallow_wide (table.h): two blocks of 16 columns at a time, each row's two 16-float registers, eight
// rows' FMA chains at once (16 accumulators, as the tile's; the AVX2 set's code takes one block as two
// 8-float registers a row, four rows at a time, and serves a last block of up to 8 columns here). Lane
// for lane the same chain (the product at p = 0, one FMA per depth step), so the same bits; the bias,
// relu and gate as the tile's epilogue applies them.
static void shallow_wide(const float* a, long a_row, long a_step, int rows, int k, const float* bk, long ldb,
                         long b_block, int n, float* out, long ld_out, const float* bias, bool relu, const float* gate,
                         int gate_act) {
  const auto group = [&](auto rows_c, auto vecs_c, const float* ag, const float* b, const float* bias_j,
                         const float* gate_j, float* o) {
    constexpr int R = decltype(rows_c)::value, V = decltype(vecs_c)::value;
    __m512 v[R][V];
    __m512 bp[V];
#pragma GCC unroll 2
    for (int h = 0; h < V; h++) bp[h] = _mm512_loadu_ps(b + h * b_block);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m512 ar = _mm512_set1_ps(ag[r * a_row]);
#pragma GCC unroll 2
      for (int h = 0; h < V; h++) v[r][h] = _mm512_mul_ps(ar, bp[h]);
    }
    for (int p = 1; p < k; p++) {
#pragma GCC unroll 2
      for (int h = 0; h < V; h++) bp[h] = _mm512_loadu_ps(b + h * b_block + p * ldb);
#pragma GCC unroll 8
      for (int r = 0; r < R; r++) {
        const __m512 ap = _mm512_set1_ps(ag[r * a_row + p * a_step]);
#pragma GCC unroll 2
        for (int h = 0; h < V; h++) v[r][h] = _mm512_fmadd_ps(ap, bp[h], v[r][h]);
      }
    }
    __m512 add[V];
#pragma GCC unroll 2
    for (int h = 0; h < V; h++) add[h] = bias_j ? _mm512_loadu_ps(bias_j + 16 * h) : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 2
      for (int h = 0; h < V; h++) {
        if (bias_j) v[r][h] = _mm512_add_ps(v[r][h], add[h]);
        if (relu) v[r][h] = relu16(v[r][h]);
        if (gate_j) v[r][h] = gate16(gate_act, _mm512_loadu_ps(gate_j + r * ld_out + 16 * h), v[r][h]);
        _mm512_storeu_ps(o + r * ld_out + 16 * h, v[r][h]);
      }
  };
  using One = std::integral_constant<int, 1>;
  using Eight = std::integral_constant<int, 8>;
  // Every row for columns j0 on, `vecs` blocks of 16 at once: eight rows at a time, then one by one.
  const auto all_rows = [&](auto vecs_c, int j0, const float* b, float* o) {
    const float* bias_j = bias ? bias + j0 : nullptr;
    const auto gate_r = [&](int r) { return gate ? gate + j0 + r * ld_out : nullptr; };
    int r = 0;
    for (; r + 8 <= rows; r += 8) group(Eight{}, vecs_c, a + r * a_row, b, bias_j, gate_r(r), o + r * ld_out);
    for (; r < rows; r++) group(One{}, vecs_c, a + r * a_row, b, bias_j, gate_r(r), o + r * ld_out);
  };
  int j0 = 0;
  for (; n - j0 > 16; j0 += 32, bk += 2 * b_block, out += 32) all_rows(std::integral_constant<int, 2>(), j0, bk, out);
  if (n - j0 > 8) all_rows(One{}, j0, bk, out);
  else if (n > j0)
    avx2_kernels().shallow_wide(a, a_row, a_step, rows, k, bk, ldb, b_block, n - j0, out, ld_out, bias ? bias + j0 : nullptr,
                                relu, gate ? gate + j0 : nullptr, gate_act);
}

// shallow_few (table.h) for 2, 4 or 8 columns: 16 / N rows of C in one 16-float register (C's rows lie
// packed, so one store), the lanes' elements of op(A) fetched by a permute from the R rows of A
// loaded together (stored [m][k]: R * k <= 32 floats, one or two registers) or from R floats of A's
// row p (stored [k][m]), B's row p repeated R times. Each lane the same chain as shallow_rows' (the
// product at p = 0, one FMA per depth step), so the same bits; the AVX2 set's eight rows in the
// lanes took 4 permutes and 3 blends for each of a 4-column product's 4 depth steps and as many
// again to join its sums into rows. Returns the rows done (a multiple of R, or 0 when A's rows are
// too long).
template <int N>
static int few_packed(const float* a, long a_row, long a_step, int rows, int k, const float* bk, float* acc) {
  constexpr int R = 16 / N;
  if (a_row != 1 && R * k > 32) return 0;
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i column = _mm512_and_si512(lane, _mm512_set1_epi32(N - 1)), row = _mm512_srli_epi32(lane, __builtin_ctz(N));
  // The permutes are the zero-masking form with every lane kept: GCC 12's plain one passes an
  // undefined vector through and warns of it as uninitialized (-Wmaybe-uninitialized).
  __m512 b[kShallowDepth];
  for (int p = 0; p < k; p++) b[p] = _mm512_maskz_permutexvar_ps(0xFFFF, column, _mm512_loadu_ps(bk + p * kShallowCols));
  int r = 0;
  if (a_row == 1) {  // op(A)(r, p) = a[r + p * a_step]: R rows' elements lie together in each p
    const __mmask16 first = (1u << R) - 1;
    for (; r + R <= rows; r += R) {
      __m512 c = _mm512_mul_ps(_mm512_maskz_permutexvar_ps(0xFFFF, row, _mm512_maskz_loadu_ps(first, a + r)), b[0]);
      for (int p = 1; p < k; p++)
        c = _mm512_fmadd_ps(_mm512_maskz_permutexvar_ps(0xFFFF, row, _mm512_maskz_loadu_ps(first, a + r + p * a_step)), b[p], c);
      _mm512_storeu_ps(acc + r * N, c);
    }
  } else {  // op(A)(r, p) = a[r * k + p]: lane l's element at (l / N) * k + p of the R rows
    const int len = R * k;
    const __mmask16 lo = len >= 16 ? 0xFFFF : (__mmask16)((1u << len) - 1);
    const __mmask16 hi = len > 16 ? (__mmask16)((1u << (len - 16)) - 1) : 0;
    const __m512i start = _mm512_mullo_epi32(row, _mm512_set1_epi32(k));
    for (; r + R <= rows; r += R) {
      const float* ar = a + (long)r * k;
      const __m512 v0 = _mm512_maskz_loadu_ps(lo, ar), v1 = _mm512_maskz_loadu_ps(hi, ar + 16);
      __m512 c = _mm512_mul_ps(_mm512_permutex2var_ps(v0, start, v1), b[0]);
      for (int p = 1; p < k; p++)
        c = _mm512_fmadd_ps(_mm512_permutex2var_ps(v0, _mm512_add_epi32(start, _mm512_set1_epi32(p)), v1), b[p], c);
      _mm512_storeu_ps(acc + r * N, c);
    }
  }
  return r;
}

static void shallow_few(const float* a, long a_row, long a_step, int rows, int k, const float* bk, int n, float* acc) {
  const int done = n == 2   ? few_packed<2>(a, a_row, a_step, rows, k, bk, acc)
                   : n == 4 ? few_packed<4>(a, a_row, a_step, rows, k, bk, acc)
                   : n == 8 ? few_packed<8>(a, a_row, a_step, rows, k, bk, acc) : 0;
  if (n == 8 && done < rows) {
    // The last row (8 columns are always packed): shallow_rows' one-row group, then packed.
    alignas(64) float row[kShallowCols];
    avx2_kernels().shallow_rows(a + done * a_row, a_row, a_step, 1, k, bk, n, row);
    std::memcpy(acc + done * n, row, 8 * sizeof(float));
    return;
  }
  if (done < rows) avx2_kernels().shallow_few(a + done * a_row, a_row, a_step, rows - done, k, bk, n, acc + done * n);
}

static KernelTable make_table() {
  KernelTable t = avx2_kernels();
  t.name = "avx512";
  t.unary = unary;
  t.unary_grad = unary_grad;
  t.gate_rows = gate_rows;
  t.extreme_rows = extreme_rows;
  t.mr = kRows;
  t.nr = kCols;
  t.ukernel = ukernel;
  t.ukernel_strided = ukernel_strided;
  t.ukernel_offsets = ukernel_offsets;
  t.pack_a = pack_a;
  t.pack_b = pack_b;
  t.pack_windows = pack_windows;
  t.dot4 = dot4_rows;
  t.dot_block = dot_block;  // narrow_cols stays the AVX2 set's (isa_kernels.inc)
  t.shallow_wide = shallow_wide;
  t.shallow_few = shallow_few;
  t.few_cols |= 1u << 8;  // 8 columns: two rows to a register
  return t;
}

}  // namespace avx512

const KernelTable& avx512_kernels() {
  static const KernelTable t = avx512::make_table();
  return t;
}
bool avx512_compiled() { return true; }

}  // namespace bp
#else
#include "table.h"
namespace bp {
const KernelTable& avx512_kernels() { return avx2_kernels(); }
bool avx512_compiled() { return false; }
}  // namespace bp
#endif

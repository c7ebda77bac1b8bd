// Blocking and threading around the packing routines and the microkernel of the ISA table (the
// five loops of BLIS).
//
// Blocking for this target (AMD EPYC, 32 KiB L1d, 512 KiB L2 per core, shared L3):
//   kKC = 256: one packed B micro-panel (256 x 16 floats = 16 KiB) stays in L1 beside the A
//              micro-panel (256 x 6 = 6 KiB) while the microkernel streams them. K is cut into
//              equal blocks of about this depth (a multiple of 8, the packing's step).
//   kMC = 144: the packed A block (144 x 256 floats = 144 KiB) stays in L2 across all B panels.
//   kNC = 2048: the packed B block (256 x 2048 floats = 2 MiB) lives in L3 and is shared by threads.
// Per (NC, K) block there are two pool runs: packing (B in kNCT-column groups, A in row pieces; the
// two are independent) and compute, in tasks of (one MC block of rows) x (kNCT columns). Both grids
// are fixed (they do not depend on the thread count), and each C element is summed in the same K
// order by exactly one task, so results are bit-identical at any thread count.
#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../runtime/thread_pool.h"
#include "table.h"

namespace bp {
namespace {

constexpr int kKC = 256;
constexpr int kMC = 144;
constexpr int kNC = 2048;
constexpr int kNCT = 64;  // columns per task inside an NC block (4 micro-panels)
// Below this many multiply-adds the product runs on the calling thread without waking the pool:
// two pool runs per K block cost more than a second core saves. Measured (square NN, GFLOP/s at
// 1 / 2 threads): n = 64 80 / 52, n = 96 94 / 83, n = 112 94 / 94, n = 128 95 / 116; W2's
// 64x128x784 products 88-92 / 106-127.
constexpr double kThreadWork = 1.5e6;
// Below this many multiply-adds (and for single-row products) packing costs more than it saves.
constexpr double kPackWork = 24.0 * 24.0 * 24.0;

// Direct product for tiny or few-row shapes (batch-1 inference lives here): no packing. Each row of
// C is computed in fixed chunks of kSmallCols columns (threaded when large): dot products against
// rows of B when B is stored transposed (nn.Linear's layout), axpy over rows of B otherwise.
constexpr int kSmallCols = 256;

void gemm_small(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta,
                float* c, const float* bias, int act, const float* gate, int gate_act, const KernelTable& kt) {
  thread_local std::vector<float> a_row;  // row i of op(A) when A is stored transposed
  a_row.resize(k);
  const size_t chunks = (size_t)(n + kSmallCols - 1) / kSmallCols;
  const bool threaded = (double)n * k >= 1 << 17 && chunks > 1;
  for (int i = 0; i < m; i++) {
    const float* ai = a + (long)i * k;
    if (ta) {
      for (int p = 0; p < k; p++) a_row[p] = a[(long)p * m + i];
      ai = a_row.data();
    }
    float* ci = c + (long)i * n;
    auto chunk = [&](size_t t) {
      const int j0 = (int)t * kSmallCols, j1 = std::min(n, j0 + kSmallCols);
      float acc[kSmallCols];
      if (tb) {
        int j = j0;
        for (; j + 4 <= j1; j += 4) kt.dot4(ai, b + (long)j * k, k, (size_t)k, acc + (j - j0));
        for (; j < j1; j++) acc[j - j0] = kt.dot(ai, b + (long)j * k, (size_t)k);
      } else {
        std::fill(acc, acc + (j1 - j0), 0.0f);
        for (int p = 0; p < k; p++) kt.axpy(ai[p], b + (long)p * n + j0, acc, (size_t)(j1 - j0));
      }
      for (int j = j0; j < j1; j++) {
        float v = alpha * acc[j - j0];
        if (beta != 0.0f) v += beta * ci[j];
        if (bias) v += bias[j];
        ci[j] = v;
      }
      if (act) kt.unary(act, ci + j0, ci + j0, (size_t)(j1 - j0), 0.0f);
      if (gate) kt.gate_rows(gate_act, gate + (long)i * n + j0, ci + j0, n, 1, j1 - j0);
    };
    if (threaded) ThreadPool::instance().run(chunks, chunk);
    else for (size_t t = 0; t < chunks; t++) chunk(t);
  }
}

}  // namespace

void sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta, float* c,
           const float* bias, int act, const float* gate, int gate_act) {
  if (m == 0 || n == 0) return;
  const KernelTable& kt = active_kernels();
  if (k == 0) {
    // Empty sum: C = beta * C + bias, then the activation.
    for (long i = 0; i < (long)m * n; i++) c[i] = (beta != 0.0f ? beta * c[i] : 0.0f) + (bias ? bias[i % n] : 0.0f);
    if (act) kt.unary(act, c, c, (size_t)m * n, 0.0f);
    if (gate) kt.gate_rows(gate_act, gate, c, n, m, n);
    return;
  }
  const double work = (double)m * n * k;
  if (work <= kTinyWork) {  // even the vector calls of the small path cost more than they save
    kt.gemm_tiny(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act);
    if (gate) kt.gate_rows(gate_act, gate, c, n, m, n);
    return;
  }
  if (work < kPackWork || m < 4) {
    gemm_small(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act, gate, gate_act, kt);
    return;
  }
  const bool threaded = work >= kThreadWork && ThreadPool::instance().threads() > 1;
  // K in equal blocks of at most about kKC (a multiple of 8, the packing's step): 784 runs as
  // 3 x 200 + 184 rather than 3 x 256 + 16, whose last block would re-read and re-write all of C
  // for 16 steps of work. (3 x 264, deeper than kKC, measured the same: A/B, 8 alternated runs.)
  const int k_blocks = (k + kKC - 1) / kKC;
  const int kc_step = ((k + k_blocks - 1) / k_blocks + 7) / 8 * 8;
  const int kc_max = std::min(k, kc_step);
  const int nc_max = std::min(n, kNC);
  // Micro-panels are laid out kc_pad floats of depth apart, kc_pad an odd multiple of 8: with kc a
  // multiple of 16 (k = 256, 512, 1024...) consecutive panels would start 4 KiB multiples apart, so
  // that a pack dealing one row out to every panel writes lines that all map to one or two L1 sets
  // (pack_b of 1024 columns at kc = 256: 174 us; at kc = 248: 24 us).
  const auto padded = [](int kc) { return kc % 16 == 0 ? kc + 8 : kc; };
  const size_t a_stride_max = (size_t)kMR * padded(kc_max), b_stride_max = (size_t)kNR * padded(kc_max);
  // Packed A for all rows of one K block, packed B for one (K, N) block: reused, never per call in
  // the inner loops. thread_local keeps the buffers across calls without global state.
  thread_local std::vector<float> a_buf, b_buf;
  a_buf.resize((size_t)((m + kMR - 1) / kMR) * a_stride_max);
  b_buf.resize((size_t)((nc_max + kNR - 1) / kNR) * b_stride_max);
  float* ap = a_buf.data();
  float* bp = b_buf.data();

  for (int jc = 0; jc < n; jc += kNC) {
    const int nc = std::min(kNC, n - jc);
    for (int pc = 0; pc < k; pc += kc_step) {
      const int kc = std::min(kc_step, k - pc);
      const size_t a_stride = (size_t)kMR * padded(kc), b_stride = (size_t)kNR * padded(kc);
      const bool first = pc == 0;
      const bool last = pc + kc == k;
      Epilogue ep{alpha, first ? beta : 1.0f, nullptr, last ? act : 0};
      const int n_ablocks = (m + kMC - 1) / kMC;
      const int n_colgroups = (nc + kNCT - 1) / kNCT;
      // Rows of A per packing task: small pieces balance the threads, but a transposed A is read a
      // row of A (a depth step) at a time, which wants many of its columns per piece.
      const int a_piece = ta ? kMC : 4 * kMR;
      const int n_apieces = (m + a_piece - 1) / a_piece;
      auto pack_b_task = [&](size_t t) {  // the micro-panels of one task's column group
        const int jr = (int)t * kNCT;
        kt.pack_b(tb, b, n, k, pc, kc, jc + jr, std::min(kNCT, nc - jr), bp + (size_t)(jr / kNR) * b_stride, b_stride);
      };
      auto pack_a_task = [&](size_t t) {
        const int ic = (int)t * a_piece;
        kt.pack_a(ta, a, m, k, ic, std::min(a_piece, m - ic), pc, kc, ap + (size_t)(ic / kMR) * a_stride, a_stride);
      };
      // B's column groups, then A's row pieces, in one run: the two packings are independent, and
      // the small A pieces last even out the threads' finishing times.
      auto pack_task = [&](size_t t) {
        if (t < (size_t)n_colgroups) pack_b_task(t);
        else pack_a_task(t - n_colgroups);
      };
      auto compute_task = [&](size_t t) {
        const int ic = (int)(t / n_colgroups) * kMC;
        const int j_begin = (int)(t % n_colgroups) * kNCT;
        const int mc = std::min(kMC, m - ic);
        const int j_end = std::min(nc, j_begin + kNCT);
        for (int jr = j_begin; jr < j_end; jr += kNR) {
          const int nr = std::min(kNR, nc - jr);
          const float* bpanel = bp + (size_t)(jr / kNR) * b_stride;
          Epilogue e = ep;
          if (last && bias) e.bias = bias + jc + jr;
          for (int ir = 0; ir < mc; ir += kMR) {
            const int mr = std::min(kMR, mc - ir);
            // The gate's tile rows are fetched as the microkernel starts and applied as it ends, C's tile
            // still in L1. (Gating a whole 144-row column panel afterwards, its gate rows a page apart,
            // cost 0.25-0.8 ms per cold MiB of gate in a C++ harness; per tile it costs nothing at
            // k = 1024 and as much as a separate streaming pass at k = 10.)
            const float* g = last && gate ? gate + (long)(ic + ir) * n + jc + jr : nullptr;
            if (g) for (int r = 0; r < mr; r++) __builtin_prefetch(g + (long)r * n);
            kt.ukernel(kc, ap + (size_t)((ic + ir) / kMR) * a_stride, bpanel, c + (long)(ic + ir) * n + jc + jr, n, mr, nr, e);
            if (g) kt.gate_rows(gate_act, g, c + (long)(ic + ir) * n + jc + jr, n, mr, nr);
          }
        }
      };
      if (threaded) {
        ThreadPool& pool = ThreadPool::instance();
        pool.run((size_t)n_colgroups + n_apieces, pack_task);
        pool.run((size_t)n_ablocks * n_colgroups, compute_task);
      } else {
        for (int t = 0; t < n_colgroups + n_apieces; t++) pack_task(t);
        for (int t = 0; t < n_ablocks * n_colgroups; t++) compute_task(t);
      }
    }
  }
}

}  // namespace bp

// Blocking and threading around the packing routines and the microkernel of the ISA table (the
// five loops of BLIS).
//
// The microkernel's tile (mr x nr) is the kernel table's: 6 x 16 for AVX2, 8 x 32 for AVX-512; the
// portable set's 8 x 12 on aarch64 (NEON), 6 x 8 with SSE2, 6 x 16 in scalar code elsewhere. Blocking, chosen on AMD EPYC (Zen 3: 32 KiB L1d, 512 KiB L2 per core; later
// sessions ran on Zen 5: 48 KiB, 1 MiB):
//   kKC = 256: one packed B micro-panel (256 x 16 floats = 16 KiB; 32 KiB at 32 columns, for Zen
//              5's 48 KiB) stays in L1 while A's micro-panels stream past it. K is cut into equal
//              blocks of about this depth (a multiple of 8, the packing's step). With AVX-512
//              tiles, depths 128, 192 and 384 measured no better.
//   kMC = 144: the packed A block (144 x 256 floats = 144 KiB) stays in L2 across all B panels
//              (rounded down to whole micro-panels: 144 rows for both tiles).
//   kNC = 2048: the packed B block (256 x 2048 floats = 2 MiB) lives in L3.
// Threads: C is cut into one slice per thread (whole micro-tiles, across its longer side, sized by
// the pool's measured pace of each thread), and each thread runs all five loops on its slice with
// packed buffers of its own: one pool run per call.
// Each C element is still summed by the same microkernel calls in the same K order whatever the
// slicing, so results are bit-identical at any thread count.
#include "gemm.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "../runtime/line_vector.h"
#include "../runtime/thread_pool.h"
#include "gemm_shifted.h"
#include "table.h"

namespace bp {
namespace {

constexpr int kKC = 256;
constexpr int kMC = 144;
constexpr int kNC = 2048;
// Products this shallow (k <= kShallow: output layers' backward, k = 10) are bound by writing C,
// not by multiply-adds; they walk C by rows of tiles and are sliced by rows. C++ harness, gated
// 256x1024xk NN into cold C (with the gate applied in registers), GFLOP/s at 1 / 2 threads, column
// order -> row order: k = 10 19 -> 30 / 25 -> 41..49, k = 32 48 -> 73 / 72 -> 115..128, k = 64
// 68 -> 88 / 100 -> 140..160; at k = 96 row order measured the same as column order.
constexpr int kShallow = 64;
// The 16-wide tile (AVX2) reading its operands in place (kInPlaceWork) walks by columns of tiles
// from a depth of 33 on: each depth row of B is then one line, kept in L1 down the column, where a
// row of tiles fetches every line of B again. On Zen 3 (the target machine; one thread, medians of
// 2 alternated runs, GFLOP/s, rows -> columns): TN 128x784x64 (W2's weight gradient) 61.8-61.9 ->
// 66.8-67.8, 128x512..1024x64 54.5-65.2 -> 57.3-66.9, NN 256x1024x64 equal, 256x1024x10 27.5 ->
// 24.0 (rows still win that shallow); W2's step at one thread 127.7-142.6k -> 145.6-149.8k
// samples/s (3 alternated runs), and its weight gradient at two threads 85-115 -> 121-125 GFLOP/s.
// The AVX-512 tile, measured on Zen 5, kept rows to a depth of 64 (the figures above).
constexpr int kShallowInPlace16 = 32;
// Two independent products run one per thread (sgemm_pair) when the larger has at most this many
// times the work of the smaller: the pair then takes about as long as the larger at one thread.
// Cut across two threads one after the other, W3's layer-2 gradients ran 1.72x faster than at one
// thread (not 2x: each thread packs the uncut operand whole, and reads the half of it that the
// other core wrote from that core's cache); paired, each ran about 10% slower than alone at one
// thread (the two cores share memory bandwidth). Pairing wins while hi / (hi + lo) < 1 / (1.72 *
// 1.1), that is hi < 1.12 lo. Measured, the equal pair: 3.06 -> 2.93 ms (medians of 8 runs).
constexpr double kPairImbalance = 1.1;
// Smaller pairs gained nothing: W3's output layer (256x1024x10 and 10x1024x256, shallow products
// bound by writing C) took 0.13-0.17 ms as a pair, 0.13 ms one after the other.
constexpr double kPairWork = 1e7;
// A pair runs unevenly when one core is slower than the other (the test VM's two vCPUs moved
// between equal speeds and one at 75% of the other within an hour: bench/native/fma_peak pinned to
// each): past this ratio of paces the two products are each cut by the pool's paces instead.
constexpr double kPairPace = 1.1;
// Below this many multiply-adds the product runs on the calling thread without waking the pool.
// Measured (C++ harness, square NN, GFLOP/s at 1 / 2 threads, 7 alternated rounds): n = 64 (262k)
// 91 / 66 when threaded, n = 96 (885k) 93 / 145, n = 128 96 / 162.
constexpr double kThreadWork = 4e5;
// Below this many multiply-adds (and for products of fewer than four rows) packing costs more than it saves.
constexpr double kPackWork = 24.0 * 24.0 * 24.0;
// Up to this many multiply-adds the kernel sets that have a strided microkernel (AVX-512, AVX2) skip
// the packing and read A, and B unless it is transposed, in place: the loops, tiles and order of sums
// stay those of the packed path, so the results are the same bits. Packing a small product's
// operands costs as much as a large share of its multiply-adds. GFLOP/s packed -> in place
// (bench/gemm.ts's timing, the two addons alternated 3 times, medians), one thread: square 64
// 151 -> 159, 128 187 -> 198, 256 196 -> 205; W2's 64x128x784 A B^T 167 -> 181, 128x784x64 A^T B
// 177 -> 176, 64x784x128 177 -> 191; two threads: square 128 260 -> 324, 256 339 -> 415, W2's three
// 304..323 -> 325..344. Larger products lose (W3's 1024x784x256 A^T B 192 -> 160, 256x1024x1024
// 193 -> 167 at one thread; W4's 128x256x784 A B^T, 25.7M, 5% at two threads). W2's step at two
// threads: 0.185 -> 0.173 ms (step_profile, 5 alternated runs; one thread within noise). The AVX2
// set (BACKPROP_ISA=avx2, same runs): one thread square 64 84 -> 90, 256 103 -> 106, W2's 94..97 ->
// 96..101; two threads square 128 137 -> 188, 256 187 -> 207, W2's 176..184 -> 179..194.
constexpr double kInPlaceWork = 1 << 24;

// Direct product for tiny or few-row shapes (batch-1 inference lives here): no packing. Each row of
// C is computed in fixed chunks of kSmallCols columns (threaded when large): dot products against
// rows of B when B is stored transposed (nn.Linear's layout), four rows a quarter of the chunk apart
// (long streams for the prefetchers: see dot4.inc), axpy over rows of B otherwise. Which rows take
// the four-row kernel and which the one-row kernel (their sums differ) depends only on the chunk, so
// the results do not depend on the thread count. W5's batch-1 pass (784-1024-1024-10 through the
// API, /tmp script, alternated addons), rows four in a row -> a quarter apart: one thread 155.6-205.7
// -> 138.5-154.7 us (4 of 4 runs faster), two threads faster in 8 of 10 runs (medians 92.8-134.4 ->
// 79.4-121.9). Chunks of 512 rows: not better than 256 (5 + 3 alternated runs).
constexpr int kSmallCols = 256;

// rows x W floats from acc (row stride lda) to c (row stride ldc), W fixed, plus bias[j] when there
// is one: finish_rows with alpha 1 and beta 0 (the same bits). A fixed-length memcpy a row: GCC moves
// it in vectors. Element by element (c might alias acc) it stayed scalar: half of 50000x8x1's time
// (124 -> 67 us, addon, one thread); with a bias through finish_rows' general loop, 16384x2x3 with a
// bias and ReLU took 38 us against 7 without.
template <int W>
void short_rows(const float* acc, long lda, float* c, long ldc, int rows, const float* bias) {
  if (!bias) {
    for (int r = 0; r < rows; r++) std::memcpy(c + r * ldc, acc + r * lda, W * sizeof(float));
    return;
  }
  float b[W], t[W];
  std::memcpy(b, bias, W * sizeof(float));
  for (int r = 0; r < rows; r++) {
    std::memcpy(t, acc + r * lda, W * sizeof(float));
    for (int j = 0; j < W; j++) t[j] += b[j];
    std::memcpy(c + r * ldc, t, W * sizeof(float));
  }
}
using ShortRows = void (*)(const float*, long, float*, long, int, const float*);
template <int... W>
constexpr std::array<ShortRows, sizeof...(W)> short_rows_table(std::integer_sequence<int, W...>) {
  return {short_rows<W>...};
}
// short_rows_of[w] finishes rows of w floats, w <= kShallowCols.
constexpr auto short_rows_of = short_rows_table(std::make_integer_sequence<int, kShallowCols + 1>{});

// The small paths' epilogue over rows x cols of C (row stride ldc), from sums laid out the same way
// in acc (row stride lda): C = alpha * acc (+ beta * C) (+ bias), element by element, then the
// activation and the gate.
void finish_rows(const float* acc, long lda, float* c, long ldc, int rows, int cols, float alpha, float beta,
                 const float* bias, int act, const float* gate, int gate_act, const KernelTable& kt) {
  // alpha * acc is acc when alpha is 1: a plain copy then (the common case) has the same bits.
  const bool plain = alpha == 1.0f && beta == 0.0f;
  if (plain && !bias && acc == c) {
    // The sums are already C's (gemm_shallow's few columns): only the activation and gate are left.
  } else if (plain && !bias && ldc == cols && lda == cols) {
    std::memcpy(c, acc, sizeof(float) * rows * cols);
  } else if (plain && cols <= kShallowCols) {
    // Rows of a few floats (shallow products): a loop of a fixed length; a loop per row of one or
    // two floats cost as much as the row's arithmetic.
    short_rows_of[cols](acc, lda, c, ldc, rows, bias);
  } else if (plain && !bias) {
    for (int r = 0; r < rows; r++) std::memcpy(c + r * ldc, acc + r * lda, sizeof(float) * cols);
  } else {
    for (int r = 0; r < rows; r++) {
      float* cr = c + r * ldc;
      const float* ar = acc + r * lda;
      for (int j = 0; j < cols; j++) {
        float v = alpha * ar[j];
        if (beta != 0.0f) v += beta * cr[j];
        if (bias) v += bias[j];
        cr[j] = v;
      }
    }
  }
  // Rows of C that follow one another are one run for the activation (shallow products' rows are a
  // few floats each: a call per row cost more than the activation).
  if (act && ldc == cols) kt.unary(act, c, c, (size_t)rows * cols, 0.0f);
  else if (act)
    for (int r = 0; r < rows; r++) kt.unary(act, c + r * ldc, c + r * ldc, (size_t)cols, 0.0f);
  if (gate) kt.gate_rows(gate_act, gate, c, ldc, rows, cols);
}

void gemm_small(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta,
                float* c, const float* bias, int act, const float* gate, int gate_act, const KernelTable& kt) {
  thread_local LineVector a_row_buf;  // row i of op(A) when A is stored transposed
  float* const a_row = at_least(a_row_buf, (size_t)k);
  const size_t chunks = (size_t)(n + kSmallCols - 1) / kSmallCols;
  const bool threaded = (double)n * k >= 1 << 17 && chunks > 1;
  for (int i = 0; i < m; i++) {
    const float* ai = a + (long)i * k;
    if (ta) {
      for (int p = 0; p < k; p++) a_row[p] = a[(long)p * m + i];
      ai = a_row;
    }
    float* ci = c + (long)i * n;
    auto chunk = [&](size_t t) {
      const int j0 = (int)t * kSmallCols, j1 = std::min(n, j0 + kSmallCols);
      float acc[kSmallCols];
      if (tb) {
        const int quarter = (j1 - j0) / 4;
        const float* bq = b + (long)j0 * k;
        for (int q = 0; q < quarter; q++) {
          float four[4];
          kt.dot4(ai, bq + (long)q * k, (long)quarter * k, (size_t)k, four);
          for (int r = 0; r < 4; r++) acc[r * quarter + q] = four[r];
        }
        for (int j = j0 + 4 * quarter; j < j1; j++) acc[j - j0] = kt.dot(ai, b + (long)j * k, (size_t)k);
      } else {
        std::fill(acc, acc + (j1 - j0), 0.0f);
        for (int p = 0; p < k; p++) kt.axpy(ai[p], b + (long)p * n + j0, acc, (size_t)(j1 - j0));
      }
      finish_rows(acc, j1 - j0, ci + j0, n, 1, j1 - j0, alpha, beta, bias ? bias + j0 : nullptr, act,
                  gate ? gate + (long)i * n + j0 : nullptr, gate_act, kt);
    };
    // Threaded, each thread takes one contiguous run of chunks (parallel_each), so that each core
    // reads the same rows of the weight from its own cache call after call.
    if (threaded) parallel_each(chunks, chunk);
    else for (size_t t = 0; t < chunks; t++) chunk(t);
  }
}

// Products with few columns of C (a regression's one output, a few classes' logits, the weight
// gradient of a layer with a few inputs) as dot products: each element the dot_block sum of a row of
// op(A) and a column of op(B), which is a row of B as nn.Linear's weight lies. The tiles would
// compute all 32 (AVX-512) or 16 (AVX2) columns of each row for these few, and the few-row path
// (gemm_small) one axpy of n floats per depth step. Rows in blocks of kNarrowRows, threaded by fixed
// blocks: each element's sum is the same however the rows are cut.
constexpr int kNarrowRows = 16;
constexpr int kNarrowMax = 16;  // no set's narrow_cols is wider

void gemm_narrow(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta,
                 float* c, const float* bias, int act, const float* gate, int gate_act, int threads,
                 const KernelTable& kt) {
  // op(B)'s columns as rows of depth k: B itself when stored transposed or a single column, else a
  // transposed copy (n * k floats, read m / kNarrowRows times over).
  thread_local LineVector columns_buf;
  const float* w = b;
  if (!tb && n > 1) {
    float* cols = at_least(columns_buf, (size_t)n * k);
    kt.transpose_strip(b, n, cols, k, n, k, false);  // cols[j * k + p] = b[j + p * n]
    w = cols;
  }
  // op(A)'s rows of a block when A is stored transposed ([k][m]) and is more than one column: its
  // columns, copied.
  const bool copy_a = ta && m > 1;
  auto rows = [&](size_t i0, size_t i1) {
    thread_local LineVector block_buf;
    float* const block = copy_a ? at_least(block_buf, (size_t)kNarrowRows * k) : nullptr;
    float acc[kNarrowRows * kNarrowMax];
    for (size_t i = i0; i < i1; i += kNarrowRows) {
      const int rr = (int)std::min((size_t)kNarrowRows, i1 - i);
      const float* x = a + (long)i * k;
      if (copy_a) {
        // block[r * k + p] = a[i + r + p * m], eight rows at a time (the strips' vector width: with
        // 16 at once the copy went element by element, 64x2x10000 TN 243 -> 147 us).
        for (int r = 0; r < rr; r += 8) kt.transpose_strip(a + i + r, m, block + (long)r * k, k, std::min(8, rr - r), k, false);
        x = block;
      }
      kt.dot_block(x, k, rr, w, k, n, (size_t)k, acc, n);
      finish_rows(acc, n, c + (long)i * n, n, rr, n, alpha, beta, bias, act, gate ? gate + (long)i * n : nullptr,
                  gate_act, kt);
    }
  };
  if (threads > 1) parallel_for((size_t)m, kNarrowRows, rows);
  else rows(0, (size_t)m);
}

// Products of a few depth steps (k < kShallowDepth) into at most kShallowCols columns: a 2-D input's
// first layer, an affine grid's points (k = 3, n = 2), a regression's predictions on a few features.
// Tiles would spend their calls on padding and on edges; here each row of C is one or two vectors,
// op(B) held whole as k rows of kShallowCols floats. Rows in fixed blocks, threaded by blocks: each
// element is the same FMA chain however the rows are cut.
constexpr int kShallowRows = 64;

// op(B)'s columns j0 .. n in blocks of kShallowCols as the shallow kernels read them: bk[jb * k *
// kShallowCols + p * kShallowCols + j] = op(B)(p, j0 + jb * kShallowCols + j), zero past column n.
void copy_shallow_blocks(bool tb, const float* b, int n, int k, int j0, float* bk) {
  for (int jb = 0; j0 + jb * kShallowCols < n; jb++) {
    const int c0 = j0 + jb * kShallowCols, nb = std::min(kShallowCols, n - c0);
    for (int p = 0; p < k; p++) {
      float* row = bk + ((long)jb * k + p) * kShallowCols;
      for (int j = 0; j < nb; j++) row[j] = tb ? b[(long)(c0 + j) * k + p] : b[(long)p * n + c0 + j];
      std::fill(row + nb, row + kShallowCols, 0.0f);
    }
  }
}

// rows(i0, i1) over m rows in blocks of rows_per, one run of whole blocks per thread (parallel_for
// calls its body once per grain): each element of a shallow product is the same however rows are cut.
template <class Rows>
void run_row_blocks(int m, int rows_per, int threads, const Rows& rows) {
  const size_t blocks = ((size_t)m + rows_per - 1) / rows_per;
  if (threads > 1) parallel_for((size_t)m, (blocks + threads - 1) / threads * rows_per, rows);
  else rows(0, (size_t)m);
}

void gemm_shallow(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta,
                  float* c, const float* bias, int act, const float* gate, int gate_act, int threads,
                  const KernelTable& kt) {
  alignas(64) float bk[kShallowDepth * kShallowCols];
  copy_shallow_blocks(tb, b, n, k, 0, bk);
  const long a_row = ta ? 1 : k, a_step = ta ? m : 1;
  // For the few column counts a set's shallow_few takes, the sums come packed as C's rows are, and
  // straight into C unless beta needs C's old values.
  const bool few = kt.shallow_few && (kt.few_cols >> n & 1u), direct = few && beta == 0.0f;
  auto rows = [&](size_t i0, size_t i1) {
    alignas(64) float acc[kShallowRows * kShallowCols];
    for (size_t i = i0; i < i1; i += kShallowRows) {
      const int rr = (int)std::min((size_t)kShallowRows, i1 - i);
      float* const ci = c + (long)i * n;
      float* const sums = direct ? ci : acc;
      if (few) kt.shallow_few(a + (long)i * a_row, a_row, a_step, rr, k, bk, n, sums);
      else kt.shallow_rows(a + (long)i * a_row, a_row, a_step, rr, k, bk, n, sums);
      finish_rows(sums, few ? n : kShallowCols, ci, n, rr, n, alpha, beta, bias, act, gate ? gate + (long)i * n : nullptr,
                  gate_act, kt);
    }
  };
  run_row_blocks(m, kShallowRows, threads, rows);
}

// gemm_shallow's products with more than kShallowCols columns (an input layer of a few features into
// a wide one, a one-channel image's 3x3 convolution; the input gradient of a classifier's last layer,
// k = the classes: W3's 256x1024x10), which went to the tiles: those spend their calls on storing
// each tile of C after a few depth steps. Here the kernel sets take one or two blocks of kShallowCols
// columns at a time (the AVX-512 set two 16-float registers a row, eight rows at once: the tile's 16
// accumulators), B read in place when stored [k][n], and write C themselves. The same FMA chains as
// the tiles' (and as gemm_shallow's), so the same bits. Addon alone, line-aligned operands, tiles ->
// here, us (medians of 1500 calls, the two addons alternated), one / two threads: 256x1024x10 NN 52.8
// -> 40.6 / 35.2 -> 22.2, the same gated by ReLU's derivative 74.2 -> 55.3 / 40.4 -> 30.0, 10000x64x2
// NT with a bias (a 2-D input's layer) 95.1 -> 52.5 / 50.0 -> 29.3, 50176x32x9 NT with a bias and ReLU
// 344 -> 220 / 163 -> 114, 4096x256x4 NN 173 -> 103 / 90.8 -> 54.3, 1024x256x15 NN 62.6 -> 51.5 /
// 34.2 -> 26.3; one thread with 32 MB written between calls (C, the gate and B from memory) 65.2 ->
// 52.0, 99.6 -> 76.8, 188 -> 109, 378 -> 245, 286 -> 203, 81.6 -> 69.5; the AVX2 set, one thread,
// 81.0 -> 64.7, 96.9 -> 75.8, 137 -> 74.7, 516 -> 334, 253 -> 145, 96.6 -> 84.1.
// The gates shallow_wide applies in registers (table.h).
bool gate_in_kernels(int gate_act) { return gate_act == kRelu || gate_act == kSigmoid; }
// Columns are taken kShallowChunk at a time, so that a chunk's blocks of op(B), and its sums when they
// go through acc (up to kShallowAcc floats), stay in L1 while the chunk's rows are done.
constexpr int kShallowChunk = 512;
constexpr long kShallowAcc = 4096;

void gemm_shallow_wide(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta,
                       float* c, const float* bias, int act, const float* gate, int gate_act, int threads,
                       const KernelTable& kt) {
  const int blocks = (n + kShallowCols - 1) / kShallowCols;
  const long block_floats = (long)k * kShallowCols;
  const long ld_acc = std::min(blocks * kShallowCols, kShallowChunk);
  // Rows per block: kShallowRows, fewer (a multiple of 8, the kernels' group) when rows are wide.
  const int rows_per = (int)std::max<long>(8, std::min<long>(kShallowRows, kShallowAcc / ld_acc / 8 * 8));
  const long a_row = ta ? 1 : k, a_step = ta ? m : 1;
  // B stored [k][n] is read in place for its whole blocks of columns; op(B)'s other blocks are copied.
  const int in_place = tb ? 0 : n / kShallowCols * kShallowCols;
  // The kernels write whole blocks to C themselves, bias, ReLU and a ReLU or sigmoid gate included,
  // when the epilogue is no more than that (a layer's forward, an input gradient): through acc and
  // finish_rows, a bias and a ReLU made the 50176x32x9 product (a 3x3 convolution of one channel) 1.5x
  // as long as without, and a gate read from memory 1.3x as long as the tiles'.
  const bool direct = alpha == 1.0f && beta == 0.0f && (act == 0 || act == kRelu) && (!gate || gate_in_kernels(gate_act));
  auto rows = [&](size_t i0, size_t i1) {
    // op(B)'s blocks from column in_place on. Each thread makes its own: a copy made by the calling
    // thread, read from the other core, cost that core more than making its own (two threads,
    // 128x1024x10 NN 25.3 -> 17.0 us, 256x1024x10 34.3 -> 25.2).
    thread_local LineVector bk_buf;
    float* const bk = at_least(bk_buf, (size_t)((blocks - in_place / kShallowCols) * block_floats));
    copy_shallow_blocks(tb, b, n, k, in_place, bk);
    alignas(64) float acc[kShallowAcc];
    for (size_t i = i0; i < i1; i += rows_per) {
      const int rr = (int)std::min((size_t)rows_per, i1 - i);
      const float* ai = a + (long)i * a_row;
      float* ci = c + (long)i * n;
      for (int c0 = 0; c0 < n; c0 += kShallowChunk) {
        const int cn = std::min(kShallowChunk, n - c0);
        // The chunk's whole blocks go straight to C when their epilogue is the kernels' own.
        const int to_c = direct ? cn / kShallowCols * kShallowCols : 0;
        // The chunk's columns read from B in place (its whole blocks when B is stored [k][n]).
        const int in_b = std::max(0, std::min(cn, in_place - c0));
        const auto run = [&](int j0, int j1, float* out, long ld_out, bool epilogue) {
          const float* bias_j = epilogue && bias ? bias + c0 + j0 : nullptr;
          const float* gate_j = epilogue && gate ? gate + (long)i * n + c0 + j0 : nullptr;
          const bool relu = epilogue && act == kRelu;
          const int mid = std::max(j0, std::min(j1, in_b));
          if (mid > j0)
            kt.shallow_wide(ai, a_row, a_step, rr, k, b + c0 + j0, n, kShallowCols, mid - j0, out, ld_out, bias_j, relu,
                            gate_j, gate_act);
          if (j1 > mid)
            kt.shallow_wide(ai, a_row, a_step, rr, k, bk + (c0 + mid - in_place) / kShallowCols * block_floats, kShallowCols,
                            block_floats, j1 - mid, out + (mid - j0), ld_out, bias_j ? bias_j + (mid - j0) : nullptr, relu,
                            gate_j ? gate_j + (mid - j0) : nullptr, gate_act);
        };
        if (to_c > 0) run(0, to_c, ci + c0, n, true);
        if (to_c < cn) {
          run(to_c, cn, acc, ld_acc, false);
          finish_rows(acc, ld_acc, ci + c0 + to_c, n, rr, cn - to_c, alpha, beta, bias ? bias + c0 + to_c : nullptr,
                      act, gate ? gate + (long)i * n + c0 + to_c : nullptr, gate_act, kt);
        }
      }
    }
  };
  run_row_blocks(m, rows_per, threads, rows);
}

// The calling thread's packing buffers: lent ones (UsePackBuffers) or its own. Reused across
// calls, never allocated in the loops; thread_local keeps them without global state.
thread_local PackBuffers* lent_pack_buffers = nullptr;
PackBuffers& pack_buffers() {
  thread_local PackBuffers own;
  return lent_pack_buffers ? *lent_pack_buffers : own;
}

// The five loops of BLIS over rows [i0, i1) x columns [j0, j1) of C, on the calling thread with its
// packing buffers (or none, for operands read in place).
void gemm_packed(const GemmCall& o, int kc_step, int i0, int i1, int j0, int j1, const KernelTable& kt) {
  const int kc_max = std::min(o.k, kc_step);
  // Small products read A, and B unless it is transposed, where they lie (see kInPlaceWork).
  const bool in_place = kt.ukernel_strided && (double)o.m * o.n * o.k <= kInPlaceWork;
  const bool b_in_place = in_place && !o.trans_b && !o.b_windows;
  // Micro-panels are laid out panel_depth(kc) floats of depth apart (gemm_shifted.h says why).
  PackBuffers& pack = pack_buffers();
  LineVector &a_buf = pack.a, &b_buf = pack.b;
  const int mr = kt.mr, nr = kt.nr;
  const int mc_max = kMC / mr * mr;  // whole micro-panels
  float* const ap = in_place ? nullptr : at_least(a_buf, (size_t)((std::min(mc_max, i1 - i0) + mr - 1) / mr) * mr * panel_depth(kc_max));
  float* const bp = b_in_place ? nullptr : at_least(b_buf, (size_t)((std::min(kNC, j1 - j0) + nr - 1) / nr) * nr * panel_depth(kc_max));
  // Activations computed by a vector formula (sigmoid, tanh, GELU, SiLU) run over each block of C
  // (at most kMC rows x kNC columns) once its last K block is stored, 16 or 8 floats at a time while
  // the block is in L2, not in each tile's epilogue: there the AVX-512 set stored the tile, reloaded
  // it and ran the AVX2 set's 8-float row loops, and the AVX2 set did the same for GELU. The same
  // function over the same stored floats: the same bits. 256x1024 @ 1024x4096 + bias at one
  // thread, the activation's cost over the bare product (medians of 6 alternated runs): AVX-512
  // set sigmoid 0.89 -> 0.35 ms, tanh 0.99 -> 0.31, GELU 1.81 -> 0.45; AVX2 set 0.70 -> 0.67,
  // 0.68 -> 0.47, 2.25 -> 1.12. (GELU in the AVX-512 tile's registers, 16 floats at a time, was
  // still slower than the product followed by a GELU pass.) With a gate (backward products) the
  // tile's epilogue keeps the activation, to apply it before the gate.
  const bool vector_act = vector_activation(o.act);
  const bool block_act = !o.gate && vector_act;
  // So do the gates that the tiles do not apply in registers (tanh's, GELU's; backward products,
  // whose activation is none or ReLU): GELU's gate in the AVX-512 tile's epilogue (8-float row loops
  // after a store) made a GELU MLP's training step slower than the separate GELU backward it saves.
  const bool block_gate = o.gate && !vector_act && (o.gate_act == kTanh || o.gate_act == kGelu);
  for (int jc = j0; jc < j1; jc += kNC) {
    const int nc = std::min(kNC, j1 - jc);
    for (int pc = 0; pc < o.k; pc += kc_step) {
      const int kc = std::min(kc_step, o.k - pc);
      const size_t a_stride = (size_t)mr * panel_depth(kc), b_stride = (size_t)nr * panel_depth(kc);
      const bool last = pc + kc == o.k;
      // One epilogue for the block, whose tile pointers are the only fields set per tile. Copied
      // whole for each tile, it was rebuilt on the stack and read back 16 bytes at a time over
      // 8-byte stores just made: a failed store forward, which waits until those stores retire,
      // that is until the previous tile's stores into C have: 6-7% of W3's step at one thread in
      // fit's epoch, whose tiles of C were more often out of the cache.
      Epilogue e{o.alpha, pc == 0 ? o.beta : 1.0f, nullptr, last && !block_act ? o.act : 0, nullptr, o.gate_act};
      if (o.b_windows) {
        // A convolution's columns made from its image as they are packed: no pass writes all the
        // columns (7 MB an image for C2's 64 channels of 56 x 56) and none reads them back from the
        // L3 to pack them. C2's products of one image at one thread (.scratch-style A/B, 7 alternated
        // rounds, medians): forward 2.74 -> 2.44 ms, weight gradient 2.76 -> 2.60, and the input
        // gradient as the convolution of gy with the flipped weight 2.47 against 2.74 for the columns'
        // gradient and its sum back into the image.
        thread_local LineVector scratch_buf;
        float* const scratch = at_least(scratch_buf, o.trans_b ? (size_t)nr * kc : (size_t)nc);
        const ImageWindows& w = *o.b_windows;
        kt.pack_windows(o.trans_b, w.x, *w.g, *w.dg, w.c0, pc, kc, jc, nc, bp, b_stride, scratch);
      } else if (!b_in_place) {
        kt.pack_b(o.trans_b, o.b, o.n, o.k, pc, kc, jc, nc, bp, b_stride);
      }
      for (int ic = i0; ic < i1; ic += mc_max) {
        const int mc = std::min(mc_max, i1 - ic);
        if (!in_place) kt.pack_a(o.trans_a, o.a, o.m, o.k, ic, mc, pc, kc, ap, a_stride);
        auto tile = [&](int ir, int jr) {
          const long at = (long)(ic + ir) * o.n + jc + jr;
          e.bias = last && o.bias ? o.bias + jc + jr : nullptr;
          e.gate = last && o.gate && !block_gate ? o.gate + at : nullptr;
          if (in_place) {
            // op(A)'s element (row i, depth p) is a[p * m + i] when A is stored transposed, else
            // a[i * k + p]; op(B)'s row p is b + p * n when B is not transposed.
            const long row = ic + ir;
            const float* const a0 = o.trans_a ? o.a + (long)pc * o.m + row : o.a + row * o.k + pc;
            const float* const b0 = b_in_place ? o.b + (long)pc * o.n + jc + jr : bp + (size_t)(jr / nr) * b_stride;
            kt.ukernel_strided(kc, a0, o.trans_a ? o.m : 1, o.trans_a ? 1 : o.k, b0, b_in_place ? o.n : nr, o.c + at,
                               o.n, std::min(mr, mc - ir), std::min(nr, nc - jr), e);
          } else {
            kt.ukernel(kc, ap + (size_t)(ir / mr) * a_stride, bp + (size_t)(jr / nr) * b_stride, o.c + at, o.n,
                       std::min(mr, mc - ir), std::min(nr, nc - jr), e);
          }
        };
        if (o.k <= (in_place && nr == 16 ? kShallowInPlace16 : kShallow)) {
          // A row of tiles at a time: each of its rows of C (and of the gate) is written left to
          // right, a stream the prefetchers follow, where a column of tiles touches a new page per
          // row; with so little work per tile, waiting on those lines was most of the time.
          for (int ir = 0; ir < mc; ir += mr)
            for (int jr = 0; jr < nc; jr += nr) tile(ir, jr);
        } else {
          // A column of tiles at a time: the B micro-panel stays in L1 while A's block streams from L2.
          for (int jr = 0; jr < nc; jr += nr)
            for (int ir = 0; ir < mc; ir += mr) tile(ir, jr);
        }
        if (last && block_act)
          for (int r = ic; r < ic + mc; r++) kt.unary(o.act, o.c + (long)r * o.n + jc, o.c + (long)r * o.n + jc, (size_t)nc, 0.0f);
        if (last && block_gate) {
          const long at = (long)ic * o.n + jc;
          kt.gate_rows(o.gate_act, o.gate + at, o.c + at, o.n, mc, nc);
        }
      }
    }
  }
}

// The path a product takes (sgemm_on): decided by its shape and gate alone, never by the thread count.
enum class Path { kEmpty, kTiny, kNarrow, kShallow, kShallowWide, kSmall, kTiles };

Path path_of(const GemmCall& g, const KernelTable& kt) {
  const int m = g.m, n = g.n, k = g.k;
  if (k == 0) return Path::kEmpty;
  const double work = (double)m * n * k;
  if (work <= kTinyWork) return Path::kTiny;  // even the vector calls of the small path cost more than they save
  if (k >= 16 && n <= std::min(kt.narrow_cols, kNarrowMax) && kt.dot_block) return Path::kNarrow;
  // A product wider than one block gated by tanh's or GELU's derivative, which the kernels do not
  // apply, stays on the tiles when they would take it: through acc, finish_rows and a gate pass over C
  // the shallow path ran slower than the tiles with C and the gate in memory (256x1024x10 gated:
  // 124-128 us at one thread against 91-95). Their sums are the same FMA chains, so the gated product
  // still equals the plain one gated afterwards (parity.test); gemm_small's are not, so the choice
  // ends where theirs begins.
  const bool wide_on_tiles = g.gate && !gate_in_kernels(g.gate_act) && work >= kPackWork && m >= 4;
  if (k < kShallowDepth && n <= kShallowCols && kt.shallow_rows) return Path::kShallow;
  if (k < kShallowDepth && !wide_on_tiles && kt.shallow_wide) return Path::kShallowWide;
  if (work < kPackWork || m < 4) return Path::kSmall;
  return Path::kTiles;
}

// sgemm on at most max_threads threads of the pool.
void sgemm_on(int max_threads, const GemmCall& g) {
  const bool ta = g.trans_a, tb = g.trans_b;
  const int m = g.m, n = g.n, k = g.k;
  const float alpha = g.alpha, beta = g.beta;
  const float *a = g.a, *b = g.b, *bias = g.bias, *gate = g.gate;
  float* const c = g.c;
  const int act = g.act, gate_act = g.gate_act;
  if (m == 0 || n == 0) return;
  const KernelTable& kt = active_kernels();
  const Path path = path_of(g, kt);
  if (g.b_windows && path != Path::kTiles && path != Path::kEmpty) {
    // Only the tiles pack B; the other paths read it whole, so it is made whole first (kept_or_once).
    thread_local LineVector kept;
    LineVector once;
    const ImageWindows& w = *g.b_windows;
    const long rows = tb ? n : k, cols = tb ? k : n;
    const size_t floats = (size_t)rows * cols;
    float* const whole = kept_or_once(kept, once, floats);
    for (long r = 0; r < rows; r++) window_row(w.x, *w.g, *w.dg, w.c0, r, 0, cols, whole + r * cols);
    GemmCall in_memory = g;
    in_memory.b = whole;
    in_memory.b_windows = nullptr;
    return sgemm_on(max_threads, in_memory);
  }
  const double work = (double)m * n * k;
  const int threads = work >= kThreadWork ? std::min(max_threads, ThreadPool::instance().threads()) : 1;
  switch (path) {
    case Path::kEmpty:
      // Empty sum: C = beta * C + bias, then the activation.
      for (long i = 0; i < (long)m * n; i++) c[i] = (beta != 0.0f ? beta * c[i] : 0.0f) + (bias ? bias[i % n] : 0.0f);
      if (act) kt.unary(act, c, c, (size_t)m * n, 0.0f);
      if (gate) kt.gate_rows(gate_act, gate, c, n, m, n);
      return;
    case Path::kTiny:
      kt.gemm_tiny(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act);
      if (gate) kt.gate_rows(gate_act, gate, c, n, m, n);
      return;
    case Path::kNarrow:
      return gemm_narrow(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act, gate, gate_act, threads, kt);
    case Path::kShallow:
      return gemm_shallow(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act, gate, gate_act, threads, kt);
    case Path::kShallowWide:
      return gemm_shallow_wide(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act, gate, gate_act, threads, kt);
    case Path::kSmall:
      return gemm_small(ta, tb, m, n, k, alpha, a, b, beta, c, bias, act, gate, gate_act, kt);
    case Path::kTiles:
      break;
  }
  // K in equal blocks of at most about kKC (a multiple of 8, the packing's step): 784 runs as
  // 3 x 200 + 184 rather than 3 x 256 + 16, whose last block would re-read and re-write all of C
  // for 16 steps of work. (3 x 264, deeper than kKC, measured the same: A/B, 8 alternated runs.)
  const int k_blocks = (k + kKC - 1) / kKC;
  const int kc_step = ((k + k_blocks - 1) / k_blocks + 7) / 8 * 8;
  if (takes_shifted(g, kt)) return gemm_shifted(g, kc_step, threads, kt);
  // Each thread runs the whole loop nest on its own slice of C with its own packed panels: a
  // packed panel shared between cores had to be re-owned by the core writing it at every K block
  // (packing ran at half speed on two threads), and each shared block cost two pool runs.
  // The slice is cut across the larger side so that the operand every thread must pack whole is
  // the smaller one; square products are cut by rows, so that each thread writes one contiguous
  // part of C. A weight gradient (A^T B, as square as its layer) is then written by the thread
  // that updates the same part of the weight in optim.cc: on the test machine each core has a
  // last-level cache of its own, and data written by the other core is read at a third of the
  // speed (see optim.cc). (Packing B whole instead of A whole measured the same: square 256-2048
  // and W3's 1024x1024x256 A^T B at 2 threads, 5 alternated runs, all within the runs' +-10%.)
  // Also measured and not kept: packing the uncut operand once, by all threads together, for all
  // to read: every W3 product was 3-6% slower at 2 threads, each thread reading half of that
  // operand from the other core. And balancing the slices at run time: in W3's step at 2 threads
  // the first of the two halves to finish waited 9-11% of each cut product's time (either half,
  // call to call). Chunks taken from the front of a thread's own slice and stolen from the back of
  // the other's (128 columns or 48 rows; the uncut operand packed whole, or one pool run per K block
  // with that block packed whole) cut the wait to 2.5-3.8%, and the products took as long as before
  // (in-step medians of 5 alternated runs: 4.25 vs 4.28 ms, hot products within noise): each chunk
  // re-reads the packed operand, and the wait was mostly memory both halves share.
  // (Shallow products pack next to nothing either way; they are cut into bands of whole rows of C,
  // each thread's writes one contiguous block: by columns they ran at half the speed.)
  const bool by_cols = n > m && k > kShallow;
  const int unit = by_cols ? kt.nr : kt.mr;
  const int units = ((by_cols ? n : m) + unit - 1) / unit;
  auto part = [&](size_t, size_t u0, size_t u1) {
    if (by_cols) gemm_packed(g, kc_step, 0, m, (int)u0 * unit, std::min(n, (int)u1 * unit), kt);
    else gemm_packed(g, kc_step, (int)u0 * unit, std::min(m, (int)u1 * unit), 0, n, kt);
  };
  if (threads > 1) ThreadPool::instance().run_parts((size_t)units, (size_t)threads, part);
  else part(0, 0, (size_t)units);
}

}  // namespace

void sgemm(const GemmCall& g) { sgemm_on(ThreadPool::instance().threads(), g); }
void sgemm_one_thread(const GemmCall& g) { sgemm_on(1, g); }

UsePackBuffers::UsePackBuffers(PackBuffers& lent) : previous_(lent_pack_buffers) { lent_pack_buffers = &lent; }
UsePackBuffers::~UsePackBuffers() { lent_pack_buffers = previous_; }

// Tried and not kept: a layer's pair (gx = gz W and gW = gz^T x, both reading gz) cut by output
// features instead, so that each thread reads the weight rows and writes the gradient rows that the
// optimizer gives it (gz's column halves copied to be operands, gx = part 0 + part 1, gated; decided
// by shape alone, since the numbers must not depend on the thread count). W3's step at 2 threads
// (step_profile, 6 alternated pairs): 8.21-8.53 ms against 8.32-8.66, all six faster, Adam 0.48-0.51
// against 0.58-0.71; at 1 thread the pair took 0.1-0.3 ms longer in 3 of 4 pairs (the copy and the
// sum), which one-thread users would pay for the two-thread gain. Tried again in session 17 without
// copies (both products cut at the same output feature, gx's two partial sums over depth added and
// gated in a last pass, at every thread count): the pair alone (101 calls, medians, 4 alternated
// runs) 5.48-5.89 -> 5.56-5.96 ms at 1 thread and 2.76-2.90 -> 2.83-2.96 at 2; in W3's step Adam at 2
// threads 0.60-0.66 -> 0.49-0.72 ms and the steps within their noise. Not kept either.
void sgemm_pair(const GemmCall& p, const GemmCall& q) {
  // Only at exactly two threads: the pool runs one job at a time, so with more threads a pair would
  // leave the rest idle; each product is then cut across all of them, one after the other.
  ThreadPool& pool = ThreadPool::instance();
  const double wp = (double)p.m * p.n * p.k, wq = (double)q.m * q.n * q.k;
  const double lo = std::min(wp, wq), hi = std::max(wp, wq);
  if (pool.threads() == 2 && lo >= kPairWork && hi <= kPairImbalance * lo && pool.even_paced(kPairPace)) {
    pool.run(2, [&](size_t t) { sgemm_on(1, t == 0 ? p : q); });
  } else {
    sgemm_on(pool.threads(), p);
    sgemm_on(pool.threads(), q);
  }
}

// Products under kThreadWork run on one thread anyway (sgemm_on), so a batch of them is cut across
// the pool by products instead: attention's [256, 64, 32] x [256, 32, 64] took 512 single-thread
// calls through JavaScript, each under a microsecond of arithmetic. Any cut gives the same bits:
// each product is computed whole by sgemm_on, whose result does not depend on the thread count.
void sgemm_batch(const GemmCall& g, int batch) {
  if (batch <= 0 || g.m == 0 || g.n == 0) return;
  const long sa = (long)g.m * g.k, sb = (long)g.k * g.n, sc = (long)g.m * g.n;
  const auto item = [&](int i) {
    GemmCall p = g;
    p.a = g.a + i * sa;
    p.b = g.b + i * sb;
    p.c = g.c + i * sc;
    return p;
  };
  ThreadPool& pool = ThreadPool::instance();
  const double work = (double)g.m * g.n * g.k;
  if (pool.threads() > 1 && batch > 1 && work < kThreadWork && work * batch >= kThreadWork) {
    pool.run_parts((size_t)batch, (size_t)pool.threads(), [&](size_t, size_t b0, size_t b1) {
      for (size_t i = b0; i < b1; i++) sgemm_on(1, item((int)i));
    });
  } else {
    for (int i = 0; i < batch; i++) sgemm(item(i));
  }
}

}  // namespace bp

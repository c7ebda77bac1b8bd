// The ISA-specific inner loops, as a table of function pointers. isa_generic.cc and isa_avx2.cc
// compile the same source (isa_kernels.inc) for the baseline and for AVX2+FMA; active() picks one
// at run time from CPUID. Everything above this table (blocking, threading, broadcasting) is
// portable C++ that calls these loops.
#pragma once
#include <cstddef>
#include <cstdint>

#include "image.h"
#include "optim_types.h"

namespace bp {

// Unary op codes: the same numbers as `Unary` in lib/backend/backend.ts.
enum UnaryOp : int {
  kIdentity = 0, kNeg, kExp, kLog, kSqrt, kAbs, kRelu, kSigmoid, kTanh, kGelu, kLeakyRelu, kElu,
  kPowScalar, kScale, kAddScalar, kSign, kLog1p, kRsubScalar, kRdivScalar, kClampAbs, kSilu, kDivScalar, kClampMin, kClampMax, kSoftplus, kClampKept,
  kFloor, kCeil, kRound, kTrunc, kFrac, kSin, kCos, kErf, kExpm1, kLog2, kLog10, kErfc,
  kTan, kAtan, kAsin, kAcos, kSinh, kCosh, kAsinh, kAcosh, kAtanh, kHardswish, kHardsigmoid, kMish, kHardshrink, kSoftshrink,
  kLogsigmoid, kSelu, kCelu, kSmoothL1, kHuber, kSignbit, kNanTo, kUnaryCount
};
// The activations computed by a vector formula (exp inside) rather than a compare: the GEMM applies
// them after storing C (gemm.cc, store_tile), not among the tile's registers.
constexpr bool vector_activation(int act) { return act == kSigmoid || act == kTanh || act == kGelu || act == kSilu; }
// Binary op codes: the same numbers as `Binary` in lib/backend/backend.ts.
enum BinaryOp : int {
  kAdd = 0, kSub, kMul, kDiv, kPow, kBce, kBceGrad, kBceLogits, kBceLogitsGrad, kMaximum, kGtMask, kGeMask, kLtMask, kLeMask, kEqMask, kNeMask, kMinimum,
  kKeepWhere, kDropWhere, kPowGradBase, kPowGradExponent,
  kAtan2, kAtan2Recip, kFmod, kRemainder, kFloorDiv, kLogaddexp, kLogaddexpDenom, kHypot, kBinaryCount
};

// Products of at most this many multiply-adds go to the table's gemm_tiny (no packing, no threads).
constexpr int kTinyWork = 2048;
// gemm.cc's shallow products: depth below kShallowDepth, at most kShallowCols columns of C.
constexpr int kShallowDepth = 16;
constexpr int kShallowCols = 16;

// What the microkernel does with its tile once the K loop is done.
struct Epilogue {
  float alpha;
  float beta;          // 0: overwrite C; otherwise C = acc + beta * C
  const float* bias;   // bias for this tile's first column, or null
  int act;             // UnaryOp applied to the result (kIdentity for none)
  // Then, if gate is set, C *= gate_act'(.) read from gate (an activation's output laid out like C,
  // pointing at this tile's first element): gate_rows' arithmetic, done while the tile is in registers.
  const float* gate = nullptr;
  int gate_act = 0;
};

// How a microkernel reads its operands: packed micro-panels (ukernel); A strided and B's rows ldb
// floats apart (ukernel_strided); A packed and B's rows at offsets of their own, or A's elements at
// a row's offset plus a depth step's and B packed (ukernel_offsets).
enum OperandReads { kPanel, kStride, kOffset, kOffsetA };

// Batch normalization's writing loops (KernelTable::channel_pass), over the columns of one row of
// the [n, c * l] view, f the per-channel factors (arrays of c floats):
//   kBnSquares  out = (x - f0)^2                 the variance pass
//   kBnAffine   out = (x - f0) f1 + f2           the forward
//   kBnXhatG    out = g ((x - f0) f1)            gy times xhat, summed for the weight's gradient
//   kBnGrad     out = (g - f1 - (x - f0) f2) f3  the input's gradient (batch statistics)
//   kBnScale    out = g f0                       the input's gradient (running statistics)
enum ChannelPass : int { kBnSquares = 0, kBnAffine, kBnXhatG, kBnGrad, kBnScale };

struct KernelTable {
  const char* name;
  // The microkernel's tile: packed A micro-panels hold mr rows, packed B micro-panels nr columns.
  int mr, nr;
  // C[mr x nr] (row stride ldc) from packed panels: A as kc x mr, B as kc x nr; the last two
  // arguments are how much of the tile is inside C.
  void (*ukernel)(int kc, const float* a, const float* b, float* c, long ldc, int mr, int nr, const Epilogue& e);
  // Packs rows [i0, i0+mc) x depth [p0, p0+kc) of op(A) (A stored [k][m] when trans) into mr-row
  // micro-panels (kc x mr each, `stride` floats apart), zero-padded past mc.
  void (*pack_a)(bool trans, const float* a, int m, int k, int i0, int mc, int p0, int kc, float* dst, size_t stride);
  // Packs depth [p0, p0+kc) x columns [j0, j0+nc) of op(B) (B stored [n][k] when trans) into
  // kc x nr micro-panels `stride` floats apart, zero-padded past nc.
  void (*pack_b)(bool trans, const float* b, int n, int k, int p0, int kc, int j0, int nc, float* dst, size_t stride);
  // The whole of sgemm (gemm.h) for m * n * k <= kTinyWork.
  void (*gemm_tiny)(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, const float* b, float beta,
                    float* c, const float* bias, int act);
  void (*unary)(int op, const float* x, float* y, size_t n, float p);
  void (*unary_grad)(int op, const float* x, const float* y, const float* gy, float* gx, size_t n, float p);
  // c[r][j] *= act'(.) read from the activation's output y[r][j] (relu, sigmoid, tanh), over rows x
  // cols of two matrices with row stride ld: the same arithmetic as unary_grad(op, y, y, c, c).
  void (*gate_rows)(int act, const float* y, float* c, long ld, int rows, int cols);
  // y[i] = f(a[i * sa], b[i * sb]) for i < n, with sa, sb in {0, 1} for the vector paths.
  void (*binary)(int op, const float* a, long sa, const float* b, long sb, float* y, size_t n);
  void (*axpy)(float alpha, const float* x, float* y, size_t n);
  // Dot product of x and y (n floats), lanes combined in a fixed order.
  float (*dot)(const float* x, const float* y, size_t n);
  // out[r] = dot(x, w + r * ldw) for r < 4: four rows of a weight matrix streamed at once (a
  // batch-1 layer is bound by how fast its weights arrive; four streams arrive faster than one).
  void (*dot4)(const float* x, const float* w, long ldw, size_t n, float* out);
  // Sum of x[0..n) in float with a fixed lane order.
  float (*sum)(const float* x, size_t n);
  // Sum of x[i]^2 over x[0..n), in double with a fixed lane order.
  double (*sum_squares)(const float* x, size_t n);
  // Sum of |x[i]| over x[0..n), in double with sum_squares' lane order.
  double (*sum_abs)(const float* x, size_t n);
  // acc[i] += x[i] for i < n (column sums of a row-major block).
  void (*add_rows)(const float* x, float* acc, size_t n);
  // In-place softmax or log-softmax of one contiguous row; returns nothing.
  void (*softmax_row)(const float* x, float* y, size_t n, bool log);
  // The first maximum (with smallest, minimum) of x[0..n) (n > 0), or the first NaN: its value, its
  // index in *arg.
  float (*extreme_index)(const float* x, size_t n, bool smallest, int32_t* arg);
  // Where x[i] is above best[i] (with smallest, below it) or NaN, and best[i] is not NaN: best[i] =
  // x[i], arg[i] = row, for i < n. Called down the rows of a block, it leaves the first extreme (or
  // first NaN) of each column.
  void (*extreme_rows)(const float* x, float* best, int32_t* arg, size_t n, int32_t row, bool smallest);
  // dst[i * ld + j] = src[i + j * s] for i < rows, j < cols (a strip of a transposing copy); with
  // stream, dst and ld 64-byte aligned, it may write whole lines with streaming stores.
  void (*transpose_strip)(const float* src, long s, float* dst, long ld, long rows, long cols, bool stream);
  // One optimizer update over elements [b, e) of one parameter.
  void (*optim)(const OptimHyper& h, const ParamSlot& s, size_t b, size_t e);
  // where[j] = start + j * step + i * d_step for the n indices of a run, i = index[j] as gather reads
  // it (an integer in [0, size)); the first bad j, or -1.
  long (*index_positions)(const float* index, long n, long size, long start, long step, long d_step, int32_t* where);
  // y[i] = (x[i] - shift) * scale, times w[i] when w is set, plus b[i] when b is set, for i < n (y may
  // be x): the writing passes of LayerNorm's rows, at the set's vector width.
  void (*affine)(const float* x, float shift, float scale, const float* w, const float* b, float* y, size_t n);
  // out[i] = scale * ((g[i] - c1) - xh[i] * c2) for i < n: a LayerNorm row's input gradient.
  void (*norm_grad_row)(const float* g, const float* xh, float scale, float c1, float c2, float* out, size_t n);
  // ChannelPass `pass` over columns [j0, j1) of one row (x, g and out point at its column 0) of
  // batch normalization's [n, c * l] view, in channel runs (isa_kernels.inc's for_runs).
  void (*channel_pass)(int pass, const float* x, const float* g, long l, long j0, long j1, const float* const* f, float* out);
  // The microkernel on operands read where they lie (no packing): A's element (row r, depth p) at
  // a[p * a_step + r * a_row], B's row p at b + p * ldb; rows past mr and columns past nr are not
  // read. Null where the set has none.
  void (*ukernel_strided)(int kc, const float* a, long a_step, long a_row, const float* b, long ldb, float* c,
                          long ldc, int mr, int nr, const Epilogue& e) = nullptr;
  // A convolution's product read from its padded image (gemm_shifted.h), either way round: with
  // b_off, A packed and B's row p at b + b_off[p] (the image from the offset of window row p's
  // channel and element; columns past nr not read), the row's second half of nr columns from b_second
  // floats on (nr / 2 for a run, the padded image's row length for two output rows of nr / 2);
  // otherwise B packed and A's element (row r, depth p) at a[a_off[r] + k_off[p]] (window row r at
  // output position p). Null where the set has none.
  void (*ukernel_offsets)(int kc, const float* a, const long* a_off, const long* k_off, const float* b, const long* b_off,
                          long b_second, float* c, long ldc, int mr, int nr, const Epilogue& e) = nullptr;
  // pack_b for B the columns of one image x (image.h's image_columns: channels c0 on, B stored [cg kh
  // kw, oh ow]; a volume's with dg, image.h's window_row), made from x as they are packed: the same
  // panels. scratch holds nr x kc floats (nc when not trans).
  void (*pack_windows)(bool trans, const float* x, const ImageGeometry& g, const DepthGeometry& dg, long c0, int p0, int kc,
                       int j0, int nc, float* dst, size_t stride, float* scratch) = nullptr;
  // out[r * ldo + c] = dot4's sum of x's row r (x + r * ldx) and w's row c (w + c * ldw), n floats
  // each, for r < rows and c < cols: the products of few output columns (gemm.cc's gemm_narrow).
  void (*dot_block)(const float* x, long ldx, int rows, const float* w, long ldw, int cols, size_t n, float* out,
                    long ldo) = nullptr;
  // Products with at most this many columns of C run as dot_block's dot products instead of tiles
  // that would mostly compute padding; 0: never.
  int narrow_cols = 0;
  // acc[r * kShallowCols + j] = the sum over p < k of op(A)(r, p) * bk[p * kShallowCols + j], for r <
  // rows and j < n (n <= kShallowCols, k < kShallowDepth; bk zero past column n), op(A)(r, p) =
  // a[r * a_row + p * a_step]: the product at p = 0, then one FMA per depth step in order, so the AVX2
  // and AVX-512 sets give the same bits (gemm.cc's gemm_shallow: products of a few depth steps).
  void (*shallow_rows)(const float* a, long a_row, long a_step, int rows, int k, const float* bk, int n,
                       float* acc) = nullptr;
  // shallow_rows' sums (the same bits) for the column counts n in few_cols (bit n set), packed:
  // acc[r * n + j].
  void (*shallow_few)(const float* a, long a_row, long a_step, int rows, int k, const float* bk, int n,
                      float* acc) = nullptr;
  unsigned few_cols = 0;
  // shallow_rows' sums for more columns, written to out[r * ld_out + j] for j < n, plus bias[j] when
  // bias is given, zero where negative when relu, then times the gate's derivative (gate[r * ld_out +
  // j], gate_act relu or sigmoid) when gate is given (finish_rows' order and bits): op(B) in blocks
  // of kShallowCols columns, op(B)(p, j) = b[(j / kShallowCols) * b_block + p * ldb + j % kShallowCols]:
  // a copy (ldb = kShallowCols, b_block = k * kShallowCols, zero past column n) or B itself (ldb = its
  // row length, b_block = kShallowCols, whole blocks only). Columns of out up to n's last block may be
  // written (n a multiple of kShallowCols when out is C itself). The same FMA chains, the same bits.
  void (*shallow_wide)(const float* a, long a_row, long a_step, int rows, int k, const float* b, long ldb,
                       long b_block, int n, float* out, long ld_out, const float* bias, bool relu, const float* gate,
                       int gate_act) = nullptr;
  // `rows` runs of binary's: run r's operands at a + r ra and b + r rb, its n outputs at y + r n, the
  // op resolved once for them all (a broadcast of short runs made a call and the op's dispatch a run).
  void (*binary_rows)(int op, const float* a, long sa, long ra, const float* b, long sb, long rb, float* y, size_t n,
                      size_t rows) = nullptr;
  // dst[i] = src[i] for i < n (no overlap), by vector loads and stores: glibc's memcpy of a row of
  // thousands of floats into a destination off a 64-byte line (cat's rows) ran 35-40% slower here.
  void (*copy)(const float* src, float* dst, size_t n) = nullptr;
  // The sum of x[i] * y[i] for i < n, each product and the sum in double, in sum_squares' lanes
  // (the same order for the same n).
  double (*sum_products)(const float* x, const float* y, size_t n) = nullptr;
  // out[r] = sum(x + r * len, len) for r < rows: sum's bits, its work inlined row after row.
  void (*sum_rows)(const float* x, size_t rows, size_t len, float* out) = nullptr;
  // out[r] = extreme_index(x + r * len, len, smallest, arg + r) for r < rows, its work inlined row
  // after row; arg null: the values alone (no search for where they are when it changes no bit).
  void (*extreme_index_rows)(const float* x, size_t rows, size_t len, bool smallest, float* out, int32_t* arg) = nullptr;
  // out[i] = min(max(x[i], lo), hi), NaN kept (torch's clamp): at the set's vector width, where the
  // baseline build's loop ran 1.6x slower than torch's on 1M floats.
  void (*clamp)(const float* x, float lo, float hi, float* out, size_t n) = nullptr;
};

const KernelTable& active_kernels();
const KernelTable& generic_kernels();
const KernelTable& avx2_kernels();
bool avx2_compiled();
// The AVX-512 set: the AVX2 set with a 512-bit GEMM microkernel and its packing (isa_avx512.cc).
const KernelTable& avx512_kernels();
bool avx512_compiled();

}  // namespace bp

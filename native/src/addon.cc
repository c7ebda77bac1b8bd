// Node-API glue only: argument checks, views of the callers' typed arrays (zero copy), and a call
// into the kernels. Every entry point validates types, lengths and shapes so that bad input becomes
// a JavaScript exception, never a crash.
#include <napi.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "check.h"
#include "dist_glue.h"
#include "fit_glue.h"
#include "optim_slots.h"
#include "kernels/dropout.h"
#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "kernels/image.h"
#include "kernels/window_runs.h"
#include "kernels/index_rows.h"
#include "kernels/lu.h"
#include "kernels/cholesky.h"
#include "kernels/qr.h"
#include "kernels/eigh.h"
#include "kernels/svd.h"
#include "kernels/fft.h"
#include "kernels/triangular.h"
#include "kernels/norm.h"
#include "kernels/random_lanes.h"
#include "kernels/optim.h"
#include "kernels/random_fill.h"
#include "kernels/reduce.h"
#include "kernels/avg_pool.h"
#include "kernels/special.h"
#include "kernels/pointwise3.h"
#include "kernels/taps.h"
#include "kernels/distances.h"
#include "kernels/sort.h"
#include "kernels/rnn_cell.h"
#include "kernels/variance.h"
#include "kernels/softmax.h"
#include "kernels/table.h"
#include "runtime/affinity.h"
#include "runtime/allocator.h"
#include "kernels/grid_sample.h"
#include "runtime/thread_pool.h"

namespace bp {
namespace {

// gemm's argument names, as errors give them: for gemm, and for gemmPair's first and second product.
enum GemmRole { kSoleProduct = 0, kFirstProduct, kSecondProduct };
constexpr const char* kGemmArgNames[3][14] = {
    {"transA", "transB", "m", "n", "k", "alpha", "a", "b", "beta", "c", "bias", "act", "gate", "gateAct"},
    {"first transA", "first transB", "first m", "first n", "first k", "first alpha", "first a", "first b",
     "first beta", "first c", "first bias", "first act", "first gate", "first gateAct"},
    {"second transA", "second transB", "second m", "second n", "second k", "second alpha", "second a", "second b",
     "second beta", "second c", "second bias", "second act", "second gate", "second gateAct"}};

// One product's arguments, read from arguments [base, base + 14) of a call (the gate pair optional
// when it ends the call).
GemmCall gemm_args(const Args& a, size_t base, GemmRole role) {
  const auto name = [&](size_t i) { return kGemmArgNames[role][i]; };
  GemmCall g;
  g.trans_a = a.boolean(base + 0, name(0));
  g.trans_b = a.boolean(base + 1, name(1));
  const long m = a.integer(base + 2, name(2)), n = a.integer(base + 3, name(3)), k = a.integer(base + 4, name(4));
  g.m = (int)m, g.n = (int)n, g.k = (int)k;
  g.alpha = (float)a.number(base + 5, name(5));
  g.a = a.f32(base + 6, name(6), m * k);
  g.b = a.f32(base + 7, name(7), k * n);
  g.beta = (float)a.number(base + 8, name(8));
  g.c = a.f32(base + 9, name(9), m * n);
  g.bias = a.is_null(base + 10) ? nullptr : a.f32(base + 10, name(10), n);
  g.act = (int)a.integer(base + 11, name(11), 0, kUnaryCount - 1);
  // Optional: the activation output whose derivative multiplies C (see gemm.h).
  g.gate = a.info.Length() <= base + 12 || a.is_null(base + 12) ? nullptr : a.f32(base + 12, name(12), m * n);
  g.gate_act = g.gate ? (int)a.integer(base + 13, name(13), 0, kUnaryCount - 1) : 0;
  if (g.gate && g.gate_act != kRelu && g.gate_act != kSigmoid && g.gate_act != kTanh && g.gate_act != kGelu) {
    a.type_error(base + 13, name(13), "must be relu, sigmoid, tanh or gelu (" + std::to_string(kRelu) + ", " + std::to_string(kSigmoid) + ", " + std::to_string(kTanh) + ", " + std::to_string(kGelu) + "), got " + std::to_string(g.gate_act));
  }
  return g;
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Args a{info, "gemm"};
  a.count(12);
  sgemm(gemm_args(a, 0, kSoleProduct));
  return info.Env().Undefined();
}

// True when [p, p + n) and [q, q + m) share a byte.
template <class P, class Q>
bool overlap(const P* p, long n, const Q* q, long m) {
  const auto* pb = reinterpret_cast<const char*>(p);
  const auto* qb = reinterpret_cast<const char*>(q);
  return p && q && pb < reinterpret_cast<const char*>(q + m) && qb < reinterpret_cast<const char*>(p + n);
}

// Whether product w's output overlaps anything product r reads or writes.
bool writes_into(const GemmCall& w, const GemmCall& r) {
  const long c = (long)w.m * w.n;
  return overlap(w.c, c, r.a, (long)r.m * r.k) || overlap(w.c, c, r.b, (long)r.k * r.n) ||
         overlap(w.c, c, r.c, (long)r.m * r.n) || overlap(w.c, c, r.bias, r.n) || overlap(w.c, c, r.gate, (long)r.m * r.n);
}

Napi::Value GemmPair(const Napi::CallbackInfo& info) {
  Args a{info, "gemmPair"};
  a.count(28);
  const GemmCall p = gemm_args(a, 0, kFirstProduct), q = gemm_args(a, 14, kSecondProduct);
  if (writes_into(p, q) || writes_into(q, p)) {
    a.range_error("the two products share memory that one of them writes (first c, argument 9, or second c, argument 23): they must be independent");
  }
  sgemm_pair(p, q);
  return info.Env().Undefined();
}

// linearChain(rows, x, params, dims, hiddenA, hiddenB, y): a Sequential's Linear layers (each with
// the activation that follows it fused) at inference, in one crossing: layer l is gemm(false, true,
// rows, out_l, in_l, 1, h_l, W_l, 0, h_{l+1}, b_l, act_l), the same product and bits as the eager
// layer. params holds W_0, b_0, W_1, b_1, ... (a bias may be null); dims is in_0 then out_l, act_l
// for each layer; the layers between write hiddenA, hiddenB, hiddenA, ... (each at least rows times
// the widest of them; null when no layer writes it) and the last writes y. Batch-1 inference is
// where this pays: W5's three layers spent ~7 us of a ~60 us pass in JavaScript between the calls.
Napi::Value LinearChain(const Napi::CallbackInfo& info) {
  Args a{info, "linearChain"};
  a.count(7);
  const long rows = a.integer(0, "rows", 1);
  const auto dims = a.i32(3, "dims");
  if (dims.len < 3 || dims.len % 2 == 0) a.range_error("dims must hold in_0 and then out and act for each layer (an odd length of at least 3), got " + std::to_string(dims.len) + " entries");
  const size_t layers = (dims.len - 1) / 2;
  if (a.array_length(2, "params") != 2 * layers) a.range_error("params must hold a weight and a bias (or null) for each of the " + std::to_string(layers) + " layers, got " + std::to_string(a.array_length(2, "params")) + " entries");
  const auto width = [&](size_t l) { return (long)dims.data[l == 0 ? 0 : 2 * l - 1]; };  // layer l's input width
  long widest = 0;
  for (size_t l = 0; l <= layers; l++) {
    if (width(l) < 1) a.range_error("dims: every width must be at least 1, got " + std::to_string(width(l)) + " at entry " + std::to_string(l == 0 ? 0 : 2 * l - 1));
    if (l > 0 && l < layers) widest = std::max(widest, width(l));
  }
  if ((double)rows * (double)std::max(widest, std::max(width(0), width(layers))) > 0x7fffffff) a.range_error("rows times a width passes 2^31 - 1");
  const float* x = a.f32(1, "x", rows * width(0));
  float* hidden[2] = {nullptr, nullptr};
  for (int h = 0; h < 2; h++) {
    if (layers <= (size_t)h + 1) continue;  // no layer writes it
    const char* name = h == 0 ? "hiddenA" : "hiddenB";
    const auto view = a.typed<float, napi_float32_array>(4 + h, name, "Float32Array");
    if ((long)view.len < rows * widest) a.range_error(std::string(name) + " has " + std::to_string(view.len) + " elements, fewer than rows times the widest hidden layer (" + std::to_string(rows * widest) + ")");
    hidden[h] = view.data;
  }
  float* y = a.f32(6, "y", rows * width(layers));
  std::vector<GemmCall> calls(layers);
  const napi_env env = info.Env();
  for (size_t l = 0; l < layers; l++) {
    const long in = width(l), out = width(l + 1);
    const int act = dims.data[2 * l + 2];
    if (act < 0 || act >= kUnaryCount) a.range_error("dims: layer " + std::to_string(l) + "'s act must be a unary code in [0, " + std::to_string(kUnaryCount - 1) + "], got " + std::to_string(act));
    float* w = nullptr;
    size_t w_len = 0;
    if (!f32_element(env, info[2], (uint32_t)(2 * l), &w, &w_len)) a.type_error(2, "params", "entry " + std::to_string(2 * l) + " (layer " + std::to_string(l) + "'s weight) must be a Float32Array");
    if ((long)w_len != out * in) a.range_error("layer " + std::to_string(l) + "'s weight has " + std::to_string(w_len) + " elements, expected " + std::to_string(out) + " x " + std::to_string(in));
    napi_value bias_value;
    napi_valuetype bias_type = napi_undefined;
    if (napi_get_element(env, info[2], (uint32_t)(2 * l + 1), &bias_value) != napi_ok || napi_typeof(env, bias_value, &bias_type) != napi_ok) a.type_error(2, "params", "could not be read");
    float* bias = nullptr;
    if (bias_type != napi_null && bias_type != napi_undefined) {
      size_t b_len = 0;
      void* d = nullptr;
      if (!typed_view(env, bias_value, napi_float32_array, &d, &b_len)) a.type_error(2, "params", "entry " + std::to_string(2 * l + 1) + " (layer " + std::to_string(l) + "'s bias) must be a Float32Array or null");
      if ((long)b_len != out) a.range_error("layer " + std::to_string(l) + "'s bias has " + std::to_string(b_len) + " elements, expected " + std::to_string(out));
      bias = static_cast<float*>(d);
    }
    float* c = l + 1 == layers ? y : hidden[l % 2];
    calls[l] = GemmCall{false, true, (int)rows, (int)out, (int)in, 1.0f, l == 0 ? x : calls[l - 1].c, w, 0.0f, c, bias, act, nullptr, 0};
  }
  // What the layers write (the hidden arrays and y) must not share memory with what they read (x
  // and the parameters) or with each other.
  const std::pair<const float*, long> written[3] = {{hidden[0], rows * widest}, {hidden[1], rows * widest}, {y, rows * width(layers)}};
  for (int o = 0; o < 3; o++) {
    bool shares = overlap(written[o].first, written[o].second, x, rows * width(0));
    for (int p = o + 1; p < 3; p++) shares = shares || overlap(written[o].first, written[o].second, written[p].first, written[p].second);
    for (const GemmCall& g : calls) shares = shares || overlap(written[o].first, written[o].second, g.b, (long)g.n * g.k) || overlap(written[o].first, written[o].second, g.bias, g.n);
    if (shares) a.range_error("x, the parameters, hiddenA, hiddenB and y must not share memory (the layers write hiddenA, hiddenB and y)");
  }
  for (const GemmCall& g : calls) sgemm(g);
  return info.Env().Undefined();
}

// gemmBatch(transA, transB, batch, m, n, k, a, b, c): c_i = op(a_i) op(b_i) for each of the batch,
// each operand's matrices back to back.
Napi::Value GemmBatch(const Napi::CallbackInfo& info) {
  Args a{info, "gemmBatch"};
  a.count(9);
  GemmCall g{};
  g.trans_a = a.boolean(0, "transA");
  g.trans_b = a.boolean(1, "transB");
  const long batch = a.integer(2, "batch"), m = a.integer(3, "m"), n = a.integer(4, "n"), k = a.integer(5, "k");
  g.m = (int)m, g.n = (int)n, g.k = (int)k;
  g.alpha = 1.0f;
  g.beta = 0.0f;
  // Three factors can pass 2^63: sized in double first, so that a wrapped product cannot match an array's length.
  for (const auto& [what, size] : {std::pair<const char*, double>{"a", (double)batch * m * k}, {"b", (double)batch * k * n}, {"c", (double)batch * m * n}}) {
    if (size > 4e15) a.range_error(std::string(what) + " would need " + std::to_string(size) + " elements: batch, m, n and k are too large");
  }
  g.a = a.f32(6, "a", batch * m * k);
  g.b = a.f32(7, "b", batch * k * n);
  g.c = a.f32(8, "c", batch * m * n);
  if (overlap(g.c, batch * m * n, g.a, batch * m * k) || overlap(g.c, batch * m * n, g.b, batch * k * n)) {
    a.range_error("c (argument 8) shares memory with a or b: the products' outputs must not overlap their inputs");
  }
  sgemm_batch(g, (int)batch);
  return info.Env().Undefined();
}

// A batch of count n x n matrices (luFactor, luSolve, triSolve, cholesky), read from arguments
// n_at and count_at and checked so that its arrays' element counts (with right-hand sides of k
// columns) fit, sized in double first as gemmBatch's.
struct MatrixBatch {
  long n, count;
};
MatrixBatch matrix_batch(const Args& a, size_t n_at, size_t count_at, long k = 0) {
  const long n = a.integer(n_at, "n", 0, 1 << 20), count = a.integer(count_at, "count", 0, 1L << 40);
  if ((double)count * n * std::max(n, k) > 4e15) a.range_error("count, n and k are too large: the arrays would need more than 4e15 elements");
  return {n, count};
}

// A solve's operands: the batch's matrices (argument m_at, named m_name) and right-hand sides of k
// columns (argument rhs_at), which the solve writes and so may not share the matrices' memory.
struct SolveOperands {
  long n, count, k;
  const float* matrices;
  float* rhs;
};
SolveOperands solve_operands(const Args& a, size_t m_at, const char* m_name, size_t n_at, size_t count_at, size_t rhs_at, size_t k_at) {
  const long k = a.integer(k_at, "k", 0, 1 << 30);
  const auto [n, count] = matrix_batch(a, n_at, count_at, k);
  const float* m = a.f32(m_at, m_name, count * n * n);
  float* rhs = a.f32(rhs_at, "rhs", count * n * k);
  if (overlap(rhs, count * n * k, m, count * n * n)) {
    a.range_error("rhs (argument " + std::to_string(rhs_at) + ") shares memory with " + m_name + ": the solve writes rhs");
  }
  return {n, count, k, m, rhs};
}

// luFactor(a, n, count, pivots, zeroAt): each of count n x n matrices at a factored in place (P A = L
// U); pivots (Int32Array, count n) the row swapped at each step, zeroAt (Int32Array, count) each
// matrix's first zero pivot or -1.
Napi::Value LuFactor(const Napi::CallbackInfo& info) {
  Args a{info, "luFactor"};
  a.count(5);
  const auto [n, count] = matrix_batch(a, 1, 2);
  float* m = a.f32(0, "a", count * n * n);
  lu_factor(m, (int)n, count, a.i32_of(3, "pivots", count * n), a.i32_of(4, "zeroAt", count));
  return info.Env().Undefined();
}

// luSolve(lu, pivots, n, count, rhs, k): A X = B solved in place in rhs (count n x k blocks) from
// luFactor's factors of each A (none singular).
Napi::Value LuSolve(const Napi::CallbackInfo& info) {
  Args a{info, "luSolve"};
  a.count(6);
  const SolveOperands o = solve_operands(a, 0, "lu", 2, 3, 4, 5);
  const int32_t* piv = a.i32_of(1, "pivots", o.count * o.n);
  // A swap with a row outside the matrix would write outside rhs.
  for (long i = 0; i < o.count * o.n; i++) {
    if (piv[i] < 0 || piv[i] >= o.n) a.range_error("pivots[" + std::to_string(i) + "] is " + std::to_string(piv[i]) + ", outside the matrix's rows [0, " + std::to_string(o.n) + ")");
  }
  lu_solve(o.matrices, piv, (int)o.n, o.count, o.rhs, (int)o.k);
  return info.Env().Undefined();
}

// triSolve(t, n, count, upper, unit, rhs, k): T X = B solved in place in rhs (count n x k blocks),
// T the upper or lower triangle of each n x n matrix at t (unit diagonal when `unit`).
Napi::Value TriSolve(const Napi::CallbackInfo& info) {
  Args a{info, "triSolve"};
  a.count(7);
  const SolveOperands o = solve_operands(a, 0, "t", 1, 2, 5, 6);
  tri_solve(o.matrices, (int)o.n, o.count, a.boolean(3, "upper"), a.boolean(4, "unit"), o.rhs, (int)o.k);
  return info.Env().Undefined();
}

// cholesky(a, n, count, info): each of count n x n matrices at a factored in place from its lower
// triangle, A = L L^T (zeros above the diagonal); info (Int32Array, count) 0 or the order of the
// first leading minor that is not positive-definite.
Napi::Value Cholesky(const Napi::CallbackInfo& info) {
  Args a{info, "cholesky"};
  a.count(4);
  const auto [n, count] = matrix_batch(a, 1, 2);
  float* m = a.f32(0, "a", count * n * n);
  cholesky(m, (int)n, count, a.i32_of(3, "info", count));
  return info.Env().Undefined();
}

// householderQr(a, m, n, count, q, qCols): each of count m x n matrices at a factored in place (R
// above the diagonal, the reflectors below), and Q's first qCols columns (qCols <= m) written to q
// (count m x qCols blocks; q may be empty when qCols is 0).
Napi::Value HouseholderQr(const Napi::CallbackInfo& info) {
  Args a{info, "householderQr"};
  a.count(6);
  const long m = a.integer(1, "m", 0, 1 << 20), n = a.integer(2, "n", 0, 1 << 20), count = a.integer(3, "count", 0, 1L << 40);
  const long q_cols = a.integer(5, "qCols", 0, m);
  if ((double)count * std::max(m, 1L) * std::max(std::max(n, q_cols), 1L) > 4e15) a.range_error("count, m and n are too large: the arrays would need more than 4e15 elements");
  float* x = a.f32(0, "a", count * m * n);
  float* q = a.f32(4, "q", count * m * q_cols);
  if (overlap(q, count * m * q_cols, x, count * m * n)) a.range_error("q (argument 4) shares memory with a: both are written");
  householder_qr(x, (int)m, (int)n, count, q, (int)q_cols);
  return info.Env().Undefined();
}

// fftRows(x, n, count, inverse, plan, out): the unscaled DFT (inverse: its conjugate) of each of count
// rows of n complex numbers at x (interleaved real and imaginary parts, count * n * 2 floats) into
// out, by the plan's tables (a Float64Array of fft_plan_length(n) doubles: fftPlan's).
Napi::Value FftRows(const Napi::CallbackInfo& info) {
  Args a{info, "fftRows"};
  a.count(6);
  const long n = a.integer(1, "n", 0, 1L << 30), count = a.integer(2, "count", 0, 1L << 40);
  if ((double)count * (double)n * 2 > 4e15) a.range_error("count and n are too large: the arrays would need more than 4e15 elements");
  const bool inverse = a.boolean(3, "inverse");
  const float* x = a.f32(0, "x", count * n * 2);
  const double* plan = a.f64(4, "plan", n == 0 ? a.f64_len(4, "plan") : fft_plan_length(n));
  float* out = a.f32(5, "out", count * n * 2);
  if (overlap(out, count * n * 2, x, count * n * 2) && out != x) a.range_error("out (argument 5) overlaps x without being it");
  fft_rows(x, n, count, inverse, plan, out);
  return info.Env().Undefined();
}

// realFftRows(x, n, count, inverse, plan, out, block?, hop?, window?): the one-sided DFT of count rows
// of n (even) reals at x into n / 2 + 1 bins a row at out, or (inverse) of count rows of bins at x
// into n reals a row at out (fft.h real_fft_rows), by realFftPlan(n)'s tables; with block > 0
// (dividing count), each block of rows' bins bins-major; forward, with hop > 0, the rows frames of one
// signal hop apart, and with a window (n floats), each sample times it. Rows of x and out differ in
// length: no overlap.
Napi::Value RealFftRows(const Napi::CallbackInfo& info) {
  Args a{info, "realFftRows"};
  a.count(6);
  const long n = a.integer(1, "n", 0, 1L << 30), count = a.integer(2, "count", 0, 1L << 40);
  if (n % 2 != 0) a.range_error("n must be even, got " + std::to_string(n));
  const long block = info.Length() > 6 && !a.is_null(6) ? a.integer(6, "block", 0, 1L << 40) : 0;
  if (block > 0 && count % block != 0) a.range_error("block (" + std::to_string(block) + ") must divide count (" + std::to_string(count) + ")");
  const long hop = info.Length() > 7 && !a.is_null(7) ? a.integer(7, "hop", 0, 1L << 30) : 0;
  const bool windowed = info.Length() > 8 && !a.is_null(8);
  if ((double)count * (double)(n + 2) > 4e15) a.range_error("count and n are too large: the arrays would need more than 4e15 elements");
  const bool inverse = a.boolean(3, "inverse");
  if (inverse && (hop > 0 || windowed)) a.range_error("hop and window are for the forward transform's frames, not the inverse");
  const long bins = count * (n + 2), reals = count * n;
  // Frames hop apart read (count - 1) hop + n samples of one signal.
  const long samples = hop > 0 ? (count > 0 ? (count - 1) * hop + n : 0) : reals;
  const float* x = a.f32(0, "x", inverse ? bins : samples);
  const float* window = windowed ? a.f32(8, "window", n) : nullptr;
  const double* plan = a.f64(4, "plan", n == 0 ? a.f64_len(4, "plan") : real_fft_plan_length(n));
  float* out = a.f32(5, "out", inverse ? reals : bins);
  if (overlap(out, inverse ? reals : bins, x, inverse ? bins : samples)) a.range_error("out (argument 5) shares memory with x: rows of different lengths cannot be written in place");
  if (window && overlap(out, bins, window, n)) a.range_error("out (argument 5) shares memory with window");
  real_fft_rows(x, n, count, inverse, plan, out, block, hop, window);
  return info.Env().Undefined();
}

// A decomposition's output at argument i: a Float32Array, or a Float64Array for the results not
// rounded to float (eigh.h says why), as T says.
template <class T>
T* outputs(const Args& a, size_t i, const char* name, long len = -1) {
  if constexpr (std::is_same_v<T, double>) return a.f64(i, name, len);
  else return a.f32(i, name, len);
}
template <class T>
size_t outputs_length(const Args& a, size_t i, const char* name) {
  if constexpr (std::is_same_v<T, double>) return a.f64_len(i, name);
  else return a.f32_len(i, name);
}

// svd(a, m, n, count, full, s, u, vt, info): each of count m x n matrices at a decomposed: its
// k = min(m, n) singular values, descending, into s (count k) and, unless u and vt are both empty,
// U's columns into u's m x uCols blocks and V's columns as the rows of vt's vtRows x n blocks (uCols
// and vtRows k, or m and n when `full`); info (Int32Array, count) 1 where the matrix holds a NaN or
// an infinity, 2 where its iteration did not converge. s, u and vt may be Float64Arrays instead (all
// three): the results not rounded to float.
template <class T>
void svd_outputs(const Args& a, const float* x, long m, long n, long count, bool full) {
  const long k = std::min(m, n), u_cols = full ? m : k, vt_rows = full ? n : k;
  T* s = outputs<T>(a, 5, "s", count * k);
  const size_t u_len = outputs_length<T>(a, 6, "u"), vt_len = outputs_length<T>(a, 7, "vt");
  const bool vectors = u_len != 0 || vt_len != 0;
  const long u_want = count * m * u_cols, vt_want = count * vt_rows * n;
  if (vectors && ((long)u_len != u_want || (long)vt_len != vt_want)) {
    a.range_error("u and vt have " + std::to_string(u_len) + " and " + std::to_string(vt_len) + " elements, expected both 0 or " + std::to_string(u_want) + " and " + std::to_string(vt_want));
  }
  T* u = vectors ? outputs<T>(a, 6, "u") : nullptr;
  T* vt = vectors ? outputs<T>(a, 7, "vt") : nullptr;
  const long x_len = count * m * n, s_len = count * k;
  if (overlap(s, s_len, x, x_len) || overlap(u, vectors ? u_want : 0, x, x_len) || overlap(vt, vectors ? vt_want : 0, x, x_len) ||
      overlap(u, vectors ? u_want : 0, s, s_len) || overlap(vt, vectors ? vt_want : 0, s, s_len) || overlap(u, vectors ? u_want : 0, vt, vectors ? vt_want : 0)) {
    a.range_error("a, s, u and vt must not share memory");
  }
  svd(x, (int)m, (int)n, count, full, s, u, vt, a.i32_of(8, "info", count));
}

Napi::Value Svd(const Napi::CallbackInfo& info) {
  Args a{info, "svd"};
  a.count(9);
  const long m = a.integer(1, "m", 0, 1 << 20), n = a.integer(2, "n", 0, 1 << 20), count = a.integer(3, "count", 0, 1L << 40);
  if ((double)count * std::max(std::max(m, n), 1L) * std::max(std::max(m, n), 1L) > 4e15) a.range_error("count, m and n are too large: the arrays would need more than 4e15 elements");
  const bool full = a.boolean(4, "full");
  const float* x = a.f32(0, "a", count * m * n);
  if (a.is_f64(5)) svd_outputs<double>(a, x, m, n, count, full);
  else svd_outputs<float>(a, x, m, n, count, full);
  return info.Env().Undefined();
}

// eigh(a, n, count, upper, values, vectors, info): each of count n x n symmetric matrices at a (its
// lower triangle read, or its upper one when `upper`) decomposed: ascending eigenvalues into values
// (count n), unit eigenvectors as the columns of vectors' n x n blocks (or none when vectors is
// empty), info (Int32Array, count) 0 or 1 where the iteration did not converge. values and vectors
// may be Float64Arrays instead (both): the results not rounded to float.
template <class T>
void eigh_outputs(const Args& a, const float* m, long n, long count, bool upper) {
  T* values = outputs<T>(a, 4, "values", count * n);
  const size_t vectors_len = outputs_length<T>(a, 5, "vectors");
  if (vectors_len != 0 && (long)vectors_len != count * n * n) a.range_error("vectors has " + std::to_string(vectors_len) + " elements, expected 0 or " + std::to_string(count * n * n));
  T* vectors = vectors_len ? outputs<T>(a, 5, "vectors") : nullptr;
  if (overlap(values, count * n, m, count * n * n) || overlap(vectors, vectors ? count * n * n : 0, m, count * n * n) ||
      overlap(vectors, vectors ? count * n * n : 0, values, count * n)) {
    a.range_error("a, values and vectors must not share memory");
  }
  eigh(m, (int)n, count, upper, values, vectors, a.i32_of(6, "info", count));
}

Napi::Value Eigh(const Napi::CallbackInfo& info) {
  Args a{info, "eigh"};
  a.count(7);
  const auto [n, count] = matrix_batch(a, 1, 2);
  const float* m = a.f32(0, "a", count * n * n);
  const bool upper = a.boolean(3, "upper");
  if (a.is_f64(4)) eigh_outputs<double>(a, m, n, count, upper);
  else eigh_outputs<float>(a, m, n, count, upper);
  return info.Env().Undefined();
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args a{info, "unary"};
  a.count(4);
  const int op = (int)a.integer(0, "op", 0, kUnaryCount - 1);
  const size_t n = a.f32_len(1, "x");
  const float* x = a.f32(1, "x");
  float* y = a.f32(2, "out", (long)n);
  unary(op, x, y, n, (float)a.number(3, "p"));
  return info.Env().Undefined();
}

Napi::Value UnaryGrad(const Napi::CallbackInfo& info) {
  Args a{info, "unaryGrad"};
  a.count(6);
  const int op = (int)a.integer(0, "op", 0, kUnaryCount - 1);
  const long n = (long)a.f32_len(3, "gy");
  const float* x = a.f32(1, "x", n);
  const float* y = a.f32(2, "y", n);
  const float* gy = a.f32(3, "gy", n);
  float* gx = a.f32(4, "gx", n);
  unary_grad(op, x, y, gy, gx, (size_t)n, (float)a.number(5, "p"));
  return info.Env().Undefined();
}

// Checks a strided view: nd dims of `shape`, non-negative strides, every offset inside `len`.
void check_view(const Args& a, const char* name, size_t len, const Args::View<int32_t>& strides, const Args::View<int32_t>& shape) {
  if (strides.ElementLength() != shape.ElementLength()) {
    a.range_error(std::string(name) + " strides have " + std::to_string(strides.ElementLength()) + " dims, the shape has " + std::to_string(shape.ElementLength()));
  }
  long max_off = 0;
  bool empty = false;
  for (size_t d = 0; d < shape.ElementLength(); d++) {
    const int32_t sd = shape.Data()[d], st = strides.Data()[d];
    if (sd < 0 || st < 0) a.range_error(std::string(name) + ": negative shape or stride in dim " + std::to_string(d));
    // Each term fits a long (int32 by int32), and so does their sum for any shape that shape_size
    // (called first) accepts: its element count fits one.
    if (sd == 0) empty = true;
    else max_off += (long)(sd - 1) * st;
  }
  if (!empty && (size_t)max_off >= len) {
    a.range_error(std::string(name) + " has " + std::to_string(len) + " elements but the strides reach offset " + std::to_string(max_off));
  }
}

long shape_size(const Args& a, const Args::View<int32_t>& shape) {
  if (shape.ElementLength() > (size_t)kMaxDims) a.range_error("at most " + std::to_string(kMaxDims) + " dimensions are supported");
  const int32_t* sd = shape.Data();
  for (size_t d = 0; d < shape.ElementLength(); d++) if (sd[d] <= 0) return 0;
  // Overflowed, the count could wrap to an output's length while the kernels walk the whole shape.
  long n = 1;
  for (size_t d = 0; d < shape.ElementLength(); d++) {
    if (__builtin_mul_overflow(n, (long)sd[d], &n)) a.range_error("the shape has more elements than an array can hold");
  }
  return n;
}

Napi::Value BiasActGrad(const Napi::CallbackInfo& info) {
  Args a{info, "biasActGrad"};
  a.count(7);
  const int act = (int)a.integer(0, "act", 0, kUnaryCount - 1);
  if (act != kRelu && act != kSigmoid && act != kTanh) a.range_error("act must be relu, sigmoid or tanh (their derivatives read the output), got " + std::to_string(act));
  const long rows = a.integer(4, "rows"), cols = a.integer(5, "cols");
  const float* y = a.f32(1, "y", rows * cols);
  const float* gy = a.f32(2, "gy", rows * cols);
  float* gz = a.f32(3, "gz", rows * cols);
  float* gb = a.is_null(6) ? nullptr : a.f32(6, "gb", cols);
  bias_act_grad(act, y, gy, gz, rows, cols, gb);
  return info.Env().Undefined();
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args a{info, "binary"};
  a.count(7);
  const int op = (int)a.integer(0, "op", 0, kBinaryCount - 1);
  const size_t la = a.f32_len(1, "a"), lb = a.f32_len(3, "b");
  auto sa = a.i32(2, "aStrides");
  auto sb = a.i32(4, "bStrides");
  auto shape = a.i32(6, "shape");
  const long n = shape_size(a, shape);
  float* out = a.f32(5, "out", n);
  check_view(a, "a", la, sa, shape);
  check_view(a, "b", lb, sb, shape);
  if (n == 0) return info.Env().Undefined();
  binary(op, a.f32(1, "a"), sa.Data(), a.f32(3, "b"), sb.Data(), out, shape.Data(), (int)shape.ElementLength());
  return info.Env().Undefined();
}

// Strides under which no two indices of `shape` reach the same element (the threads of a copy
// would race to write it): sorted by stride, each at least the reach of the dims inside it.
void check_disjoint(const Args& a, const char* name, const Args::View<int32_t>& strides, const Args::View<int32_t>& shape) {
  std::pair<long, long> dims[kMaxDims];  // (stride, size) of the dims that step; shape_size capped nd
  int m = 0;
  for (size_t d = 0; d < shape.ElementLength(); d++) if (shape.Data()[d] > 1) dims[m++] = {strides.Data()[d], shape.Data()[d]};
  std::sort(dims, dims + m);
  long reach = 1;  // elements spanned by the dims so far
  for (int k = 0; k < m; k++) {
    const auto [stride, size] = dims[k];
    if (stride < reach) {
      a.range_error(std::string(name) + " strides make two indices write the same element (stride " + std::to_string(stride) +
                    " inside a reach of " + std::to_string(reach) + ")");
    }
    reach = stride * (size - 1) + reach;
  }
}

Napi::Value StridedCopy(const Napi::CallbackInfo& info) {
  Args a{info, "stridedCopy"};
  a.count(4);
  const size_t lx = a.f32_len(0, "x");
  auto sx = a.i32(1, "xStrides");
  auto shape = a.i32(3, "shape");
  const long n = shape_size(a, shape);
  check_view(a, "x", lx, sx, shape);
  // outStrides (optional): out is written through them, any length they stay within.
  const bool scatter = info.Length() > 4 && !a.is_null(4);
  float* out = nullptr;
  const int32_t* so = nullptr;
  if (scatter) {
    auto st = a.i32(4, "outStrides");
    check_view(a, "out", a.f32_len(2, "out"), st, shape);
    check_disjoint(a, "out", st, shape);
    out = a.f32(2, "out");
    so = st.Data();
  } else {
    out = a.f32(2, "out", n);
  }
  if (n == 0) return info.Env().Undefined();
  strided_copy(a.f32(0, "x"), sx.Data(), out, so, shape.Data(), (int)shape.ElementLength());
  return info.Env().Undefined();
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  Args a{info, "axpy"};
  a.count(3);
  const float alpha = (float)a.number(0, "alpha");
  const long n = (long)a.f32_len(1, "x");
  axpy(alpha, a.f32(1, "x"), a.f32(2, "y", n), (size_t)n);
  return info.Env().Undefined();
}

Napi::Value Clamp(const Napi::CallbackInfo& info) {
  Args a{info, "clamp"};
  a.count(4);
  const long n = (long)a.f32_len(0, "x");
  clamp(a.f32(0, "x"), (float)a.number(1, "lo"), (float)a.number(2, "hi"), a.f32(3, "out", n), (size_t)n);
  return info.Env().Undefined();
}

Napi::Value Special(const Napi::CallbackInfo& info) {
  Args a{info, "special"};
  a.count(3);
  const int op = (int)a.integer(0, "op", 0, kSpecialCount - 1);
  const long n = (long)a.f32_len(1, "x");
  special(op, a.f32(1, "x"), a.f32(2, "out", n), (size_t)n);
  return info.Env().Undefined();
}

// pointwise3(op, x, a, b, p, out): pointwise3.h's, every array of x's length; out may be any of them.
Napi::Value Pointwise3(const Napi::CallbackInfo& info) {
  Args a{info, "pointwise3"};
  a.count(6);
  const int op = (int)a.integer(0, "op", 0, kPointwise3Count - 1);
  const long n = (long)a.f32_len(1, "x");
  pointwise3(op, a.f32(1, "x"), a.f32(2, "a", n), a.f32(3, "b", n), (float)a.number(4, "p"), a.f32(5, "out", n), (size_t)n);
  return info.Env().Undefined();
}

Napi::Value Select(const Napi::CallbackInfo& info) {
  Args a{info, "select"};
  a.count(4);
  const long n = (long)a.f32_len(0, "cond");
  select(a.f32(0, "cond"), a.f32(1, "a", n), a.f32(2, "b", n), a.f32(3, "out", n), (size_t)n);
  return info.Env().Undefined();
}

// outer, len, inner as integers whose product is the length of argument `xi`.
void dims3(const Args& a, size_t first, long& outer, long& len, long& inner) {
  outer = a.integer(first, "outer");
  len = a.integer(first + 1, "len");
  inner = a.integer(first + 2, "inner");
  // Past any array's length, and far from where a long product would wrap around.
  if ((double)outer * (double)len * (double)inner > 0x1p48) a.range_error("outer * len * inner is too large");
}

// The indices of indexRows(Grad), each checked to be in [0, len): the kernels write where they point.
const int32_t* row_indices(const Args& a, size_t i, long outer, long len, long inner, long& count) {
  auto index = a.i32(i, "index");
  count = (long)index.ElementLength();
  if ((double)outer * (double)count * (double)inner > 0x1p48) a.range_error("outer * index length * inner is too large");
  const int32_t* idx = index.Data();
  for (long k = 0; k < count; k++) {
    if (idx[k] < 0 || idx[k] >= len)
      a.range_error("index[" + std::to_string(k) + "] = " + std::to_string(idx[k]) + " is out of range [0, " + std::to_string(len) + ")");
  }
  return idx;
}

Napi::Value IndexRows(const Napi::CallbackInfo& info) {
  Args a{info, "indexRows"};
  a.count(6);
  long outer, len, inner, count;
  dims3(a, 1, outer, len, inner);
  const float* x = a.f32(0, "x", outer * len * inner);
  const int32_t* idx = row_indices(a, 4, outer, len, inner, count);
  float* out = a.f32(5, "out", outer * count * inner);
  index_rows(x, outer, len, inner, idx, count, out);
  return info.Env().Undefined();
}

Napi::Value IndexRowsGrad(const Napi::CallbackInfo& info) {
  Args a{info, "indexRowsGrad"};
  a.count(7);
  long outer, len, inner, count;
  dims3(a, 1, outer, len, inner);
  const int32_t* idx = row_indices(a, 4, outer, len, inner, count);
  const float* gy = a.f32(0, "gy", outer * count * inner);
  float* gx = a.f32(5, "gx", outer * len * inner);
  const int32_t skip = (int32_t)a.integer(6, "skip", -1);
  index_rows_grad(gy, outer, len, inner, idx, count, gx, skip);
  return info.Env().Undefined();
}

// taps(x, outer, len, inner, index, weight, k, out) and tapsGrad(gy, outer, len, inner, index, weight,
// k, gx): taps.h's kernels; index and weight k entries per output position, each index in [0, len).
Napi::Value TapsCall(const Napi::CallbackInfo& info, bool grad) {
  Args a{info, grad ? "tapsGrad" : "taps"};
  a.count(8);
  long outer, len, inner;
  dims3(a, 1, outer, len, inner);
  const long k = a.integer(6, "k", 1);
  long count;
  const int32_t* index = row_indices(a, 4, outer, len, inner, count);
  if (count % k != 0) a.range_error("index has " + std::to_string(count) + " entries, not a multiple of k = " + std::to_string(k));
  // The gradient's counting sort of the taps holds their numbers as int32s.
  if (count > 2147483647L) a.range_error("index has " + std::to_string(count) + " entries, more than 2^31 - 1");
  const long m = count / k;
  const float* weight = a.f32(5, "weight", count);
  const long n_x = outer * len * inner, n_y = outer * m * inner;
  const float* in = a.f32(0, grad ? "gy" : "x", grad ? n_y : n_x);
  float* out = a.f32(7, grad ? "gx" : "out", grad ? n_x : n_y);
  if (overlap(out, grad ? n_x : n_y, in, grad ? n_y : n_x) || overlap(out, grad ? n_x : n_y, weight, count)) {
    a.range_error(std::string(grad ? "gx" : "out") + " (argument 7) shares memory with an input");
  }
  if (grad) weighted_taps_grad(in, outer, len, inner, index, weight, k, m, out);
  else weighted_taps(in, outer, len, inner, index, weight, k, m, out);
  return info.Env().Undefined();
}
Napi::Value Taps(const Napi::CallbackInfo& info) { return TapsCall(info, false); }
Napi::Value TapsGrad(const Napi::CallbackInfo& info) { return TapsCall(info, true); }

// scatterFold(src, where, op, out): index_rows.h's scatter_fold, every position checked first.
Napi::Value ScatterFold(const Napi::CallbackInfo& info) {
  Args a{info, "scatterFold"};
  a.count(4);
  auto where = a.i32(1, "where");
  const long count = (long)where.ElementLength();
  const float* src = a.f32(0, "src", count);
  const int op = (int)a.integer(2, "op", 0, 4);
  const auto out_view = a.typed<float, napi_float32_array>(3, "out", "Float32Array");
  float* out = out_view.Data();
  const long n = (long)out_view.ElementLength();
  const int32_t* w = where.Data();
  for (long e = 0; e < count; e++) {
    if (w[e] < 0 || w[e] >= n) a.range_error("where[" + std::to_string(e) + "] = " + std::to_string(w[e]) + " is not in [0, " + std::to_string(n) + ")");
  }
  if (overlap(out, n, src, count)) a.range_error("out (argument 3) shares memory with src");
  scatter_fold(src, w, count, op, out);
  return info.Env().Undefined();
}

// countBins(x, weights | null, bins): index_rows.h's count_bins; -1, or the first bad element's position.
Napi::Value CountBins(const Napi::CallbackInfo& info) {
  Args a{info, "countBins"};
  a.count(3);
  const long count = (long)a.f32_len(0, "x");
  const float* weights = a.is_null(1) ? nullptr : a.f32(1, "weights", count);
  const long n = (long)a.f32_len(2, "bins");
  float* bins = a.f32(2, "bins", n);
  if (overlap(bins, n, a.f32(0, "x"), count) || (weights && overlap(bins, n, weights, count))) a.range_error("bins (argument 2) shares memory with x or weights");
  return Napi::Number::New(info.Env(), (double)count_bins(a.f32(0, "x"), weights, count, bins, n));
}

// distinct(x, values, inverse): index_rows.h's distinct; the number of distinct values.
Napi::Value Distinct(const Napi::CallbackInfo& info) {
  Args a{info, "distinct"};
  a.count(3);
  const long count = (long)a.f32_len(0, "x");
  const float* x = a.f32(0, "x");
  if ((long)a.f32_len(1, "values") < count) a.range_error("values has " + std::to_string(a.f32_len(1, "values")) + " elements, fewer than x's " + std::to_string(count));
  float* values = a.f32(1, "values");
  auto inverse = a.i32(2, "inverse");
  if ((long)inverse.ElementLength() != count) a.range_error("inverse has " + std::to_string(inverse.ElementLength()) + " elements, expected " + std::to_string(count));
  if (overlap(values, count, x, count)) a.range_error("values (argument 1) shares memory with x");
  return Napi::Number::New(info.Env(), (double)distinct(x, count, values, inverse.Data()));
}

// The N int32s of the Int32Array `arg` at argument i, each at least its entry of `lows`, or an error
// naming the entry (`owner` is the argument's possessive: "geom's", "dims'").
template <size_t N>
std::array<long, N> sizes_at(const Args& a, size_t i, const char* arg, const char* owner, const char* const (&names)[N], const long (&lows)[N]) {
  auto v = a.i32(i, arg);
  if (v.ElementLength() != N) a.range_error(std::string(arg) + " has " + std::to_string(v.ElementLength()) + " elements, expected " + std::to_string(N));
  std::array<long, N> f;
  for (size_t k = 0; k < N; k++) {
    f[k] = v.Data()[k];
    if (f[k] < lows[k]) a.range_error(std::string(owner) + " " + names[k] + " must be at least " + std::to_string(lows[k]) + ", got " + std::to_string(f[k]));
  }
  return f;
}

// The window geometry at argument i (IMAGE_GEOMETRY's fourteen int32s), each in its range, and the
// sizes it implies far from where a long product would wrap around.
ImageGeometry image_geometry(const Args& a, size_t i) {
  static const char* const names[14] = {"n", "c", "h", "w", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "oh", "ow"};
  // Kernel, stride and dilation at least 1; the rest at least 0.
  static const long lows[14] = {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0};
  const auto f = sizes_at(a, i, "geom", "geom's", names, lows);
  const ImageGeometry g{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13]};
  if ((double)g.n * g.c * g.h * g.w > 0x1p48 || (double)g.n * g.c * g.oh * g.ow * g.kh * g.kw > 0x1p48) a.range_error("geom's sizes are too large");
  return g;
}

// The geometry at argument 1 and the channel range [c0, c0 + cg) at arguments 2 and 3 (inside the
// geometry's c) of imageRows, imageColumns and their gradients.
struct ImageCall {
  ImageGeometry g;
  long c0, cg;
};
ImageCall image_call(const Args& a) {
  ImageCall call{image_geometry(a, 1), a.integer(2, "c0"), a.integer(3, "cg")};
  if (call.c0 + call.cg > call.g.c)
    a.range_error("channels c0 + cg = " + std::to_string(call.c0 + call.cg) + " exceed the geometry's c = " + std::to_string(call.g.c));
  return call;
}

Napi::Value ImageRows(const Napi::CallbackInfo& info) {
  Args a{info, "imageRows"};
  a.count(6);
  const auto [g, c0, cg] = image_call(a);
  const float pad = (float)a.number(4, "pad");
  const float* x = a.f32(0, "x", g.n * g.c * g.h * g.w);
  float* rows = a.f32(5, "rows", g.n * g.oh * g.ow * cg * g.kh * g.kw);
  image_rows(x, g, c0, cg, pad, rows);
  return info.Env().Undefined();
}

// imageRowsGrad and imageColumnsGrad: the windows' gradient (as rows or as columns, the same count
// of floats) summed back into gx.
Napi::Value windows_grad(const Napi::CallbackInfo& info, const char* name, const char* windows_name,
                         void (*kernel)(const float*, const ImageGeometry&, long, long, float*)) {
  Args a{info, name};
  a.count(5);
  const auto [g, c0, cg] = image_call(a);
  const float* windows = a.f32(0, windows_name, g.n * g.oh * g.ow * cg * g.kh * g.kw);
  float* gx = a.f32(4, "gx", g.n * g.c * g.h * g.w);
  kernel(windows, g, c0, cg, gx);
  return info.Env().Undefined();
}

Napi::Value ImageRowsGrad(const Napi::CallbackInfo& info) { return windows_grad(info, "imageRowsGrad", "rows", image_rows_grad); }

Napi::Value ImageColumns(const Napi::CallbackInfo& info) {
  Args a{info, "imageColumns"};
  a.count(5);
  const auto [g, c0, cg] = image_call(a);
  const float* x = a.f32(0, "x", g.n * g.c * g.h * g.w);
  float* cols = a.f32(4, "cols", g.n * cg * g.kh * g.kw * g.oh * g.ow);
  image_columns(x, g, c0, cg, cols);
  return info.Env().Undefined();
}

Napi::Value ImageColumnsGrad(const Napi::CallbackInfo& info) { return windows_grad(info, "imageColumnsGrad", "cols", image_columns_grad); }

// The depth windows at argument i (DEPTH_GEOMETRY's six int32s), each in its range.
DepthGeometry depth_geometry(const Args& a, size_t i) {
  static const char* const names[6] = {"d", "kd", "sd", "pd", "dd", "od"};
  static const long lows[6] = {0, 1, 1, 0, 1, 0};  // kernel, stride and dilation at least 1
  const auto f = sizes_at(a, i, "depthGeom", "depthGeom's", names, lows);
  return DepthGeometry{f[0], f[1], f[2], f[3], f[4], f[5]};
}

// gemmWindows(transA, transB, m, n, k, alpha, a, x, geom, c0, cg, beta, c[, depthGeom]): gemm(transA,
// transB, m, n, k, alpha, a, B, beta, c) with B imageColumns(x, geom, c0, cg) for the one image x
// (geom's n is 1), stored [cg kh kw, oh ow]; with depthGeom (or null) x is a volume [c, d, h, w] and B
// its windows in depth too, [cg kd kh kw, od oh ow]. The columns are made as B is packed, never whole
// in memory.
Napi::Value GemmWindows(const Napi::CallbackInfo& info) {
  Args a{info, "gemmWindows"};
  if (info.Length() != 13 && info.Length() != 14) a.range_error("expected 13 or 14 arguments, got " + std::to_string(info.Length()));
  GemmCall g;
  g.trans_a = a.boolean(0, "transA");
  g.trans_b = a.boolean(1, "transB");
  const long m = a.integer(2, "m"), n = a.integer(3, "n"), k = a.integer(4, "k");
  const ImageGeometry geom = image_geometry(a, 8);
  if (geom.n != 1) a.range_error("geom's n must be 1 (the windows of one image), got " + std::to_string(geom.n));
  const DepthGeometry dg = info.Length() == 14 && !a.is_null(13) ? depth_geometry(a, 13) : kFlat;
  const long c0 = a.integer(9, "c0"), cg = a.integer(10, "cg");
  if (c0 + cg > geom.c) a.range_error("channels c0 + cg = " + std::to_string(c0 + cg) + " exceed the geometry's c = " + std::to_string(geom.c));
  const double depth = (double)cg * dg.kd * geom.kh * geom.kw, plane = (double)dg.od * geom.oh * geom.ow;
  const double image = (double)geom.c * dg.d * geom.h * geom.w;
  if (depth * plane > 0x1p48 || image > 0x1p48) a.range_error("the geometry's sizes are too large");
  if ((double)(g.trans_b ? n : k) != depth || (double)(g.trans_b ? k : n) != plane) {
    const std::string rows = std::to_string((long)depth), cols = std::to_string((long)plane);
    a.range_error(std::string(dg.kd == 1 && dg.d == 1 ? "the windows are [cg kh kw, oh ow] = [" : "the windows are [cg kd kh kw, od oh ow] = [") + rows +
                  ", " + cols + "], so op(B) is " + (g.trans_b ? "[" + cols + ", " + rows : "[" + rows + ", " + cols) +
                  "], but k x n is " + std::to_string(k) + " x " + std::to_string(n));
  }
  g.m = (int)m, g.n = (int)n, g.k = (int)k;
  g.alpha = (float)a.number(5, "alpha");
  g.a = a.f32(6, "a", m * k);
  g.b = nullptr;
  const float* x = a.f32(7, "x", (long)image);
  g.beta = (float)a.number(11, "beta");
  g.c = a.f32(12, "c", m * n);
  g.bias = nullptr;
  g.act = 0;
  g.gate = nullptr;
  g.gate_act = 0;
  if (overlap(g.c, m * n, x, (long)image) || overlap(g.c, m * n, g.a, m * k)) a.range_error("c must not overlap a or x");
  const ImageWindows windows{x, &geom, &dg, c0};
  g.b_windows = &windows;
  sgemm(g);
  return info.Env().Undefined();
}

// gridSample's sizes at argument 3 ([n, c, h, w, ho, wo], the input at least 1 x 1) and its mode,
// padding mode and alignCorners after them: gridSample(x, grid, out, dims, mode, padding, align) and
// gridSampleGrad(gy, x, grid, dims, mode, padding, align, gx, ggrid).
struct GridCall {
  GridGeometry g;
  int mode, padding;
  bool align;
  long image, grid, out;  // the input's, the grid's and the output's lengths (and their gradients')
};
GridCall grid_call(const Args& a) {
  static const char* const names[6] = {"n", "c", "h", "w", "ho", "wo"};
  static const long lows[6] = {0, 0, 1, 1, 0, 0};
  const auto f = sizes_at(a, 3, "dims", "dims'", names, lows);
  const GridGeometry g{f[0], f[1], f[2], f[3], f[4], f[5]};
  if ((double)g.n * g.c * g.h * g.w > 0x1p48 || (double)g.n * (g.c + 2) * g.ho * g.wo > 0x1p48) a.range_error("dims' sizes are too large");
  return {g, (int)a.integer(4, "mode", 0, 1), (int)a.integer(5, "padding", 0, 2), a.boolean(6, "alignCorners"),
          g.n * g.c * g.h * g.w, g.n * g.ho * g.wo * 2, g.n * g.c * g.ho * g.wo};
}

Napi::Value GridSample(const Napi::CallbackInfo& info) {
  Args a{info, "gridSample"};
  a.count(7);
  const GridCall call = grid_call(a);
  const float* x = a.f32(0, "x", call.image);
  const float* grid = a.f32(1, "grid", call.grid);
  float* out = a.f32(2, "out", call.out);
  grid_sample(x, grid, call.g, call.mode, call.padding, call.align, out);
  return info.Env().Undefined();
}

Napi::Value GridSampleGrad(const Napi::CallbackInfo& info) {
  Args a{info, "gridSampleGrad"};
  a.count(9);
  const GridCall call = grid_call(a);
  const float* gy = a.f32(0, "gy", call.out);
  const float* x = a.f32(1, "x", call.image);
  const float* grid = a.f32(2, "grid", call.grid);
  float* gx = a.is_null(7) ? nullptr : a.f32(7, "gx", call.image);
  float* ggrid = a.is_null(8) ? nullptr : a.f32(8, "ggrid", call.grid);
  grid_sample_grad(gy, x, grid, call.g, call.mode, call.padding, call.align, gx, ggrid);
  return info.Env().Undefined();
}

// maxPool2d(x, geom, out, indices), and maxPool3d(x, geom, depthGeom, out, indices) with the depth
// windows between: x [n, c, (d,) h, w], out and indices [n, c, (od,) oh, ow].
Napi::Value MaxPool(const Napi::CallbackInfo& info, bool three) {
  Args a{info, three ? "maxPool3d" : "maxPool2d"};
  a.count(three ? 5 : 4);
  const ImageGeometry g = image_geometry(a, 1);
  const DepthGeometry dg = three ? depth_geometry(a, 2) : kFlat;
  const size_t k = three ? 3 : 2;  // out's argument
  const double volume = (double)dg.d * g.h * g.w, outs = (double)dg.od * g.oh * g.ow;
  // The indices are offsets in x, as int32.
  if ((double)g.n * g.c * volume > 2147483647.0) a.range_error(three ? "x has more than 2^31 - 1 elements (geom's n * c * h * w times depthGeom's d)" : "x has more than 2^31 - 1 elements (geom's n * c * h * w)");
  if ((double)g.n * g.c * outs * dg.kd > 0x1p48) a.range_error("the geometry's sizes are too large");
  const float* x = a.f32(0, "x", (long)(g.n * g.c * volume));
  float* out = a.f32(k, "out", (long)(g.n * g.c * outs));
  auto idx = a.i32(k + 1, "indices");
  if ((double)idx.ElementLength() != (double)g.n * g.c * outs) a.range_error("indices has " + std::to_string(idx.ElementLength()) + " elements, expected " + std::to_string((long)(g.n * g.c * outs)));
  if (three) max_pool3d(x, g, dg, out, idx.Data());
  else max_pool2d(x, g, out, idx.Data());
  return info.Env().Undefined();
}
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) { return MaxPool(info, false); }
Napi::Value MaxPool3d(const Napi::CallbackInfo& info) { return MaxPool(info, true); }

// avgPool(x, geom, bounds, divisor, out) and avgPoolGrad(gy, geom, bounds, divisor, gx): avg_pool.h's
// kernels; geom AVG_POOL_GEOMETRY's eight int32s, bounds each side's windows as [start, end) pairs
// inside the input, divisor one per output position or (geom's bySide) one per window of each side.
Napi::Value AvgPoolCall(const Napi::CallbackInfo& info, bool grad) {
  Args a{info, grad ? "avgPoolGrad" : "avgPool"};
  a.count(5);
  static const char* const names[8] = {"planes", "d", "h", "w", "od", "oh", "ow", "bySide"};
  static const long lows[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const auto f = sizes_at(a, 1, "geom", "geom's", names, lows);
  if (f[7] > 1) a.range_error("geom's bySide must be 0 or 1, got " + std::to_string(f[7]));
  const PoolWindows g{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7] == 1};
  const double volume = (double)g.planes * g.d * g.h * g.w, outs = (double)g.planes * g.od * g.oh * g.ow;
  if (volume > 0x1p48 || outs > 0x1p48) a.range_error("geom's sizes are too large");
  auto bounds = a.i32(2, "bounds");
  const long sides[3] = {g.d, g.h, g.w}, counts[3] = {g.od, g.oh, g.ow};
  if ((long)bounds.ElementLength() != 2 * (g.od + g.oh + g.ow)) {
    a.range_error("bounds has " + std::to_string(bounds.ElementLength()) + " elements, expected " + std::to_string(2 * (g.od + g.oh + g.ow)) + " (a pair per output depth, row and column)");
  }
  const int32_t* pair = bounds.Data();
  static const char* const side_names[3] = {"depth", "row", "column"};
  for (int s = 0; s < 3; s++) {
    for (long k = 0; k < counts[s]; k++, pair += 2) {
      if (pair[0] < 0 || pair[0] > pair[1] || pair[1] > sides[s]) {
        a.range_error(std::string("bounds' ") + side_names[s] + " window " + std::to_string(k) + " [" + std::to_string(pair[0]) + ", " + std::to_string(pair[1]) +
                      ") is not inside [0, " + std::to_string(sides[s]) + ")");
      }
    }
  }
  const long divisors = g.by_side ? g.od + g.oh + g.ow : g.od * g.oh * g.ow;
  const float* divisor = a.f32(3, "divisor", divisors);
  const long n_in = grad ? (long)outs : (long)volume, n_out = grad ? (long)volume : (long)outs;
  const float* in = a.f32(0, grad ? "gy" : "x", n_in);
  float* out = a.f32(4, grad ? "gx" : "out", n_out);
  if (overlap(out, n_out, in, n_in) || overlap(out, n_out, divisor, divisors)) a.range_error(std::string(grad ? "gx" : "out") + " (argument 4) shares memory with an input");
  (grad ? avg_pool_grad : avg_pool)(in, g, bounds.Data(), divisor, out);
  return info.Env().Undefined();
}
Napi::Value AvgPool(const Napi::CallbackInfo& info) { return AvgPoolCall(info, false); }
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) { return AvgPoolCall(info, true); }

// The geometry at argument `at` and the channel multiplier after it of a depthwise convolution call.
struct DepthwiseCall {
  ImageGeometry g;
  long m;
};
DepthwiseCall depthwise_call(const Args& a, size_t at) {
  DepthwiseCall call{image_geometry(a, at), a.integer(at + 1, "multiplier", 1)};
  const ImageGeometry& g = call.g;
  if ((double)g.n * g.c * call.m * g.oh * g.ow * g.kh * g.kw > 0x1p48 || (double)g.c * call.m * g.kh * g.kw > 0x1p48) a.range_error("geom's sizes are too large");
  return call;
}

Napi::Value DepthwiseConv2d(const Napi::CallbackInfo& info) {
  Args a{info, "depthwiseConv2d"};
  a.count(5);
  const auto [g, m] = depthwise_call(a, 1);
  const float* x = a.f32(0, "x", g.n * g.c * g.h * g.w);
  const float* w = a.f32(3, "weight", g.c * m * g.kh * g.kw);
  float* out = a.f32(4, "out", g.n * g.c * m * g.oh * g.ow);
  depthwise_conv2d(x, g, w, m, out);
  return info.Env().Undefined();
}

// A recurrent cell call's rows and h (arguments i and i + 1), up to 4 gates' count within an int32.
std::pair<long, long> cell_dims(const Args& a, size_t i) {
  const long rows = a.integer(i, "rows"), h = a.integer(i + 1, "h");
  if ((double)rows * 4.0 * (double)h > 2147483647.0) a.range_error("rows * 4 * h is past 2^31 - 1");
  return {rows, h};
}

// lstmCell(gates, c, rows, h, act, cOut, tanhC, hOut)
Napi::Value LstmCell(const Napi::CallbackInfo& info) {
  Args a{info, "lstmCell"};
  a.count(8);
  const auto [rows, h] = cell_dims(a, 2);
  const float* gates = a.f32(0, "gates", rows * 4 * h);
  const float* c = a.f32(1, "c", rows * h);
  float* act = a.f32(4, "act", rows * 4 * h);
  float* c_out = a.f32(5, "cOut", rows * h);
  float* tanh_c = a.f32(6, "tanhC", rows * h);
  float* h_out = a.f32(7, "hOut", rows * h);
  lstm_cell(gates, c, rows, h, act, c_out, tanh_c, h_out);
  return info.Env().Undefined();
}

// lstmCellGrad(act, c, tanhC, gh, gc, rows, h, gGates, gcPrev)
Napi::Value LstmCellGrad(const Napi::CallbackInfo& info) {
  Args a{info, "lstmCellGrad"};
  a.count(9);
  const auto [rows, h] = cell_dims(a, 5);
  const float* act = a.f32(0, "act", rows * 4 * h);
  const float* c = a.f32(1, "c", rows * h);
  const float* tanh_c = a.f32(2, "tanhC", rows * h);
  const float* gh = a.f32(3, "gh", rows * h);
  const float* gc = a.f32(4, "gc", rows * h);
  float* g_gates = a.f32(7, "gGates", rows * 4 * h);
  float* gc_prev = a.f32(8, "gcPrev", rows * h);
  lstm_cell_grad(act, c, tanh_c, gh, gc, rows, h, g_gates, gc_prev);
  return info.Env().Undefined();
}

// gruCell(xp, hp, hPrev, rows, h, act, hOut)
Napi::Value GruCell(const Napi::CallbackInfo& info) {
  Args a{info, "gruCell"};
  a.count(7);
  const auto [rows, h] = cell_dims(a, 3);
  const float* xp = a.f32(0, "xp", rows * 3 * h);
  const float* hp = a.f32(1, "hp", rows * 3 * h);
  const float* h_prev = a.f32(2, "hPrev", rows * h);
  float* act = a.f32(5, "act", rows * 3 * h);
  float* h_out = a.f32(6, "hOut", rows * h);
  gru_cell(xp, hp, h_prev, rows, h, act, h_out);
  return info.Env().Undefined();
}

// gruCellGrad(act, hp, hPrev, gh, rows, h, gXp, gHp, gHPrev)
Napi::Value GruCellGrad(const Napi::CallbackInfo& info) {
  Args a{info, "gruCellGrad"};
  a.count(9);
  const auto [rows, h] = cell_dims(a, 4);
  const float* act = a.f32(0, "act", rows * 3 * h);
  const float* hp = a.f32(1, "hp", rows * 3 * h);
  const float* h_prev = a.f32(2, "hPrev", rows * h);
  const float* gh = a.f32(3, "gh", rows * h);
  float* g_xp = a.f32(6, "gXp", rows * 3 * h);
  float* g_hp = a.f32(7, "gHp", rows * 3 * h);
  float* g_h_prev = a.f32(8, "gHPrev", rows * h);
  gru_cell_grad(act, hp, h_prev, gh, rows, h, g_xp, g_hp, g_h_prev);
  return info.Env().Undefined();
}

Napi::Value DepthwiseConv2dGradInput(const Napi::CallbackInfo& info) {
  Args a{info, "depthwiseConv2dGradInput"};
  a.count(5);
  const auto [g, m] = depthwise_call(a, 1);
  const float* gy = a.f32(0, "gy", g.n * g.c * m * g.oh * g.ow);
  const float* w = a.f32(3, "weight", g.c * m * g.kh * g.kw);
  float* gx = a.f32(4, "gx", g.n * g.c * g.h * g.w);
  depthwise_conv2d_grad_input(gy, g, w, m, gx);
  return info.Env().Undefined();
}

Napi::Value DepthwiseConv2dGradWeight(const Napi::CallbackInfo& info) {
  Args a{info, "depthwiseConv2dGradWeight"};
  a.count(5);
  const auto [g, m] = depthwise_call(a, 2);
  const float* gy = a.f32(0, "gy", g.n * g.c * m * g.oh * g.ow);
  const float* x = a.f32(1, "x", g.n * g.c * g.h * g.w);
  float* gw = a.f32(4, "gw", g.c * m * g.kh * g.kw);
  depthwise_conv2d_grad_weight(gy, x, g, m, gw);
  return info.Env().Undefined();
}

Napi::Value Gather(const Napi::CallbackInfo& info) {
  Args a{info, "gather"};
  a.count(7);
  auto ishape = a.i32(2, "indexShape");
  auto xshape = a.i32(3, "xShape");
  const long nd = (long)ishape.ElementLength();
  if (nd < 1 || nd > kMaxDims || (long)xshape.ElementLength() != nd)
    a.range_error("indexShape and xShape must have the same number of dimensions, 1 to " + std::to_string(kMaxDims));
  const int dim = (int)a.integer(4, "dim", 0, nd - 1);
  double isize = 1, xsize = 1;
  for (long i = 0; i < nd; i++) {
    const int32_t is = ishape.Data()[i], xs = xshape.Data()[i];
    if (is < 0 || xs < 0) a.range_error("shapes must not be negative");
    if (i != dim && is > xs) a.range_error("indexShape[" + std::to_string(i) + "] = " + std::to_string(is) + " is larger than xShape's " + std::to_string(xs));
    isize *= is;
    xsize *= xs;
  }
  // Positions are int32, as the Int32Array that holds them.
  if (xsize > 2147483647.0) a.range_error("x has more than 2^31 - 1 elements");
  const float* x = a.f32(0, "x", (long)xsize);
  const float* index = a.f32(1, "index", (long)isize);
  float* out = a.is_null(5) ? nullptr : a.f32(5, "out", (long)isize);
  int32_t* where = nullptr;
  if (!a.is_null(6)) {
    auto w = a.i32(6, "where");
    if ((double)w.ElementLength() != isize) a.range_error("where must have as many elements as index");
    where = w.Data();
  }
  if (isize > 0 && xshape.Data()[dim] == 0) return Napi::Number::New(info.Env(), 0);  // nothing to point at
  return Napi::Number::New(info.Env(), (double)gather(x, index, ishape.Data(), xshape.Data(), (int)nd, dim, out, where));
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Args a{info, "reduce"};
  a.count(7);
  const int op = (int)a.integer(0, "op", 0, 4);
  long outer, len, inner;
  dims3(a, 2, outer, len, inner);
  if (len < 1 && is_extreme(op)) a.range_error("len must be at least 1 for max and min (an empty one has no value)");
  const float* x = a.f32(1, "x", outer * len * inner);
  float* out = a.f32(5, "out", outer * inner);
  int32_t* arg = nullptr;
  if (!a.is_null(6)) {
    auto ar = a.i32(6, "argOut");
    if ((long)ar.ElementLength() != outer * inner) a.range_error("argOut must have outer * inner elements");
    arg = ar.Data();
  }
  if (len == 0) {
    // Reductions over nothing, as PyTorch and the reference backend give them: sums are 0, a mean
    // is 0 / 0.
    std::fill(out, out + outer * inner, op == kReduceMean ? std::numeric_limits<float>::quiet_NaN() : 0.0f);
    return info.Env().Undefined();
  }
  reduce(op, x, outer, len, inner, out, arg);
  return info.Env().Undefined();
}

Napi::Value Variance(const Napi::CallbackInfo& info) {
  Args a{info, "variance"};
  a.count(7);
  long outer, len, inner;
  dims3(a, 1, outer, len, inner);
  const double correction = a.number(4, "correction");
  if (!(correction >= 0.0 && std::isfinite(correction))) a.range_error("correction must be a non-negative number, got " + std::to_string(correction));
  const bool take_sqrt = a.boolean(5, "takeSqrt");
  const float* x = a.f32(0, "x", outer * len * inner);
  float* out = a.f32(6, "out", outer * inner);
  // Each thread reads its own slices whole before writing: an out over x would change another's.
  if (overlap(out, outer * inner, x, outer * len * inner)) a.range_error("out must not overlap x");
  variance(x, outer, len, inner, correction, take_sqrt, out);
  return info.Env().Undefined();
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Args a{info, "softmax"};
  a.count(6);
  long outer, len, inner;
  dims3(a, 1, outer, len, inner);
  const float* x = a.f32(0, "x", outer * len * inner);
  float* y = a.f32(4, "out", outer * len * inner);
  softmax(x, outer, len, inner, y, a.boolean(5, "log"));
  return info.Env().Undefined();
}

Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info) {
  Args a{info, "softmaxGrad"};
  a.count(7);
  long outer, len, inner;
  dims3(a, 2, outer, len, inner);
  const long n = outer * len * inner;
  softmax_grad(a.f32(0, "y", n), a.f32(1, "gy", n), outer, len, inner, a.f32(5, "gx", n), a.boolean(6, "log"));
  return info.Env().Undefined();
}

// crossEntropy and its gradient share one argument layout: (rows x cols input, rows, cols,
// targetIndex | null, targetProb | null, smoothing, per-row array, rows x cols output).
struct CrossEntropyArgs {
  long rows, cols;
  const float* in;
  const int32_t* ti = nullptr;
  const float* tp = nullptr;
  float smoothing;
  float* per_row;
  float* out;
};

CrossEntropyArgs cross_entropy_args(const Args& a, const char* in_name, const char* row_name, const char* out_name) {
  a.count(8);
  CrossEntropyArgs c{};
  c.rows = a.integer(1, "rows");
  c.cols = a.integer(2, "cols", 1);
  c.in = a.f32(0, in_name, c.rows * c.cols);
  if (!a.is_null(3)) {
    auto t = a.i32(3, "targetIndex");
    if ((long)t.ElementLength() != c.rows) a.range_error("targetIndex has " + std::to_string(t.ElementLength()) + " elements, expected " + std::to_string(c.rows));
    const int32_t* td = t.Data();
    for (long r = 0; r < c.rows; r++) {
      if (td[r] < 0 || td[r] >= c.cols) a.range_error("target class index " + std::to_string(td[r]) + " at row " + std::to_string(r) + " is out of range [0, " + std::to_string(c.cols) + ")");
    }
    c.ti = td;
  } else if (!a.is_null(4)) {
    c.tp = a.f32(4, "targetProb", c.rows * c.cols);
  } else {
    a.range_error("one of targetIndex or targetProb must be given");
  }
  c.smoothing = (float)a.number(5, "smoothing");
  c.per_row = a.f32(6, row_name, c.rows);
  c.out = a.f32(7, out_name, c.rows * c.cols);
  return c;
}

Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  const CrossEntropyArgs c = cross_entropy_args(Args{info, "crossEntropy"}, "logits", "lossOut", "prob");
  cross_entropy(c.in, c.rows, c.cols, c.ti, c.tp, c.smoothing, c.per_row, c.out);
  return info.Env().Undefined();
}

Napi::Value CrossEntropyGrad(const Napi::CallbackInfo& info) {
  const CrossEntropyArgs c = cross_entropy_args(Args{info, "crossEntropyGrad"}, "prob", "rowScale", "gx");
  cross_entropy_grad(c.in, c.rows, c.cols, c.ti, c.tp, c.smoothing, c.per_row, c.out);
  return info.Env().Undefined();
}

Napi::Value OptimStep(const Napi::CallbackInfo& info) {
  Args a{info, "optimStep"};
  a.count(6);
  auto hv = a.typed<double, napi_float64_array>(0, "hyper", "Float64Array (packHyper)");
  if (hv.ElementLength() != kHyperFieldCount) a.range_error("hyper has " + std::to_string(hv.ElementLength()) + " fields, expected " + std::to_string(kHyperFieldCount));
  const OptimHyper h = unpack_hyper(hv.Data());
  if (h.kind < 0 || h.kind >= kOptimKindCount) a.range_error("unknown optimizer kind " + std::to_string(h.kind));
  if (!(h.step >= 1)) a.range_error("hyper.step must be at least 1");

  const napi_value lists[5] = {info[1], info[2], info[3], info[4], info[5]};
  const std::vector<ParamSlot> slots = read_optim_slots(info.Env(), lists, h, [&](int l, bool type_error, const std::string& what) {
    if (type_error) a.type_error(1 + l, kOptimListNames[l], what);
    a.range_error(what);
  });
  optim_step(h, slots);
  return info.Env().Undefined();
}

// sumSquares(xs) and sumAbs(xs): one sum over a list of Float32Arrays.
Napi::Value SumOverArrays(const Napi::CallbackInfo& info, const char* name,
                          double (*sum)(const std::vector<std::pair<const float*, size_t>>&)) {
  Args a{info, name};
  a.count(1);
  const uint32_t count = a.array_length(0, "xs");
  std::vector<std::pair<const float*, size_t>> xs;
  for (uint32_t t = 0; t < count; t++) xs.push_back(a.f32_entry(0, "xs", t));
  return Napi::Number::New(info.Env(), sum(xs));
}
Napi::Value SumSquares(const Napi::CallbackInfo& info) { return SumOverArrays(info, "sumSquares", sum_squares); }
Napi::Value SumAbs(const Napi::CallbackInfo& info) { return SumOverArrays(info, "sumAbs", sum_abs); }

// runningFold(op, x, outer, len, inner, out, reverse) and products(x, outer, len, inner, out):
// reduce.h's running_fold (cumsum, cumprod, logcumsumexp) and products (prod) of x as [outer, len, inner].
Napi::Value RunningFold(const Napi::CallbackInfo& info) {
  Args a{info, "runningFold"};
  a.count(7);
  const int op = (int)a.integer(0, "op", 0, kFoldCount - 1);
  long outer, len, inner;
  dims3(a, 2, outer, len, inner);
  const long n = outer * len * inner;
  const float* x = a.f32(1, "x", n);
  float* out = a.f32(5, "out", n);
  if (overlap(out, n, x, n) && out != x) a.range_error("out (argument 5) overlaps x without being it");
  running_fold(op, x, outer, len, inner, out, a.boolean(6, "reverse"));
  return info.Env().Undefined();
}

// runningPicks(x, outer, len, inner, largest, at): reduce.h's running_picks.
Napi::Value RunningPicks(const Napi::CallbackInfo& info) {
  Args a{info, "runningPicks"};
  a.count(6);
  long outer, len, inner;
  dims3(a, 1, outer, len, inner);
  const long n = outer * len * inner;
  const float* x = a.f32(0, "x", n);
  float* at = a.f32(5, "at", n);
  if (overlap(at, n, x, n)) a.range_error("at (argument 5) shares memory with x");
  running_picks(x, outer, len, inner, a.boolean(4, "largest"), at);
  return info.Env().Undefined();
}

Napi::Value Products(const Napi::CallbackInfo& info) {
  Args a{info, "products"};
  a.count(5);
  long outer, len, inner;
  dims3(a, 1, outer, len, inner);
  const float* x = a.f32(0, "x", outer * len * inner);
  float* out = a.f32(4, "out", outer * inner);
  if (overlap(out, outer * inner, x, outer * len * inner)) a.range_error("out (argument 4) shares memory with x");
  products(x, outer, len, inner, out);
  return info.Env().Undefined();
}

// distances(x1, x2, batch, rows1, rows2, cols, p, out) and distancesGrad(x1, x2, dist, g, batch,
// rows1, rows2, cols, p, gx1, gx2): distances.h's cdist kernels; p 1, 2 or Infinity.
// The shape, p and inputs x1, x2 (arguments 0, 1) that both read: the shape from argument `at`, p at `p_at`.
struct DistanceCall {
  long batch, rows1, rows2, cols;
  int p;  // 1, 2, or 0 for Infinity
  long n1, n2, no;  // x1's, x2's and the distances' sizes
  const float *x1, *x2;
};
DistanceCall distance_call(const Args& a, size_t at, size_t p_at) {
  const long top = 1L << 40;
  DistanceCall d{a.integer(at, "batch", 0, top), a.integer(at + 1, "rows1", 0, top), a.integer(at + 2, "rows2", 0, top), a.integer(at + 3, "cols", 0, top), 0, 0, 0, 0, nullptr, nullptr};
  for (double n : {(double)d.batch * d.rows1 * d.cols, (double)d.batch * d.rows2 * d.cols, (double)d.batch * d.rows1 * d.rows2})
    if (n > 4e15) a.range_error("batch, rows1, rows2 and cols are too large");
  const double p = a.number(p_at, "p");
  if (p != 1 && p != 2 && p != INFINITY) a.range_error("p must be 1, 2 or Infinity, got " + std::to_string(p));
  d.p = p == INFINITY ? 0 : (int)p;
  d.n1 = d.batch * d.rows1 * d.cols, d.n2 = d.batch * d.rows2 * d.cols, d.no = d.batch * d.rows1 * d.rows2;
  d.x1 = a.f32(0, "x1", d.n1);
  d.x2 = a.f32(1, "x2", d.n2);
  return d;
}

Napi::Value Distances(const Napi::CallbackInfo& info) {
  Args a{info, "distances"};
  a.count(8);
  const DistanceCall d = distance_call(a, 2, 6);
  float* out = a.f32(7, "out", d.no);
  if (overlap(out, d.no, d.x1, d.n1) || overlap(out, d.no, d.x2, d.n2)) a.range_error("out (argument 7) shares memory with x1 or x2");
  distances(d.x1, d.x2, d.batch, d.rows1, d.rows2, d.cols, d.p, out);
  return info.Env().Undefined();
}

Napi::Value DistancesGrad(const Napi::CallbackInfo& info) {
  Args a{info, "distancesGrad"};
  a.count(11);
  const DistanceCall d = distance_call(a, 4, 8);
  const float* dist = a.f32(2, "dist", d.no);
  const float* g = a.f32(3, "g", d.no);
  float* gx1 = a.f32(9, "gx1", d.n1);
  float* gx2 = a.f32(10, "gx2", d.n2);
  for (const auto& [read, len] : {std::pair<const float*, long>{d.x1, d.n1}, {d.x2, d.n2}, {dist, d.no}, {g, d.no}})
    if (overlap(gx1, d.n1, read, len) || overlap(gx2, d.n2, read, len)) a.range_error("gx1 and gx2 (arguments 9, 10) must not share memory with x1, x2, dist or g");
  if (overlap(gx1, d.n1, gx2, d.n2)) a.range_error("gx1 and gx2 (arguments 9, 10) share memory");
  distances_grad(d.x1, d.x2, dist, g, d.batch, d.rows1, d.rows2, d.cols, d.p, gx1, gx2);
  return info.Env().Undefined();
}

// sortOrder(x, outer, len, inner, descending, k, out): sort.h's sort_order, the first k positions
// of each row's stable order into out [outer, k, inner].
Napi::Value SortOrder(const Napi::CallbackInfo& info) {
  Args a{info, "sortOrder"};
  a.count(7);
  long outer, len, inner;
  dims3(a, 1, outer, len, inner);
  const long k = a.integer(5, "k", 0, len);
  const float* x = a.f32(0, "x", outer * len * inner);
  float* out = a.f32(6, "out", outer * k * inner);
  if (overlap(out, outer * k * inner, x, outer * len * inner)) a.range_error("out (argument 6) shares memory with x");
  sort_order(x, outer, len, inner, a.boolean(4, "descending"), k, out);
  return info.Env().Undefined();
}

// sumProducts(x, y): the sum of x[i] y[i] in double (L-BFGS's dot products).
Napi::Value SumProducts(const Napi::CallbackInfo& info) {
  Args a{info, "sumProducts"};
  a.count(2);
  const size_t n = a.f32_len(0, "x");
  return Napi::Number::New(info.Env(), sum_products(a.f32(0, "x"), a.f32(1, "y", (long)n), n));
}

// A Float32Array of exactly len elements at argument i, or null there.
float* f32_or_null(const Args& a, size_t i, const char* name, long len) { return a.is_null(i) ? nullptr : a.f32(i, name, len); }

Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Args a{info, "layerNorm"};
  a.count(9);
  const long rows = a.integer(1, "rows"), cols = a.integer(2, "cols");
  if ((double)rows * (double)cols > 0x1p48) a.range_error("rows * cols is too large");
  const double eps = a.number(5, "eps");
  if (!(eps > 0)) a.range_error("eps must be positive, got " + std::to_string(eps));
  layer_norm(a.f32(0, "x", rows * cols), rows, cols, f32_or_null(a, 3, "w", cols), f32_or_null(a, 4, "b", cols), (float)eps,
             a.f32(6, "y", rows * cols), a.f32(7, "mean", rows), a.f32(8, "rstd", rows));
  return info.Env().Undefined();
}

Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  Args a{info, "layerNormGrad"};
  a.count(10);
  const long rows = a.integer(2, "rows"), cols = a.integer(3, "cols");
  if ((double)rows * (double)cols > 0x1p48) a.range_error("rows * cols is too large");
  layer_norm_grad(a.f32(0, "gy", rows * cols), a.f32(1, "x", rows * cols), rows, cols, f32_or_null(a, 4, "w", cols),
                  a.f32(5, "mean", rows), a.f32(6, "rstd", rows), a.f32(7, "gx", rows * cols), f32_or_null(a, 8, "gw", cols),
                  f32_or_null(a, 9, "gb", cols));
  return info.Env().Undefined();
}

// x viewed as [n, c, l]: its three sizes, checked at arguments i..i+2.
struct ChannelView {
  long n, c, l, size;
};
ChannelView channel_view(const Args& a, size_t i) {
  const long n = a.integer(i, "n"), c = a.integer(i + 1, "c", 1), l = a.integer(i + 2, "l", 1);
  if ((double)n * (double)c * (double)l > 0x1p48) a.range_error("n * c * l is too large");
  return {n, c, l, n * c * l};
}

Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Args a{info, "batchNorm"};
  a.count(12);
  const ChannelView v = channel_view(a, 1);
  const double eps = a.number(6, "eps");
  if (!(eps > 0)) a.range_error("eps must be positive, got " + std::to_string(eps));
  const float* x = a.f32(0, "x", v.size);
  float* y = a.f32(8, "y", v.size);
  // y holds the squared deviations while x is still read.
  if (overlap(y, v.size, x, v.size)) a.range_error("y must not overlap x");
  batch_norm(x, v.n, v.c, v.l, f32_or_null(a, 4, "w", v.c), f32_or_null(a, 5, "b", v.c), (float)eps, a.boolean(7, "batchStats"), y,
             a.f32(9, "mean", v.c), a.f32(10, "variance", v.c), a.f32(11, "rstd", v.c));
  return info.Env().Undefined();
}

Napi::Value BatchNormGrad(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormGrad"};
  a.count(12);
  const ChannelView v = channel_view(a, 2);
  const float* gy = a.f32(0, "gy", v.size);
  const float* x = a.f32(1, "x", v.size);
  float* gx = a.f32(9, "gx", v.size);
  // gx holds gy xhat while gy and x are still read.
  if (overlap(gx, v.size, gy, v.size) || overlap(gx, v.size, x, v.size)) a.range_error("gx must not overlap gy or x");
  batch_norm_grad(gy, x, v.n, v.c, v.l, f32_or_null(a, 5, "w", v.c), a.f32(6, "mean", v.c), a.f32(7, "rstd", v.c), a.boolean(8, "batchStats"),
                  gx, f32_or_null(a, 10, "gw", v.c), f32_or_null(a, 11, "gb", v.c));
  return info.Env().Undefined();
}

// The four words of lib/random.ts's generator, passed as argument i (advanced in place by the caller).
uint32_t* rng_words(const Args& a, size_t i) {
  uint32_t* w = a.u32(i, "rng", 4);
  // xoshiro128** never leaves the all-zero state: it would draw zeros for ever, and normalFill,
  // which draws again after a zero, would never return.
  if ((w[0] | w[1] | w[2] | w[3]) == 0) a.range_error("rng is all zeros, a state the generator never leaves (seed it: manualSeed)");
  return w;
}

Napi::Value DropoutMask(const Napi::CallbackInfo& info) {
  Args a{info, "dropoutMask"};
  a.count(3);
  const long n = (long)a.f32_len(0, "mask");
  const double p = a.number(1, "p");
  if (!(p >= 0.0 && p <= 1.0)) a.range_error("p must be in [0, 1], got " + std::to_string(p));
  dropout_mask(a.f32(0, "mask"), n, p, rng_words(a, 2));
  return info.Env().Undefined();
}

Napi::Value UniformFill(const Napi::CallbackInfo& info) {
  Args a{info, "uniformFill"};
  a.count(4);
  const long n = (long)a.f32_len(0, "out");
  uniform_fill(a.f32(0, "out"), n, a.number(1, "low"), a.number(2, "span"), rng_words(a, 3));
  return info.Env().Undefined();
}

Napi::Value NormalFill(const Napi::CallbackInfo& info) {
  Args a{info, "normalFill"};
  a.count(5);
  const long n = (long)a.f32_len(0, "out");
  const double mean = a.number(1, "mean"), std = a.number(2, "std");
  uint32_t* rng = rng_words(a, 3);
  normal_fill(a.f32(0, "out"), n, mean, std, rng, a.f64(4, "spare", 1));
  return info.Env().Undefined();
}

// The normal fill's radius, cosine and sine of draws k[] and j[] in double, at the active set's
// vector width: for the tests, which compare them bit for bit with lib/normal_math.ts's.
Napi::Value NormalParts(const Napi::CallbackInfo& info) {
  Args a{info, "normalParts"};
  a.count(5);
  auto k = a.typed<uint32_t, napi_uint32_array>(0, "k", "Uint32Array");
  auto j = a.typed<uint32_t, napi_uint32_array>(1, "j", "Uint32Array");
  const size_t n = k.ElementLength();
  if (j.ElementLength() != n) a.range_error("j has " + std::to_string(j.ElementLength()) + " elements, k " + std::to_string(n));
  double* out[3];
  const char* names[3] = {"radius", "cos", "sin"};
  for (size_t i = 0; i < 3; i++) {
    auto o = a.typed<double, napi_float64_array>(2 + i, names[i], "Float64Array");
    if (o.ElementLength() != n) a.range_error(std::string(names[i]) + " has " + std::to_string(o.ElementLength()) + " elements, k " + std::to_string(n));
    out[i] = o.Data();
  }
  for (size_t i = 0; i < n; i++) {
    if (k.Data()[i] < 1 || k.Data()[i] >= (1u << 24)) a.range_error("k[" + std::to_string(i) + "] is " + std::to_string(k.Data()[i]) + ", not in [1, 2^24)");
    if (j.Data()[i] >= (1u << 24)) a.range_error("j[" + std::to_string(i) + "] is " + std::to_string(j.Data()[i]) + ", not in [0, 2^24)");
  }
  active_random_forms().parts(k.Data(), j.Data(), (long)n, out[0], out[1], out[2]);
  return info.Env().Undefined();
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Args a{info, "setNumThreads"};
  a.count(1);
  ThreadPool::instance().set_threads((int)a.integer(0, "n", 1, 256));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ThreadPool::instance().threads());
}

// The pool's paces (see ThreadPool::run_parts), read and set by the thread tests.
Napi::Value PoolPaces(const Napi::CallbackInfo& info) {
  const std::vector<double> paces = ThreadPool::instance().paces();
  Napi::Array out = Napi::Array::New(info.Env(), paces.size());
  for (size_t t = 0; t < paces.size(); t++) out.Set((uint32_t)t, Napi::Number::New(info.Env(), paces[t]));
  return out;
}

Napi::Value SetPoolPaces(const Napi::CallbackInfo& info) {
  Args a{info, "setPoolPaces"};
  a.count(1);
  if (!info[0].IsArray()) a.type_error(0, "paces", "must be an array of numbers");
  const Napi::Array list = info[0].As<Napi::Array>();
  std::vector<double> paces(list.Length());
  for (uint32_t t = 0; t < list.Length(); t++) {
    const Napi::Value v = list.Get(t);
    paces[t] = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
    if (!(paces[t] > 0) || !std::isfinite(paces[t])) a.type_error(0, "paces", "must hold positive finite numbers");
  }
  ThreadPool::instance().set_paces(paces);
  return info.Env().Undefined();
}

// Which thread ran each of `chunks` pieces of parallel_each (0: the calling thread, 1: another),
// each chunk busy for `micros`: the thread tests check that every thread runs one contiguous run.
Napi::Value ChunkOwners(const Napi::CallbackInfo& info) {
  Args a{info, "chunkOwners"};
  a.count(2);
  const long chunks = a.integer(0, "chunks", 1, 4096);
  const long micros = a.integer(1, "micros", 0, 10000);
  std::vector<int32_t> owner((size_t)chunks, -1);
  const std::thread::id caller = std::this_thread::get_id();
  parallel_each((size_t)chunks, [&](size_t c) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
    while (std::chrono::steady_clock::now() < until) {
    }
    owner[c] = std::this_thread::get_id() == caller ? 0 : 1;
  });
  Napi::Int32Array out = Napi::Int32Array::New(info.Env(), (size_t)chunks);
  std::copy(owner.begin(), owner.end(), out.Data());
  return out;
}

Napi::Value TuneAllocator(const Napi::CallbackInfo& info) {
  Args a{info, "tuneAllocator"};
  a.count(2);
  const long mmap_threshold = a.integer(0, "mmapThreshold", 0, 1L << 30);
  const long trim_threshold = a.integer(1, "trimThreshold", 0, 1L << 30);
  return Napi::Boolean::New(info.Env(), tune_allocator((size_t)mmap_threshold, (size_t)trim_threshold));
}

Napi::Value PinThread(const Napi::CallbackInfo& info) {
  Args a{info, "pinThread"};
  a.count(1);
  return Napi::Boolean::New(info.Env(), pin_current_thread((int)a.integer(0, "cpu", -1, 1023)));
}

// Readies a new ArrayBuffer to be tensor storage (lib/storage.ts), before anything touches it: asks
// for 2 MiB pages when it is 32 MiB or more (runtime/allocator.cc says why), and returns where its
// memory starts relative to a 64-byte cache line (its address modulo 64), so that large tensors
// start on a line and the GEMM's 64-byte rows of C are never split across two lines (malloc'd
// buffers start 16 bytes past one).
Napi::Value PrepareStorage(const Napi::CallbackInfo& info) {
  Args a{info, "prepareStorage"};
  a.count(1);
  void* data = nullptr;
  size_t len = 0;
  if (napi_get_arraybuffer_info(info.Env(), info[0], &data, &len) != napi_ok) a.type_error(0, "buffer", "must be an ArrayBuffer");
  advise_huge_pages(data, len);
  return Napi::Number::New(info.Env(), (double)(reinterpret_cast<uintptr_t>(data) % 64));
}

Napi::Value KernelSet(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), active_kernels().name);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const struct { const char* name; Napi::Function::Callback fn; } table[] = {
      {"gemm", Gemm}, {"gemmPair", GemmPair}, {"linearChain", LinearChain}, {"gemmBatch", GemmBatch}, {"luFactor", LuFactor}, {"luSolve", LuSolve}, {"triSolve", TriSolve}, {"cholesky", Cholesky}, {"householderQr", HouseholderQr}, {"eigh", Eigh}, {"svd", Svd}, {"fftRows", FftRows}, {"realFftRows", RealFftRows}, {"unary", Unary}, {"unaryGrad", UnaryGrad}, {"biasActGrad", BiasActGrad}, {"binary", Binary},
      {"stridedCopy", StridedCopy}, {"axpy", Axpy}, {"select", Select}, {"special", Special}, {"pointwise3", Pointwise3}, {"clamp", Clamp}, {"reduce", Reduce}, {"variance", Variance}, {"softmax", Softmax},
      {"softmaxGrad", SoftmaxGrad}, {"crossEntropy", CrossEntropy}, {"crossEntropyGrad", CrossEntropyGrad},
      {"optimStep", OptimStep}, {"runningFold", RunningFold}, {"runningPicks", RunningPicks}, {"products", Products}, {"distances", Distances}, {"distancesGrad", DistancesGrad}, {"sortOrder", SortOrder}, {"sumSquares", SumSquares}, {"sumAbs", SumAbs}, {"sumProducts", SumProducts}, {"dropoutMask", DropoutMask}, {"uniformFill", UniformFill}, {"normalFill", NormalFill}, {"normalParts", NormalParts}, {"layerNorm", LayerNorm},
      {"layerNormGrad", LayerNormGrad}, {"batchNorm", BatchNorm}, {"batchNormGrad", BatchNormGrad},
      {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads}, {"kernelSet", KernelSet}, {"trainEpoch", TrainEpoch},
      {"distHasGloo", DistHasGloo}, {"distConnect", DistConnect}, {"distAllReduce", DistAllReduce},
      {"distBroadcast", DistBroadcast}, {"distBarrier", DistBarrier}, {"distDestroy", DistDestroy},
      {"distAllReduceNow", DistAllReduceNow}, {"distBroadcastNow", DistBroadcastNow}, {"distAllGather", DistAllGather}, {"distAllGatherNow", DistAllGatherNow},
      {"tuneAllocator", TuneAllocator}, {"pinThread", PinThread}, {"prepareStorage", PrepareStorage},
      {"poolPaces", PoolPaces}, {"setPoolPaces", SetPoolPaces}, {"chunkOwners", ChunkOwners}, {"indexRows", IndexRows}, {"indexRowsGrad", IndexRowsGrad}, {"scatterFold", ScatterFold}, {"countBins", CountBins}, {"distinct", Distinct}, {"taps", Taps}, {"tapsGrad", TapsGrad},
      {"imageRows", ImageRows}, {"imageRowsGrad", ImageRowsGrad}, {"imageColumns", ImageColumns}, {"imageColumnsGrad", ImageColumnsGrad}, {"gemmWindows", GemmWindows}, {"gridSample", GridSample}, {"gridSampleGrad", GridSampleGrad}, {"maxPool2d", MaxPool2d}, {"maxPool3d", MaxPool3d}, {"avgPool", AvgPool}, {"avgPoolGrad", AvgPoolGrad},
      {"depthwiseConv2d", DepthwiseConv2d}, {"depthwiseConv2dGradInput", DepthwiseConv2dGradInput}, {"depthwiseConv2dGradWeight", DepthwiseConv2dGradWeight},
      {"gather", Gather}, {"lstmCell", LstmCell}, {"lstmCellGrad", LstmCellGrad},
      {"gruCell", GruCell}, {"gruCellGrad", GruCellGrad},
  };
  for (const auto& e : table) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  InitFit(env);
  return exports;
}

}  // namespace
}  // namespace bp

// NODE_API_MODULE needs an unqualified name.
static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return bp::Init(env, exports); }
NODE_API_MODULE(backprop_native, InitAddon)

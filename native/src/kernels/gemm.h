// SGEMM: C = act(alpha * op(A) op(B) + beta * C + bias), row-major, BLIS-style.
#pragma once

#include "../runtime/line_vector.h"
#include "image.h"

namespace bp {

// A GEMM operand that is not in memory: the columns of one image (image_columns' block for channels
// c0 on of the image x, B stored [cg kh kw, oh ow]; a volume's with dg, image.h's window_row), made as
// they are packed.
struct ImageWindows {
  const float* x;
  const ImageGeometry* g;
  const DepthGeometry* dg;
  long c0;
};

// One product, and then the gate.
// op(A) is m x k (A stored k x m when trans_a); op(B) is k x n (B stored n x k when trans_b).
// bias (length n, may be null) and act (a UnaryOp) are applied once, after the full K sum. gate
// (m x n like C, may be null) then multiplies each element by the derivative of gate_act (relu,
// sigmoid or tanh) read from it: the backward of the activation whose output gate is, applied while
// C's tile is in cache (the input gradient of layer l + 1 becomes the pre-activation gradient of l).
struct GemmCall {
  bool trans_a, trans_b;
  int m, n, k;
  float alpha;
  const float* a;
  const float* b;
  float beta;
  float* c;
  const float* bias;
  int act;
  const float* gate;
  int gate_act;
  // When set, B is these columns (b is not read): the tiles pack them straight from the image, the
  // other paths make them whole first. The same bits as image_columns then sgemm.
  const ImageWindows* b_windows = nullptr;
};

void sgemm(const GemmCall& g);

// sgemm on the calling thread alone (the same bits): for callers already running one task of a pool
// run, such as a batch of factorizations cut across the threads.
void sgemm_one_thread(const GemmCall& g);

// The packed panels of A and B. Each thread packs into buffers of its own, made on its first
// product and kept. A thread that runs products only now and then lends buffers it keeps elsewhere
// while an object of UsePackBuffers lives: fit's epoch, on whichever of libuv's workers takes the
// call, packs into its kept scratch's buffers, where each worker faulted in its own on its first
// call: ~420 pages (1.7 MB) for W3, whose one-batch fit() took 6-12 ms more on each of libuv's four
// workers the first time (23-28 ms against 15-18 at one thread, 18-20 against ~10 at two).
struct PackBuffers {
  LineVector a, b;
};
class UsePackBuffers {
 public:
  explicit UsePackBuffers(PackBuffers& lent);
  ~UsePackBuffers();
  UsePackBuffers(const UsePackBuffers&) = delete;
  UsePackBuffers& operator=(const UsePackBuffers&) = delete;

 private:
  PackBuffers* previous_;
};

// Two independent products (neither reads what the other writes: a layer's input and weight
// gradients), each computed exactly as sgemm computes it. With two threads and products within 10%
// of each other's work, each runs whole on a thread of its own (see gemm.cc); otherwise one after
// the other.
void sgemm_pair(const GemmCall& p, const GemmCall& q);

// `batch` independent products of one shape, C_i = op(A_i) op(B_i) (alpha 1, beta 0, no bias or
// activation), A_i at g.a + i m k, B_i at g.b + i k n, C_i at g.c + i m n: a batched matrix product
// (attention's heads). Products too small to thread run one per thread, a contiguous run of the
// batch each; larger ones one after the other on every thread. Each product's bits are sgemm's.
void sgemm_batch(const GemmCall& g, int batch);

}  // namespace bp

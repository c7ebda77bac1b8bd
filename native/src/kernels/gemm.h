// SGEMM: C = act(alpha * op(A) op(B) + beta * C + bias), row-major, BLIS-style.
#pragma once

namespace bp {

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
};

void sgemm(const GemmCall& g);

// Two independent products (neither reads what the other writes: a layer's input and weight
// gradients), each computed exactly as sgemm computes it. With two threads and products within 10%
// of each other's work, each runs whole on a thread of its own (see gemm.cc); otherwise one after
// the other.
void sgemm_pair(const GemmCall& p, const GemmCall& q);

}  // namespace bp

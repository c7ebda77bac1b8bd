// SGEMM: C = act(alpha * op(A) op(B) + beta * C + bias), row-major, BLIS-style.
#pragma once

namespace bp {

// op(A) is m x k (A stored k x m when trans_a); op(B) is k x n (B stored n x k when trans_b).
// bias (length n, may be null) and act (a UnaryOp) are applied once, after the full K sum.
void sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, const float* b,
           float beta, float* c, const float* bias, int act);

}  // namespace bp

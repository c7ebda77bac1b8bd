// Cholesky factorization (LAPACK's potrf, lower): A = L L^T for symmetric positive-definite matrices.
#pragma once

#include <cstdint>

namespace bp {

// Factors each of `count` n x n matrices at a (back to back) in place from its lower triangle: L on
// and below the diagonal, zeros above. info[i]: 0, or the order (1-based) of matrix i's first
// leading minor that is not positive-definite (its factor then incomplete).
void cholesky(float* a, int n, long count, int32_t* info);

}  // namespace bp

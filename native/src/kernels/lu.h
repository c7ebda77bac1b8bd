// LU factorization with partial pivoting (LAPACK's getrf) and the triangular solves after it (getrs),
// for square row-major float32 matrices, one or a batch.
#pragma once

#include <cstdint>

namespace bp {

// Factors each of `count` n x n matrices at a (back to back) in place: P A = L U, L's unit diagonal
// not stored. pivots[i n + j]: the row (0-based, >= j) swapped with row j at step j. zero_at[i]: the
// first step of matrix i whose pivot was exactly zero (singular), or -1.
void lu_factor(float* a, int n, long count, int32_t* pivots, int32_t* zero_at);

// Solves A X = B in place for each of `count` right-hand sides rhs (n x k each, back to back), given
// A's factors from lu_factor (no zero pivot: U's diagonal divides).
void lu_solve(const float* lu, const int32_t* pivots, int n, long count, float* rhs, int k);

}  // namespace bp

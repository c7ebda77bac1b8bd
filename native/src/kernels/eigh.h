// Eigenvalues and eigenvectors of real symmetric matrices.
#pragma once

#include <cstdint>

namespace bp {

// For each of `count` n x n symmetric matrices at a (back to back; its lower triangle read, or its
// upper one when `upper`): the eigenvalues in ascending order into values (count x n) and, when
// vectors is not null, the matching unit eigenvectors as the columns of each n x n block of vectors.
// info[i]: 0, or 1 when matrix i's iteration did not converge (a NaN or an infinity in it).
void eigh(const float* a, int n, long count, bool upper, float* values, float* vectors, int32_t* info);
// The same, the results not rounded to float: the doubles the parity tests compare with the
// reference twin's bit for bit (float outputs hide a reordering that moves a double by an ulp).
void eigh(const float* a, int n, long count, bool upper, double* values, double* vectors, int32_t* info);

}  // namespace bp

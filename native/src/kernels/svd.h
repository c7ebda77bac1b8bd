// Singular value decompositions of real matrices.
#pragma once

#include <cstdint>

namespace bp {

// For each of `count` m x n matrices at a (back to back): the k = min(m, n) singular values in
// descending order into s (count x k) and, when u and vt are not null, the singular vectors: U's
// columns into each m x u_cols block of u and V's columns as the rows of each vt_rows x n block of
// vt, where u_cols and vt_rows are k (reduced) or m and n (`full`: the columns past k complete an
// orthonormal basis). info[i]: 0; 1 when matrix i holds a NaN or an infinity; 2 when its QR
// iteration did not converge.
void svd(const float* a, int m, int n, long count, bool full, float* s, float* u, float* vt, int32_t* info);
// The same, the results not rounded to float (see eigh.h).
void svd(const float* a, int m, int n, long count, bool full, double* s, double* u, double* vt, int32_t* info);

}  // namespace bp

// QR factorization by Householder reflections (LAPACK's geqrf and orgqr).
#pragma once

namespace bp {

// For each of `count` m x n matrices at a (back to back): factors it in place, R on and above the
// diagonal and each reflector's vector below it (LAPACK's layout, its leading 1 not stored), and,
// when q_cols > 0, writes Q's first q_cols columns (q_cols <= m; min(m, n) for the reduced Q, m for
// the complete one) to q (count blocks of m x q_cols). A = Q R.
void householder_qr(float* a, int m, int n, long count, float* q, int q_cols);

}  // namespace bp

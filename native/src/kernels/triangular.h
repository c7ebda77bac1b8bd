// Triangular solves and the pieces the dense factorizations (lu.cc, cholesky.cc) share: blocks of
// row-major matrices, products through sgemm, and a batch of matrices cut across the pool.
#pragma once

#include <algorithm>
#include <cstdint>

#include "../runtime/thread_pool.h"

namespace bp {

// Solves T X = B in place for each of `count` right-hand sides rhs (n x k each, back to back),
// T the upper or the lower triangle of each n x n matrix at t (the other triangle not read), its
// diagonal taken as ones when `unit`.
void tri_solve(const float* t, int n, long count, bool upper, bool unit, float* rhs, int k);

namespace dense {

// Widths at or below this are factored and solved element by element, the rest recursively in
// halves. One thread, LU of n = 128 / 500 / 1000, ms (two alternated rounds, the addon called in a
// loop): 8: 0.08-0.11 / 1.2-1.6 / 8.2-8.3, 16: 0.06-0.08 / 1.06 / 6.5-7.9, 32: 0.06-0.08 / 1.65-1.67 / 6.8-9.1.
constexpr int kBase = 16;

// A block of a row-major matrix: element (i, j) at p[i * ld + j].
struct Block {
  float* p;
  long ld;
  float* at(long i, long j) const { return p + i * ld + j; }
  Block sub(long i, long j) const { return {at(i, j), ld}; }
};

// C -= A op(B) for blocks C (m x n), A (m x k) and B (k x n, or n x k stored when trans_b), through
// sgemm on contiguous copies: on every thread of the pool when `threaded`, else on the calling one.
void sub_product(Block c, Block a, Block b, int m, int n, int k, bool trans_b, bool threaded);

// B = L^-1 B for the lower triangle L (w x w; unit diagonal when `unit`) and B (w x q).
void solve_lower(Block l, Block b, int w, int q, bool unit, bool threaded);

// B = U^-1 B for the upper triangle U (w x w; unit diagonal when `unit`) and B (w x q).
void solve_upper(Block u, Block b, int w, int q, bool unit, bool threaded);

// Runs f(i, threaded) for each matrix i < count: a lone matrix with its products on every thread, a
// batch cut across the pool by matrices with each product on its own thread (the same bits either
// way: a product's result does not depend on its thread count).
template <class F>
void each_matrix(long count, const F& f) {
  ThreadPool& pool = ThreadPool::instance();
  if (count == 1 || pool.threads() == 1) {
    for (long i = 0; i < count; i++) f(i, count == 1);
    return;
  }
  pool.run_parts((size_t)count, (size_t)pool.threads(), [&](size_t, size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; i++) f((long)i, false);
  });
}

// Right-hand sides wider than this are solved in blocks of this many columns (each column's solve
// is independent of the others'), the blocks cut across the pool with each block's products on its
// own thread: a block's bits do not depend on where it runs, so they are the same at any thread
// count. A lone matrix's solve otherwise threads its products alone, while the element-by-element
// base and the copies run on one thread (inv at n = 1024: 23.4 ms at one thread, 22.1 at two).
constexpr int kSolveColumns = 256;

// Runs f(c0, c1, threaded) over column blocks [c0, c1) of k right-hand sides: one block of all k
// (with `threaded` as given) up to kSolveColumns, else blocks of kSolveColumns spread over the pool
// when `threaded` (each with threaded false).
template <class F>
void each_column_block(int k, bool threaded, const F& f) {
  if (k <= kSolveColumns) {
    f(0, k, threaded);
    return;
  }
  const size_t blocks = ((size_t)k + kSolveColumns - 1) / kSolveColumns;
  const auto run = [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; b++) f((int)b * kSolveColumns, std::min(k, (int)(b + 1) * kSolveColumns), false);
  };
  ThreadPool& pool = ThreadPool::instance();
  if (threaded && pool.threads() > 1) pool.run_parts(blocks, (size_t)pool.threads(), [&](size_t, size_t b0, size_t b1) { run(b0, b1); });
  else run(0, blocks);
}

}  // namespace dense
}  // namespace bp

// Reductions along one dimension of an [outer, len, inner] view, and the fused sum of squares.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace bp {

enum ReduceOp : int { kReduceSum = 0, kReduceMean = 1, kReduceMax = 2, kReduceSumSquares = 3, kReduceMin = 4 };
// Max and min keep an index (reduce's arg) and stop at the first NaN.
inline bool is_extreme(int op) { return op == kReduceMax || op == kReduceMin; }

// Sums of squares along contiguous runs (inner 1) take each square exactly in double and add them in
// sum_squares' lanes, rounded once (a norm's); along strided ones, in float in order.
void reduce(int op, const float* x, long outer, long len, long inner, float* out, int32_t* arg);
// Called by column_sums with row l and columns [j0, j1) before it adds them: where a fused pass
// writes the part of the row about to be summed.
using RowHook = std::function<void(long l, long j0, long j1)>;
// out[j] = the sum (with mean, the mean) of x[l * cols + j] over the rows l, threaded, in an order
// fixed by the shape alone: reduce's column sums and the bias gradient's (bias_act_grad), which
// must give the same bits. before_row, when set, runs before each piece of a row is summed.
void column_sums(const float* x, long rows, long cols, float* out, bool mean, const RowHook& before_row);
// The folds of running_fold: the same numbers as `RunningFold` in lib/backend/backend.ts.
enum RunningFoldOp : int { kFoldSum = 0, kFoldProduct, kFoldLogAddExp, kFoldCount };
// Running folds of x as [outer, len, inner] along len (last to first when `reverse`) into out, each
// accumulated in double from the fold's identity and rounded to float when written: cumsum's (torch's
// arithmetic), cumprod's and logcumsumexp's.
void running_fold(int op, const float* x, long outer, long len, long inner, float* out, bool reverse);
// Where the running maximum (minimum: largest false) along len of x as [outer, len, inner] was
// reached, as floats into at (x's size): the latest of equal values; from a NaN on, the latest NaN
// (torch.cummax's and cummin's indices).
void running_picks(const float* x, long outer, long len, long inner, bool largest, float* at);
// The product along len of x as [outer, len, inner] into out [outer, inner]: from 1, in order, each
// product rounded to float (torch.prod's).
void products(const float* x, long outer, long len, long inner, float* out);
// Sum of squares (sum_abs: of absolute values) of many arrays, in double, in a fixed chunk order.
double sum_squares(const std::vector<std::pair<const float*, size_t>>& xs);
double sum_abs(const std::vector<std::pair<const float*, size_t>>& xs);
// The sum of x[i] * y[i] for i < n, in double, in fixed chunks added in order (the same at any
// thread count).
double sum_products(const float* x, const float* y, size_t n);

}  // namespace bp

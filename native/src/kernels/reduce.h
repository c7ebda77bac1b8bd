// Reductions along one dimension of an [outer, len, inner] view, and the fused sum of squares.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bp {

enum ReduceOp : int { kReduceSum = 0, kReduceMean = 1, kReduceMax = 2, kReduceSumSquares = 3, kReduceMin = 4 };
// Max and min keep an index (reduce's arg) and stop at the first NaN.
inline bool is_extreme(int op) { return op == kReduceMax || op == kReduceMin; }

void reduce(int op, const float* x, long outer, long len, long inner, float* out, int32_t* arg);
// Width of the column blocks that a pass down the rows of a rows x cols matrix (column sums, bias
// gradients) is cut into for threads: one band per thread, at least 64 columns and min_elems
// elements a block, and the whole width on one thread below 2M elements. Each column is still summed
// down the rows in the same order, so results do not depend on it.
size_t column_block(long rows, long cols, size_t min_elems);
// Sum of squares of many arrays, in double, in a fixed chunk order.
double sum_squares(const std::vector<std::pair<const float*, size_t>>& xs);

}  // namespace bp

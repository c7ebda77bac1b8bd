// Reductions along one dimension of an [outer, len, inner] view, and the fused sum of squares.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bp {

enum ReduceOp : int { kReduceSum = 0, kReduceMean = 1, kReduceMax = 2, kReduceSumSquares = 3 };

void reduce(int op, const float* x, long outer, long len, long inner, float* out, int32_t* arg);
// Sum of squares of many arrays, in double, in a fixed chunk order.
double sum_squares(const std::vector<std::pair<const float*, size_t>>& xs);

}  // namespace bp

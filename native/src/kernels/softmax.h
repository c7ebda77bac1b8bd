// Softmax / log-softmax along one dimension, their backward, and fused softmax cross-entropy.
#pragma once
#include <cstdint>

namespace bp {

void softmax(const float* x, long outer, long len, long inner, float* y, bool log);
void softmax_grad(const float* y, const float* gy, long outer, long len, long inner, float* gx, bool log);
// Targets: class indices (ti) or probabilities (tp, rows x cols); eps is label smoothing.
void cross_entropy(const float* logits, long rows, long cols, const int32_t* ti, const float* tp, float eps,
                   float* loss, float* prob);
void cross_entropy_grad(const float* prob, long rows, long cols, const int32_t* ti, const float* tp, float eps,
                        const float* row_scale, float* gx);

}  // namespace bp

// Fused optimizer updates: one call updates every parameter tensor of an optimizer.
#pragma once
#include <cstddef>
#include <vector>

namespace bp {

struct OptimHyper {
  int kind;  // 0 SGD, 1 Adam/AdamW, 2 RMSprop, 3 Adagrad
  float lr, weight_decay, momentum, dampening;
  bool nesterov;
  float beta1, beta2, eps;
  bool amsgrad, decoupled;
  float alpha;
  bool centered;
  double step;
  float lr_decay;
};

struct ParamSlot {
  float* p;
  const float* g;
  float* s0;
  float* s1;
  float* s2;
  size_t n;
};

void optim_step(const OptimHyper& h, const std::vector<ParamSlot>& slots);

}  // namespace bp

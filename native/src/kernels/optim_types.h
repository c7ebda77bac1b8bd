// The optimizer step's hyperparameters and one parameter's buffers, shared by the kernel table.
#pragma once
#include <cstddef>

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

}  // namespace bp

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
  bool maximize;  // ascend: the gradient's sign flipped before anything else reads it (torch's maximize)
};

// OptimHyper as it crosses from JavaScript: one Float64Array in this order (lib/backend/backend.ts
// HYPER_FIELDS), booleans as 0 / 1.
enum HyperField : int {
  kHKind = 0, kHLr, kHWeightDecay, kHMomentum, kHDampening, kHNesterov, kHBeta1, kHBeta2, kHEps, kHAmsgrad,
  kHDecoupled, kHAlpha, kHCentered, kHStep, kHLrDecay, kHMaximize, kHyperFieldCount
};

inline OptimHyper unpack_hyper(const double* v) {
  OptimHyper h{};
  h.kind = (int)v[kHKind];
  h.lr = (float)v[kHLr];
  h.weight_decay = (float)v[kHWeightDecay];
  h.momentum = (float)v[kHMomentum];
  h.dampening = (float)v[kHDampening];
  h.nesterov = v[kHNesterov] != 0;
  h.beta1 = (float)v[kHBeta1];
  h.beta2 = (float)v[kHBeta2];
  h.eps = (float)v[kHEps];
  h.amsgrad = v[kHAmsgrad] != 0;
  h.decoupled = v[kHDecoupled] != 0;
  h.alpha = (float)v[kHAlpha];
  h.centered = v[kHCentered] != 0;
  h.step = v[kHStep];
  h.lr_decay = (float)v[kHLrDecay];
  h.maximize = v[kHMaximize] != 0;
  return h;
}

struct ParamSlot {
  float* p;
  const float* g;
  float* s0;
  float* s1;
  float* s2;
  size_t n;
};

}  // namespace bp

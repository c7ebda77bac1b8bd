// The optimizer step's hyperparameters and one parameter's buffers, shared by the kernel table.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace bp {

// The optimizer kinds (lib/backend/backend.ts OptimKind reads the same numbers).
enum OptimKind : int { kSgd = 0, kAdam, kRmsprop, kAdagrad, kAdamax, kNadam, kRadam, kAdadelta, kRprop, kAsgd, kOptimKindCount };

struct OptimHyper {
  int kind;  // OptimKind
  float lr, weight_decay, momentum, dampening;
  bool nesterov;
  float beta1, beta2, eps;
  bool amsgrad, decoupled;
  float alpha;
  bool centered;
  double step;
  float lr_decay;
  bool maximize;  // ascend: the gradient's sign flipped before anything else reads it (torch's maximize)
  // NAdam: beta1 and the momentum decay in double (torch's Python floats make its coefficients; the
  // float beta1 put them ~1e-8 off the TypeScript twin's, and the fused plan's product then drifted
  // from the eager loop's), and the float32 product of the coefficients over the steps before this one.
  double nadam_beta1, momentum_decay;
  float mu_product;
  float rho;             // Adadelta
  float eta_minus, eta_plus, step_size_min, step_size_max;  // Rprop
  // ASGD: in double, as torch's Python floats make its step size and averaging weight from them (lr too).
  double lambd, power, t0, lr_double;
};

// OptimHyper as it crosses from JavaScript: one Float64Array in this order (lib/backend/backend.ts
// HYPER_FIELDS), booleans as 0 / 1.
enum HyperField : int {
  kHKind = 0, kHLr, kHWeightDecay, kHMomentum, kHDampening, kHNesterov, kHBeta1, kHBeta2, kHEps, kHAmsgrad,
  kHDecoupled, kHAlpha, kHCentered, kHStep, kHLrDecay, kHMaximize, kHMomentumDecay, kHMuProduct, kHRho, kHEtaMinus,
  kHEtaPlus, kHStepSizeMin, kHStepSizeMax, kHLambd, kHPower, kHT0, kHyperFieldCount
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
  h.nadam_beta1 = v[kHBeta1];
  h.momentum_decay = v[kHMomentumDecay];
  h.mu_product = (float)v[kHMuProduct];
  h.rho = (float)v[kHRho];
  h.eta_minus = (float)v[kHEtaMinus];
  h.eta_plus = (float)v[kHEtaPlus];
  h.step_size_min = (float)v[kHStepSizeMin];
  h.step_size_max = (float)v[kHStepSizeMax];
  h.lambd = v[kHLambd];
  h.power = v[kHPower];
  h.t0 = v[kHT0];
  h.lr_double = v[kHLr];
  return h;
}

// ASGD's step size and averaging weight for step h.step, as torch 1.13 keeps them: float32 tensors set
// after each step from that step's count (lr and 1 before the first), in Python's double arithmetic.
inline float asgd_eta(const OptimHyper& h) {
  return h.step == 1.0 ? h.lr : (float)(h.lr_double / std::pow(1.0 + h.lambd * h.lr_double * (h.step - 1.0), h.power));
}
inline float asgd_mu(const OptimHyper& h) { return h.step == 1.0 ? 1.0f : (float)(1.0 / std::max(1.0, h.step - 1.0 - h.t0)); }

// NAdam's momentum coefficient at a step, in double as torch's Python floats:
// beta1 (1 - 0.5 * 0.96^(step * momentum_decay)).
inline double nadam_mu(const OptimHyper& h, double step) { return h.nadam_beta1 * (1.0 - 0.5 * std::pow(0.96, step * h.momentum_decay)); }

// NAdam's product of coefficients through h.step: torch's float32 mu_product after its update.
inline float nadam_product(const OptimHyper& h) { return h.mu_product * (float)nadam_mu(h, h.step); }

// Whether the kind reads state buffer k (0-2) with these options: SGD s0 with momentum; Adam s0, s1
// (s2 with amsgrad); RMSprop s0 (s1 with momentum, s2 when centered); Adagrad s0; Adamax, NAdam,
// RAdam, Adadelta and Rprop s0 and s1; ASGD s0 (the average).
inline bool reads_buffer(const OptimHyper& h, int k) {
  switch (h.kind) {
    case kSgd: return k == 0 && h.momentum != 0.0f;
    case kAdam: return k < 2 || h.amsgrad;
    case kRmsprop: return k == 0 || (k == 1 && h.momentum > 0.0f) || (k == 2 && h.centered);
    case kAdagrad: case kAsgd: return k == 0;
    default: return k < 2;
  }
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

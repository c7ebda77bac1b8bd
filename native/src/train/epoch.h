// The fused training plan: one epoch of mini-batch training of a Linear(+activation) stack in C++,
// calling the same kernels in the same order as the eager TypeScript path, so results match it bit
// for bit. Runs on a worker thread; the caller owns every buffer it points to.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../kernels/optim_types.h"

namespace bp {

struct PlanLayer {
  const float* w;  // [out, in]
  const float* b;  // [out] or null
  float* gw;       // gradient outputs, same shapes
  float* gb;
  int in, out;
  int act;  // UnaryOp fused after the layer (0: none)
  double dropout;  // Dropout probability applied after the activation; 0: no Dropout
};

enum PlanLoss : int { kPlanCrossEntropy = 0, kPlanMse = 1, kPlanBce = 2, kPlanBceLogits = 3 };

struct EpochPlan {
  std::vector<PlanLayer> layers;
  int loss;
  float smoothing;
  OptimHyper hyper;  // hyper.step: the step count before this epoch
  std::vector<ParamSlot> slots;
  const float* x;  // [n, features]
  long n, features;
  const int32_t* y_index;  // [n] for cross-entropy
  const float* y_values;   // [n, out] for MSE and the binary cross-entropies
  long batch;
  long epochs;             // epochs run back to back in this call
  const int32_t* order;    // [epochs * n]: the row order of each epoch
  const int32_t* control;  // control[0] != 0: stop before the next batch
  uint32_t* rng;           // xoshiro128** state of lib/random.ts (4 words), advanced by Dropout
  float* batch_loss;       // [epochs * batches]
  int32_t* batch_correct;  // [epochs * batches] or null
};

// Runs the epochs; returns how many batches completed in all.
long run_epoch(const EpochPlan& plan);

}  // namespace bp

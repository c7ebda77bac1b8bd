// The fused training plan: epochs of mini-batch training of a Sequential in C++, calling the same
// kernels in the same order as the eager TypeScript path (down to the order in which the tape sums
// gradients), so results match it bit for bit. Runs on a worker thread; the caller owns every
// buffer it points to.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "../kernels/optim_types.h"

namespace bp {

enum StageKind : int { kStageLinear = 0, kStageActivation = 1, kStageDropout = 2, kStageBatchNorm = 3 };

// One module of the Sequential (a Linear carries the activation the eager Sequential fuses into it).
struct PlanStage {
  int kind;
  int in, out;  // widths of the stage's input and output
  // Linear: w [out, in], b [out] or null, gradients gw, gb. BatchNorm: w = gamma, b = beta (or null).
  const float* w;
  const float* b;
  float* gw;
  float* gb;
  int act;         // Linear: fused UnaryOp (0: none); Activation: the UnaryOp
  double dropout;  // Dropout probability
  // BatchNorm1d
  float* running_mean;
  float* running_var;
  float* num_batches_tracked;
  double eps, momentum;  // momentum NaN: the cumulative average (PyTorch's momentum=None)
};

enum PlanLoss : int { kPlanCrossEntropy = 0, kPlanMse = 1, kPlanBce = 2, kPlanBceLogits = 3 };

struct EpochPlan {
  std::vector<PlanStage> stages;
  int loss;
  float smoothing;
  float threshold;  // a single output column above this predicts 1 (the accuracy metric)
  OptimHyper hyper;  // hyper.step: the step count before this call
  std::vector<ParamSlot> slots;
  const float* x;  // [n, features]
  long n, features;
  long rows;  // rows each epoch visits (n, or a process's share of the rows under data-parallel fit)
  const int32_t* y_index;  // [n] for cross-entropy
  const float* y_values;   // [n, out] for MSE and the binary cross-entropies
  long batch;
  long epochs;             // epochs run back to back in this call
  const int32_t* order;    // [epochs * rows]: the rows each epoch visits, in order; null: rows in stored order (rows == n)
  const int32_t* control;  // control[0] != 0: stop before the next batch
  uint32_t* rng;           // xoshiro128** state of lib/random.ts (4 words), advanced by Dropout
  float* batch_loss;       // [epochs * batches]
  int32_t* batch_correct;  // [epochs * batches] or null
  // Called between each batch's backward pass and its optimizer step (data-parallel fit averages the
  // gradients over the processes there); may be empty.
  std::function<void()> after_backward;
  // Called after each batch with the batches done so far (the caller throttles); may be empty.
  std::function<void(long done)> progress;
};

// run_epoch's working buffers (activations, gradients, gathered rows), grown when a plan needs
// more and never shrunk, as gemm's packing buffers are.
struct EpochScratch;

// Keeps EpochScratch between fit() calls: one for each epoch run at the same time (usually one),
// whichever libuv worker runs the next call. Kept per worker thread instead, each of libuv's four
// workers built its own in turn: W3 at batch 4096 ran its first four one-batch calls at 330-390 ms
// against 110-120 after, and held 427 MB resident against 179 with one worker. Allocated per call
// instead, the memory came from the worker's malloc arena, which hands its freed top back to the
// system: 12% of a one-batch W3 call went to faulting it in again.
class EpochScratchShelf {
 public:
  EpochScratchShelf();
  ~EpochScratchShelf();
  EpochScratchShelf(const EpochScratchShelf&) = delete;
  EpochScratchShelf& operator=(const EpochScratchShelf&) = delete;

  // A kept scratch, or a new empty one when every kept one is in use.
  std::unique_ptr<EpochScratch> take();
  void give(std::unique_ptr<EpochScratch> scratch);

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<EpochScratch>> kept_;
};

// Runs the epochs in a scratch taken from `shelf` (and given back); returns how many batches
// completed in all.
long run_epoch(const EpochPlan& plan, EpochScratchShelf& shelf);

}  // namespace bp

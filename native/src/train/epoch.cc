#include "epoch.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../kernels/dropout.h"
#include "../kernels/elementwise.h"
#include "../kernels/gemm.h"
#include "../kernels/norm.h"
#include "../kernels/optim.h"
#include "../kernels/reduce.h"
#include "../kernels/softmax.h"
#include "../kernels/table.h"
#include "../runtime/line_vector.h"

namespace bp {
namespace {

void same_op(int op, const float* a, const float* b, float* out, long n) {
  const int32_t shape[1] = {(int32_t)n}, unit[1] = {1};
  binary(op, a, unit, b, unit, out, shape, 1);
}

void col_sum(const float* x, long rows, long c, float* out) { reduce(kReduceSum, x, 1, rows, c, out, nullptr); }

// Per-stage scratch.
struct StageBuf {
  LineVector out, mask;                         // output; Dropout mask
  LineVector mu, v, rstd;                       // BatchNorm1d statistics
};

}  // namespace

// Every buffer is written before it is read in each batch.
struct EpochScratch {
  std::vector<StageBuf> buf;
  LineVector xb, yv, g_a, g_b, g_act, prob, rows_loss, row_scale, diff, sq;
  std::vector<int32_t> yi;
  PackBuffers pack;  // lent to the products this thread runs (gemm.h's UsePackBuffers)
};

EpochScratchShelf::EpochScratchShelf() = default;
EpochScratchShelf::~EpochScratchShelf() = default;

std::unique_ptr<EpochScratch> EpochScratchShelf::take() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (!kept_.empty()) {
      std::unique_ptr<EpochScratch> s = std::move(kept_.back());
      kept_.pop_back();
      return s;
    }
  }
  return std::make_unique<EpochScratch>();
}

void EpochScratchShelf::give(std::unique_ptr<EpochScratch> scratch) {
  const std::lock_guard<std::mutex> lock(mu_);
  kept_.push_back(std::move(scratch));
}

namespace {

long run_batches(const EpochPlan& p, EpochScratch& scratch) {
  const long S = (long)p.stages.size();
  const long bs = p.batch;
  const long out_cols = p.stages.back().out;
  long widest = p.features;
  for (const auto& st : p.stages) widest = std::max<long>(widest, st.out);
  if ((long)scratch.buf.size() < S) scratch.buf.resize((size_t)S);
  std::vector<StageBuf>& buf = scratch.buf;
  for (long s = 0; s < S; s++) {
    const PlanStage& st = p.stages[s];
    const size_t n = (size_t)(bs * st.out);
    at_least(buf[s].out, n);
    if (st.kind == kStageDropout) at_least(buf[s].mask, n);
    if (st.kind == kStageBatchNorm) {
      for (auto* v : {&buf[s].mu, &buf[s].v, &buf[s].rstd}) at_least(*v, (size_t)st.out);
    }
  }
  // Gathered rows, only when an epoch visits them out of order.
  const size_t gathered = p.order ? (size_t)bs : 0;
  // Sized for what this plan runs: the scratch outlives the call, and the other losses' buffers would
  // otherwise stay allocated for plans without them.
  const bool ce = p.loss == kPlanCrossEntropy, bce = p.loss == kPlanBce || p.loss == kPlanBceLogits;
  const size_t wide = (size_t)(bs * widest), outs = (size_t)(bs * out_cols);
  LineVector &xb = scratch.xb, &yv = scratch.yv, &g_a = scratch.g_a, &g_b = scratch.g_b, &g_act = scratch.g_act;
  LineVector &prob = scratch.prob, &rows_loss = scratch.rows_loss, &row_scale = scratch.row_scale, &diff = scratch.diff, &sq = scratch.sq;
  std::vector<int32_t>& yi = scratch.yi;
  for (auto [v, n] : {std::pair<LineVector*, size_t>{&xb, gathered * (size_t)p.features}, {&yv, gathered * (size_t)out_cols},
                      {&g_a, wide}, {&g_b, wide}, {&g_act, wide},
                      {&prob, ce ? outs : 0}, {&rows_loss, ce ? (size_t)bs : 0}, {&row_scale, ce ? (size_t)bs : 0},
                      {&diff, ce ? 0 : outs}, {&sq, bce ? outs : 0}})
    at_least(*v, n);
  if (yi.size() < gathered) yi.resize(gathered);
  // The batch's rows: views of x and y when the epoch keeps the stored order, copies otherwise.
  const float* xin = nullptr;
  const float* yvals = nullptr;
  const int32_t* yidx = nullptr;
  auto input_of = [&](long s) -> const float* { return s == 0 ? xin : buf[s - 1].out.data(); };

  const long per_epoch = (p.rows + bs - 1) / bs;
  const long batches = per_epoch * p.epochs;
  long done = 0;
  float mu_product = p.hyper.mu_product;  // NAdam's, carried from step to step as torch's state
  for (long bi = 0; bi < batches; bi++) {
    if (__atomic_load_n(p.control, __ATOMIC_ACQUIRE) != 0) break;
    const long begin = (bi % per_epoch) * bs;
    const long rows = std::min(bs, p.rows - begin);
    if (!p.order) {
      xin = p.x + begin * p.features;
      if (p.y_index) yidx = p.y_index + begin;
      else yvals = p.y_values + begin * out_cols;
    } else {
      const int32_t* order = p.order + (bi / per_epoch) * p.rows + begin;
      for (long r = 0; r < rows; r++) {
        const long src = order[r];
        std::memcpy(xb.data() + r * p.features, p.x + src * p.features, sizeof(float) * (size_t)p.features);
        if (p.y_index) yi[(size_t)r] = p.y_index[src];
        else std::memcpy(yv.data() + r * out_cols, p.y_values + src * out_cols, sizeof(float) * (size_t)out_cols);
      }
      xin = xb.data();
      yidx = yi.data();
      yvals = yv.data();
    }
    // Forward, stage by stage.
    for (long s = 0; s < S; s++) {
      const PlanStage& st = p.stages[s];
      StageBuf& b = buf[s];
      const float* in = input_of(s);
      const long cnt = rows * st.out;
      switch (st.kind) {
        case kStageLinear:
          sgemm(GemmCall{false, true, (int)rows, st.out, st.in, 1.0f, in, st.w, 0.0f, b.out.data(), st.b, st.act, nullptr, 0});
          break;
        case kStageActivation:
          unary(st.act, in, b.out.data(), (size_t)cnt, 0.0f);
          break;
        case kStageDropout:
          dropout_mask(b.mask.data(), cnt, st.dropout, p.rng);
          same_op(kMul, in, b.mask.data(), b.out.data(), cnt);
          break;
        case kStageBatchNorm: {
          // nn.BatchNorm1d's kernel (ops/norm.ts's batchNormChannels), then its running averages.
          const long c = st.out;
          batch_norm(in, rows, c, 1, st.w, st.b, (float)st.eps, true, b.out.data(), b.mu.data(), b.v.data(), b.rstd.data());
          // Running statistics, computed in double as the TypeScript module computes them (the count
          // first: without a momentum the k-th batch weighs 1 / k).
          st.num_batches_tracked[0] += 1;
          const double m = std::isnan(st.momentum) ? 1.0 / (double)st.num_batches_tracked[0] : st.momentum;
          const double unbias = (double)rows / (double)(rows - 1);
          for (long k = 0; k < c; k++) {
            st.running_mean[k] = (float)((1 - m) * (double)st.running_mean[k] + m * (double)b.mu[(size_t)k]);
            st.running_var[k] = (float)((1 - m) * (double)st.running_var[k] + m * (double)b.v[(size_t)k] * unbias);
          }
          break;
        }
        default:
          break;
      }
    }
    const float* h = buf[S - 1].out.data();
    // Loss ('mean' reduction) and its gradient with respect to the last output.
    float* g = g_a.data();
    float loss = 0;
    const long m = rows * out_cols;
    if (p.loss == kPlanCrossEntropy) {
      cross_entropy(h, rows, out_cols, yidx, nullptr, p.smoothing, rows_loss.data(), prob.data());
      reduce(kReduceMean, rows_loss.data(), 1, rows, 1, &loss, nullptr);
      const float sc = 1.0f * (float)(1.0 / (double)rows);
      std::fill(row_scale.begin(), row_scale.begin() + rows, sc);
      cross_entropy_grad(prob.data(), rows, out_cols, yidx, nullptr, p.smoothing, row_scale.data(), g);
    } else if (p.loss == kPlanBce || p.loss == kPlanBceLogits) {
      const bool logits = p.loss == kPlanBceLogits;
      same_op(logits ? kBceLogits : kBce, h, yvals, sq.data(), m);
      reduce(kReduceMean, sq.data(), 1, m, 1, &loss, nullptr);
      const float sc = 1.0f * (float)(1.0 / (double)m);
      same_op(logits ? kBceLogitsGrad : kBceGrad, h, yvals, diff.data(), m);
      for (long i = 0; i < m; i++) g[i] = diff[(size_t)i] * sc;
    } else {
      // As ops/loss.ts's differenceLoss: the squares summed in double, the gradient the difference
      // times 2 / m (times the seed gradient, 1).
      for (long i = 0; i < m; i++) diff[(size_t)i] = h[i] - yvals[i];
      loss = (float)(sum_squares({{diff.data(), (size_t)m}}) / (double)m);
      const float c = 1.0f * (float)(2.0 / (double)m);
      for (long i = 0; i < m; i++) g[i] = diff[(size_t)i] * c;
    }
    p.batch_loss[bi] = loss;
    if (p.batch_correct) {
      int32_t correct = 0;
      for (long r = 0; r < rows; r++) {
        const float* rw = h + r * out_cols;
        if (!p.y_index) {  // one output column: the prediction is output > threshold
          if ((rw[0] > p.threshold ? 1.0f : 0.0f) == yvals[r]) correct++;
          continue;
        }
        long best = 0;
        for (long c = 1; c < out_cols; c++) if (rw[c] > rw[best]) best = c;
        if (best == yidx[r]) correct++;
      }
      p.batch_correct[bi] = correct;
    }
    // A linear stage's input-gradient GEMM applies the activation backward of a linear stage before
    // it (gemm's gate), as the eager tape does for a fused linear + activation's one use.
    const auto gates_previous = [&](long s) {
      return s > 0 && p.stages[s].kind == kStageLinear && p.stages[s - 1].kind == kStageLinear && p.stages[s - 1].act;
    };
    // Backward, last stage first; g is the gradient of the stage's output, gprev of its input.
    for (long s = S - 1; s >= 0; s--) {
      const PlanStage& st = p.stages[s];
      StageBuf& b = buf[s];
      const float* in = input_of(s);
      const long cnt = rows * st.out;
      float* gprev = g == g_a.data() ? g_b.data() : g_a.data();
      switch (st.kind) {
        case kStageLinear: {
          // The eager linear()'s backward: activation and bias gradient first, then the two GEMMs.
          const float* gz = g;
          if (st.act && !(s + 1 < S && gates_previous(s + 1))) {  // else g arrived gated
            bias_act_grad(st.act, b.out.data(), g, g_act.data(), rows, st.out, st.gb);
            gz = g_act.data();
          } else if (st.gb) {
            col_sum(gz, rows, st.out, st.gb);
          }
          const bool gate = gates_previous(s);
          const GemmCall gw{true, false, st.out, st.in, (int)rows, 1.0f, gz, in, 0.0f, st.gw, nullptr, 0, nullptr, 0};
          if (s > 0) {
            const GemmCall gx{false, false, (int)rows, st.in, st.out, 1.0f, gz, st.w, 0.0f, gprev, nullptr, 0,
                              gate ? buf[s - 1].out.data() : nullptr, gate ? p.stages[s - 1].act : 0};
            sgemm_pair(gx, gw);
          } else {
            sgemm(gw);
          }
          break;
        }
        case kStageActivation:
          unary_grad(st.act, in, b.out.data(), g, gprev, (size_t)cnt, 0.0f);
          break;
        case kStageDropout:
          same_op(kMul, g, b.mask.data(), gprev, cnt);
          break;
        case kStageBatchNorm:
          batch_norm_grad(g, in, rows, st.out, 1, st.w, b.mu.data(), b.rstd.data(), true, gprev, st.gw, st.gb);
          break;
        default:
          break;
      }
      g = gprev;
    }
    if (p.after_backward) p.after_backward();
    OptimHyper h_step = p.hyper;
    h_step.step = p.hyper.step + (double)(bi + 1);
    h_step.mu_product = mu_product;
    optim_step(h_step, p.slots);
    if (h_step.kind == kNadam) mu_product = nadam_product(h_step);
    done++;
    if (p.progress) p.progress(done);
  }
  return done;
}

}  // namespace

long run_epoch(const EpochPlan& plan, EpochScratchShelf& shelf) {
  std::unique_ptr<EpochScratch> scratch = shelf.take();
  long done;
  {
    const UsePackBuffers lend(scratch->pack);
    done = run_batches(plan, *scratch);
  }
  shelf.give(std::move(scratch));
  return done;
}

}  // namespace bp

#include "epoch.h"

#include <algorithm>
#include <cstring>

#include "../kernels/elementwise.h"
#include "../kernels/gemm.h"
#include "../kernels/optim.h"
#include "../kernels/reduce.h"
#include "../kernels/softmax.h"
#include "../kernels/table.h"

namespace bp {
namespace {

// lib/random.ts's generator (xoshiro128**), so that Dropout masks are the eager loop's masks.
inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline double uniform01(uint32_t* s) {
  const uint32_t result = rotl(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return (double)(result >> 8) / 16777216.0;
}

// Inverted dropout as nn.Dropout does it: kept values scaled by 1/(1-p), in the same draw order.
void dropout_mask(float* mask, long n, double p, uint32_t* rng) {
  if (p >= 1.0) {
    std::fill(mask, mask + n, 0.0f);
    return;
  }
  const float keep = (float)(1.0 / (1.0 - p));
  for (long i = 0; i < n; i++) mask[i] = uniform01(rng) >= p ? keep : 0.0f;
}

}  // namespace

long run_epoch(const EpochPlan& p) {
  const long L = (long)p.layers.size();
  const long bs = p.batch;
  const long out_cols = p.layers.back().out;
  // Scratch for one batch, sized once per epoch: inputs, each layer's output, two gradient buffers.
  long widest = p.features;
  for (const auto& l : p.layers) widest = std::max<long>(widest, l.out);
  std::vector<float> xb((size_t)(bs * p.features));
  // outs[l]: the layer's activation output; dropped[l]/masks[l]: after Dropout, when it has one.
  std::vector<std::vector<float>> outs(L), dropped(L), masks(L);
  for (long l = 0; l < L; l++) {
    outs[l].resize((size_t)(bs * p.layers[l].out));
    if (p.layers[l].dropout > 0) {
      dropped[l].resize(outs[l].size());
      masks[l].resize(outs[l].size());
    }
  }
  auto layer_output = [&](long l) -> const float* { return p.layers[l].dropout > 0 ? dropped[l].data() : outs[l].data(); };
  std::vector<float> g_a((size_t)(bs * widest)), g_b((size_t)(bs * widest)), g_act((size_t)(bs * widest));
  std::vector<float> prob((size_t)(bs * out_cols)), rows_loss((size_t)bs), row_scale((size_t)bs);
  std::vector<float> yv((size_t)(bs * out_cols)), diff((size_t)(bs * out_cols)), sq((size_t)(bs * out_cols));
  std::vector<int32_t> yi((size_t)bs);

  const long per_epoch = (p.n + bs - 1) / bs;
  const long batches = per_epoch * p.epochs;
  long done = 0;
  for (long bi = 0; bi < batches; bi++) {
    if (__atomic_load_n(p.control, __ATOMIC_ACQUIRE) != 0) break;
    const int32_t* order = p.order + (bi / per_epoch) * p.n;
    const long begin = (bi % per_epoch) * bs;
    const long rows = std::min(bs, p.n - begin);
    for (long r = 0; r < rows; r++) {
      const long src = order[begin + r];
      std::memcpy(xb.data() + r * p.features, p.x + src * p.features, sizeof(float) * (size_t)p.features);
      if (p.y_index) yi[(size_t)r] = p.y_index[src];
      else std::memcpy(yv.data() + r * out_cols, p.y_values + src * out_cols, sizeof(float) * (size_t)out_cols);
    }
    // Forward: one GEMM per layer with bias and activation in its epilogue.
    const float* h = xb.data();
    for (long l = 0; l < L; l++) {
      const PlanLayer& ly = p.layers[l];
      sgemm(false, true, (int)rows, ly.out, ly.in, 1.0f, h, ly.w, 0.0f, outs[l].data(), ly.b, ly.act);
      if (ly.dropout > 0) {
        const long cnt = rows * ly.out;
        dropout_mask(masks[l].data(), cnt, ly.dropout, p.rng);
        for (long i = 0; i < cnt; i++) dropped[l][(size_t)i] = outs[l][(size_t)i] * masks[l][(size_t)i];
      }
      h = layer_output(l);
    }
    // Loss ('mean' reduction) and its gradient with respect to the last output.
    float* g = g_a.data();
    float loss = 0;
    const long m = rows * out_cols;
    if (p.loss == kPlanCrossEntropy) {
      cross_entropy(h, rows, out_cols, yi.data(), nullptr, p.smoothing, rows_loss.data(), prob.data());
      reduce(kReduceMean, rows_loss.data(), 1, rows, 1, &loss, nullptr);
      const float s = 1.0f * (float)(1.0 / (double)rows);
      std::fill(row_scale.begin(), row_scale.begin() + rows, s);
      cross_entropy_grad(prob.data(), rows, out_cols, yi.data(), nullptr, p.smoothing, row_scale.data(), g);
    } else if (p.loss == kPlanBce || p.loss == kPlanBceLogits) {
      // Element-wise loss through the same kernel as the eager path, then the mean.
      const int32_t shape[1] = {(int32_t)m}, unit[1] = {1};
      const bool logits = p.loss == kPlanBceLogits;
      binary(logits ? kBceLogits : kBce, h, unit, yv.data(), unit, sq.data(), shape, 1);
      reduce(kReduceMean, sq.data(), 1, m, 1, &loss, nullptr);
      const float s = 1.0f * (float)(1.0 / (double)m);
      binary(logits ? kBceLogitsGrad : kBceGrad, h, unit, yv.data(), unit, diff.data(), shape, 1);
      for (long i = 0; i < m; i++) g[i] = diff[(size_t)i] * s;
    } else {
      for (long i = 0; i < m; i++) diff[(size_t)i] = h[i] - yv[(size_t)i];
      for (long i = 0; i < m; i++) sq[(size_t)i] = diff[(size_t)i] * diff[(size_t)i];
      reduce(kReduceMean, sq.data(), 1, m, 1, &loss, nullptr);
      // d(mean(d*d))/dd: both factors of the product receive s*d, summed as the tape sums them.
      const float s = 1.0f * (float)(1.0 / (double)m);
      for (long i = 0; i < m; i++) {
        const float t = s * diff[(size_t)i];
        g[i] = t + t;
      }
    }
    p.batch_loss[bi] = loss;
    if (p.batch_correct) {
      int32_t correct = 0;
      for (long r = 0; r < rows; r++) {
        const float* row = h + r * out_cols;
        if (!p.y_index) {  // one output column: the prediction is output > 0.5
          if ((row[0] > 0.5f ? 1.0f : 0.0f) == yv[(size_t)r]) correct++;
          continue;
        }
        long best = 0;
        for (long c = 1; c < out_cols; c++) if (row[c] > row[best]) best = c;
        if (best == yi[(size_t)r]) correct++;
      }
      p.batch_correct[bi] = correct;
    }
    // Backward, last layer first.
    for (long l = L - 1; l >= 0; l--) {
      const PlanLayer& ly = p.layers[l];
      if (ly.dropout > 0) {  // d(out * mask)/d(out) = mask
        const long cnt = rows * ly.out;
        for (long i = 0; i < cnt; i++) g[i] = g[i] * masks[l][(size_t)i];
      }
      const float* gz = g;
      if (ly.act) {
        unary_grad(ly.act, outs[l].data(), outs[l].data(), g, g_act.data(), (size_t)(rows * ly.out), 0.0f);
        gz = g_act.data();
      }
      const float* input = l == 0 ? xb.data() : layer_output(l - 1);
      if (l > 0) {
        float* gprev = g == g_a.data() ? g_b.data() : g_a.data();
        sgemm(false, false, (int)rows, ly.in, ly.out, 1.0f, gz, ly.w, 0.0f, gprev, nullptr, 0);
        sgemm(true, false, ly.out, ly.in, (int)rows, 1.0f, gz, input, 0.0f, ly.gw, nullptr, 0);
        if (ly.gb) reduce(kReduceSum, gz, 1, rows, ly.out, ly.gb, nullptr);
        g = gprev;
      } else {
        sgemm(true, false, ly.out, ly.in, (int)rows, 1.0f, gz, input, 0.0f, ly.gw, nullptr, 0);
        if (ly.gb) reduce(kReduceSum, gz, 1, rows, ly.out, ly.gb, nullptr);
      }
    }
    OptimHyper h_step = p.hyper;
    h_step.step = p.hyper.step + (double)(bi + 1);
    optim_step(h_step, p.slots);
    done++;
  }
  return done;
}

}  // namespace bp

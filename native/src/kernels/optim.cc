// Optimizer updates as torch.optim defines them (foreach=False), element-wise over fixed chunks of
// every tensor, threaded across chunks.
#include "optim.h"

#include <algorithm>
#include <cmath>

#include "../runtime/thread_pool.h"

namespace bp {
namespace {

constexpr size_t kChunk = 16384;

void sgd(const OptimHyper& h, const ParamSlot& s, size_t b, size_t e) {
  const bool first = h.step == 1.0;
  for (size_t i = b; i < e; i++) {
    float d = s.g[i] + h.weight_decay * s.p[i];
    if (h.momentum != 0.0f) {
      // PyTorch starts the buffer as a copy of the first gradient (no dampening on that step).
      s.s0[i] = first ? d : h.momentum * s.s0[i] + (1.0f - h.dampening) * d;
      d = h.nesterov ? d + h.momentum * s.s0[i] : s.s0[i];
    }
    s.p[i] -= h.lr * d;
  }
}

void adam(const OptimHyper& h, const ParamSlot& s, size_t b, size_t e) {
  const float bc1 = (float)(1.0 - std::pow((double)h.beta1, h.step));
  const float bc2_sqrt = (float)std::sqrt(1.0 - std::pow((double)h.beta2, h.step));
  const float step_size = h.lr / bc1;
  const float decay = 1.0f - h.lr * h.weight_decay;
  const float b1 = h.beta1, b2 = h.beta2, c1 = 1.0f - h.beta1, c2 = 1.0f - h.beta2;
  for (size_t i = b; i < e; i++) {
    float d = s.g[i];
    if (h.decoupled) s.p[i] *= decay;
    else d += h.weight_decay * s.p[i];
    const float m = b1 * s.s0[i] + c1 * d;
    const float v = b2 * s.s1[i] + c2 * d * d;
    s.s0[i] = m;
    s.s1[i] = v;
    float vv = v;
    if (h.amsgrad) {
      vv = std::max(s.s2[i], v);
      s.s2[i] = vv;
    }
    s.p[i] -= step_size * m / (std::sqrt(vv) / bc2_sqrt + h.eps);
  }
}

void rmsprop(const OptimHyper& h, const ParamSlot& s, size_t b, size_t e) {
  for (size_t i = b; i < e; i++) {
    const float d = s.g[i] + h.weight_decay * s.p[i];
    const float sq = h.alpha * s.s0[i] + (1.0f - h.alpha) * d * d;
    s.s0[i] = sq;
    float avg;
    if (h.centered) {
      const float ga = h.alpha * s.s2[i] + (1.0f - h.alpha) * d;
      s.s2[i] = ga;
      avg = std::sqrt(sq - ga * ga) + h.eps;
    } else {
      avg = std::sqrt(sq) + h.eps;
    }
    if (h.momentum > 0.0f) {
      s.s1[i] = h.momentum * s.s1[i] + d / avg;
      s.p[i] -= h.lr * s.s1[i];
    } else {
      s.p[i] -= h.lr * d / avg;
    }
  }
}

void adagrad(const OptimHyper& h, const ParamSlot& s, size_t b, size_t e) {
  const float clr = (float)(h.lr / (1.0 + (h.step - 1.0) * h.lr_decay));
  for (size_t i = b; i < e; i++) {
    const float d = s.g[i] + h.weight_decay * s.p[i];
    s.s0[i] += d * d;
    s.p[i] -= clr * d / (std::sqrt(s.s0[i]) + h.eps);
  }
}

}  // namespace

void optim_step(const OptimHyper& h, const std::vector<ParamSlot>& slots) {
  // Chunk list: (slot, begin, end). Reused across calls.
  struct Chunk { size_t slot, b, e; };
  thread_local std::vector<Chunk> chunk_buf;
  std::vector<Chunk>& chunks = chunk_buf;  // workers must see this thread's list, not their own
  chunks.clear();
  for (size_t t = 0; t < slots.size(); t++)
    for (size_t b = 0; b < slots[t].n; b += kChunk) chunks.push_back({t, b, std::min(slots[t].n, b + kChunk)});
  auto body = [&](size_t c) {
    const Chunk& ch = chunks[c];
    const ParamSlot& s = slots[ch.slot];
    switch (h.kind) {
      case 0: sgd(h, s, ch.b, ch.e); break;
      case 1: adam(h, s, ch.b, ch.e); break;
      case 2: rmsprop(h, s, ch.b, ch.e); break;
      case 3: adagrad(h, s, ch.b, ch.e); break;
      default: break;
    }
  };
  size_t total = 0;
  for (auto& s : slots) total += s.n;
  if (total < 2 * kChunk) {
    for (size_t c = 0; c < chunks.size(); c++) body(c);
  } else {
    ThreadPool::instance().run(chunks.size(), body);
  }
}

}  // namespace bp

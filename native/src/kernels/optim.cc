// The fused optimizer step: every parameter tensor cut into fixed chunks, threaded across chunks;
// the per-element update (torch.optim's formulas) is the ISA kernel table's `optim`.
#include "optim.h"

#include <algorithm>
#include <cmath>

#include "../runtime/thread_pool.h"
#include "table.h"

namespace bp {
namespace {

constexpr size_t kChunk = 16384;

}  // namespace

void optim_step(const OptimHyper& h, const std::vector<ParamSlot>& slots) {
  const KernelTable& kt = active_kernels();
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
    kt.optim(h, s, ch.b, ch.e);
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

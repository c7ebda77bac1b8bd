// The fused optimizer step: every parameter tensor cut into one contiguous part per thread (at
// multiples of 16 elements, so that no vector straddles two parts and the result is the same at any
// thread count); the per-element update (torch.optim's formulas) is the ISA kernel table's `optim`.
//
// The same part of every tensor goes to the same task each step, and the same task to the same
// thread (the pool's caller always runs task 0), so a thread finds its weights, moments and (see
// gemm.cc) gradients where it left them. The cut moves only as the pool's paces do (run_parts), and
// gemm.cc cuts the weight gradients at the same paces. On the 2-vCPU test machine each core has a
// last-level cache of its own: a megabyte written by one core is read by the other at 26-30 GB/s,
// by the writer at 80-95 GB/s (even after 8 MB more written in between), so fixed chunks of 16K
// elements handed out to whichever thread came first made each thread read about half of its
// moments from the other core. (Where the host puts the two vCPUs decides that: in session 26 the
// same kind of VM shared one L3, the other core reading a megabyte at 84 GB/s, the writer at 106.)
// W3's Adam step at 2 threads: median 0.84 -> 0.68 ms (10 alternated runs of bench/step_profile.ts
// w3 2, with gemm.cc cutting square products by rows).
// What is left is not memory bandwidth: at 2 threads each part of W3's step still takes 0.62-0.80 ms,
// about what the whole takes at 1 thread (0.8 ms, 64 GB/s), while bench/native/dram_stream.c moves
// the same traffic from memory at 65-74 GB/s on one core and 135-154 GB/s on two. Some of each
// part's data was last written or read by the other core: the layer-2 weight gradient, which
// sgemm_pair computes whole on one thread, and the layer-2 weights, which its other product reads
// whole (per-part timings of 100 steps, 3 runs). But that data is not what the step loses: with
// sgemm_pair off at 2 threads (both layer-2 gradient products cut between the threads, so each
// thread writes the gradient rows it updates), Adam took 0.67-0.76 ms against 0.62-0.70 paired (3
// alternated step_profile runs). Adam alone, stepping the same gradients over and over, takes 0.66
// ms at 1 thread and 0.31-0.34 at 2 (2.0x): inside the step both are slower (1.0 and 0.62-0.80),
// the products between two updates having pushed the moments out of the caches.
#include "optim.h"

#include <algorithm>
#include <cmath>

#include "../runtime/thread_pool.h"
#include "table.h"

namespace bp {
namespace {

// Below this many elements in all, the update runs on the calling thread.
constexpr size_t kThreadedMin = 32768;
// Every tensor is cut at the same fractions, in steps of 1 / kParts, sized by the pool.
constexpr size_t kParts = 1024;

}  // namespace

void optim_step(const OptimHyper& h, const std::vector<ParamSlot>& slots) {
  const KernelTable& kt = active_kernels();
  size_t total = 0;
  for (auto& s : slots) total += s.n;
  const size_t threads = total < kThreadedMin ? 1 : (size_t)ThreadPool::instance().threads();
  auto part = [&](size_t, size_t u0, size_t u1) {
    for (const ParamSlot& s : slots) {
      // Where a part starts: a multiple of 16 elements, the last part running to the end.
      const auto start = [&](size_t u) { return u == kParts ? s.n : s.n * u / kParts / 16 * 16; };
      if (start(u0) < start(u1)) kt.optim(h, s, start(u0), start(u1));
    }
  };
  if (threads == 1) part(0, 0, kParts);
  else ThreadPool::instance().run_parts(kParts, threads, part);
}

}  // namespace bp

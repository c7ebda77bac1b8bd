// The random fills' draws and their order; normal_lanes.inc holds the normals' arithmetic. Compiled
// with -ffp-contract=off (CMakeLists.txt): every product and sum is rounded as written, as in
// lib/backend/reference/random.ts; a fused multiply-add would change the bits.
#include "random_fill.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../runtime/cpu.h"
#include "../runtime/thread_pool.h"
#include "normal_lanes.h"
#include "xoshiro.h"

namespace bp {
namespace {

// Draws the k and j of `pairs` pairs in order into k[] and j[] (the generator is sequential),
// advancing rng. The words are copied in and out: read through the pointer, they went through
// memory at every step (the compiler cannot tell them apart from k[] and j[]), at 4x the time.
void draw_pairs(uint32_t* rng, long pairs, uint32_t* k, uint32_t* j) {
  uint32_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
  for (long p = 0; p < pairs; p++) {
    uint32_t u = draw24(s);
    while (u == 0) u = draw24(s);  // lib/random.ts draws again for ln(0)
    k[p] = u;
    j[p] = draw24(s);
  }
  std::copy(s, s + 4, rng);
}

// Pairs per block: drawn on the calling thread into a buffer the L2 holds (16 bytes a pair), then
// turned into normals by the pool's other threads.
constexpr long kBlockPairs = 16384;
// Below this many pairs a block is not worth waking the pool for (about 3 ns a pair at 8 lanes).
constexpr long kThreadedPairs = 4096;

// normal_lanes.h's pad: k[] and j[] readable to a multiple of the widest vector.
constexpr long kPad = 8;

}  // namespace

const NormalForms& active_normal_forms() {
  static const NormalForms& forms = [&]() -> const NormalForms& {
    const Isa isa = cpu_isa();
    if (isa == Isa::kAvx512 && normal_forms_avx512()) return *normal_forms_avx512();
    if (isa >= Isa::kAvx2 && normal_forms_avx2()) return *normal_forms_avx2();
    return normal_generic::forms;
  }();
  return forms;
}

void uniform_fill(float* out, long n, double low, double span, uint32_t* rng) {
  uint32_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
  for (long i = 0; i < n; i++) out[i] = (float)(low + span * ((double)draw24(s) / 16777216.0));
  std::copy(s, s + 4, rng);
}

void normal_fill(float* out, long n, double mean, double std, uint32_t* rng, double* spare) {
  if (n <= 0) return;
  long i = 0;
  if (!std::isnan(*spare)) {
    out[i++] = (float)(mean + std * *spare);
    *spare = std::numeric_limits<double>::quiet_NaN();
  }
  uint32_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
  const long pairs = (n - i) / 2;
  const NormalsFn normals = active_normal_forms().normals;
  // Two buffers of draws: while the pool's other threads turn one block into normals, the calling
  // thread draws the next into the other (the generator is sequential, the arithmetic is not).
  const size_t size = (size_t)(std::min(pairs, kBlockPairs) + kPad);
  std::vector<uint32_t> k[2] = {std::vector<uint32_t>(size), std::vector<uint32_t>(size)};
  std::vector<uint32_t> j[2] = {std::vector<uint32_t>(size), std::vector<uint32_t>(size)};
  auto draw = [&](long b, int buf) {
    const long count = std::min(kBlockPairs, pairs - b);
    draw_pairs(s, count, k[buf].data(), j[buf].data());
    std::fill(k[buf].begin() + count, k[buf].end(), 1);  // the last vector's lanes past count
    std::fill(j[buf].begin() + count, j[buf].end(), 0);
  };
  if (pairs > 0) draw(0, 0);
  const size_t threads = (size_t)ThreadPool::instance().threads();
  for (long b = 0; b < pairs; b += kBlockPairs) {
    const int buf = (int)((b / kBlockPairs) & 1);
    const long count = std::min(kBlockPairs, pairs - b);
    const bool more = b + kBlockPairs < pairs;
    float* dst = out + i + 2 * b;
    // Slices claimed as threads come free: the caller takes some once its draws are done (with
    // one slice per other thread, a slow form such as the generic one kept it waiting).
    const size_t slices = count < kThreadedPairs || threads < 2 ? 1 : 2 * threads;
    if (!more && slices == 1) {
      normals(k[buf].data(), j[buf].data(), count, mean, std, dst);
      break;
    }
    // Task 0 (the calling thread's) draws the next block; tasks 1.. cut this one. At one thread the
    // pool runs them in turn.
    ThreadPool::instance().run(1 + slices, [&](size_t t) {
      if (t == 0) {
        if (more) draw(b + kBlockPairs, buf ^ 1);
        return;
      }
      const long p0 = count * (long)(t - 1) / (long)slices, p1 = count * (long)t / (long)slices;
      normals(k[buf].data() + p0, j[buf].data() + p0, p1 - p0, mean, std, dst + 2 * p0);
    });
  }
  if ((n - i) % 2 != 0) {
    // The last normal is a pair's cosine; its sine waits in *spare, unrounded, as normal01's does.
    uint32_t kk, jj;
    draw_pairs(s, 1, &kk, &jj);
    double zc, zs;
    normal_generic::pair(kk, jj, &zc, &zs);
    out[n - 1] = (float)(mean + std * zc);
    *spare = zs;
  }
  std::copy(s, s + 4, rng);
}

}  // namespace bp

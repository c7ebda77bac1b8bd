// The random fills' draws and their order; random_lanes.h's sets hold the vector code. Compiled
// with -ffp-contract=off (CMakeLists.txt): every product and sum is rounded as written, as in
// lib/backend/reference/random.ts; a fused multiply-add would change the bits.
#include "random_fill.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "../runtime/cpu.h"
#include "../runtime/line_vector.h"
#include "../runtime/thread_pool.h"
#include "random_lanes.h"
#include "xoshiro.h"

namespace bp {
namespace {

// Draws the k and j of `pairs` pairs in order into k[] and j[], advancing rng, a k of 0 drawn again
// (lib/random.ts's rule, for ln(0)). The words are copied in and out: read through the pointer, they
// went through memory at every step (the compiler cannot tell them apart from k[] and j[]), 4x the
// time.
void draw_pairs(uint32_t* rng, long pairs, uint32_t* k, uint32_t* j) {
  uint32_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
  for (long p = 0; p < pairs; p++) {
    uint32_t u = draw24(s);
    while (u == 0) u = draw24(s);
    k[p] = u;
    j[p] = draw24(s);
  }
  std::copy(s, s + 4, rng);
}

// Whether any of x[0, n) is 0: a branch-free pass the compiler vectorizes (std::find did not: 2.5 ms
// of a 16M-float randn).
bool has_zero(const uint32_t* x, long n) {
  uint32_t any = 0;
  for (long i = 0; i < n; i++) any |= (uint32_t)(x[i] == 0);
  return any != 0;
}

// Pairs per block: drawn, then turned into normals, by the pool's threads; their draws (8 bytes a
// pair) stay in the L2s between the two.
constexpr long kBlockPairs = 65536;
// Pairs per task of the normals' arithmetic (about 3 ns a pair at 8 lanes).
constexpr long kThreadedPairs = 4096;

// random_lanes.h's pad: k[] and j[] readable to a multiple of the widest vector.
constexpr long kPad = 8;

}  // namespace

const RandomForms& active_random_forms() {
  static const RandomForms& forms = []() -> const RandomForms& {
    const Isa isa = cpu_isa();
    if (isa == Isa::kAvx512 && random_forms_avx512()) return *random_forms_avx512();
    if (isa >= Isa::kAvx2 && random_forms_avx2()) return *random_forms_avx2();
    return random_generic::forms;
  }();
  return forms;
}

void uniform_fill(float* out, long n, double low, double span, uint32_t* rng) {
  const UniformFn uniform = active_random_forms().uniform;
  draw_in_parts(rng, n, 1, [&](uint32_t* words, long b, long e) { uniform(words, e - b, low, span, out + b); });
}

void normal_fill(float* out, long n, double mean, double std, uint32_t* rng, double* spare) {
  if (n <= 0) return;
  long i = 0;
  if (!std::isnan(*spare)) {
    out[i++] = (float)(mean + std * *spare);
    *spare = std::numeric_limits<double>::quiet_NaN();
  }
  const long pairs = (n - i) / 2;
  const RandomForms& forms = active_random_forms();
  // The draws' buffers are the calling thread's, kept between calls (as gemm.cc's packing
  // buffers): a fresh zero-filled pair of vectors cost a 512 KiB memset a call.
  thread_local LineVectorOf<uint32_t> k_buf, j_buf;
  const size_t size = (size_t)(std::min(pairs, kBlockPairs) + kPad);
  uint32_t* const k = at_least(k_buf, size);
  uint32_t* const j = at_least(j_buf, size);
  for (long b = 0; b < pairs; b += kBlockPairs) {
    const long count = std::min(kBlockPairs, pairs - b);
    // The block's pairs, drawn in stretches (threads, then vector lanes, each from its own place in
    // the sequence at 2 draws a pair) as if no k were 0; from the first pair whose k is 0 (one in
    // 2^24), drawn again in order, with the redraw, which moves every later pair by one draw.
    const uint32_t start[4] = {rng[0], rng[1], rng[2], rng[3]};
    draw_in_parts(rng, count, 2, [&](uint32_t* words, long p0, long p1) { forms.pairs(words, p1 - p0, k + p0, j + p0); });
    if (has_zero(k, count)) {
      const long zero = (long)(std::find(k, k + count, 0u) - k);
      std::copy(start, start + 4, rng);
      xoshiro_jump(rng, 2 * (uint64_t)zero);
      draw_pairs(rng, count - zero, k + zero, j + zero);
    }
    std::fill(k + count, k + count + kPad, 1u);  // the last vector's lanes past count
    std::fill(j + count, j + count + kPad, 0u);
    float* dst = out + i + 2 * b;
    parallel_for((size_t)count, (size_t)kThreadedPairs, [&](size_t p0, size_t p1) {
      forms.normals(k + p0, j + p0, (long)(p1 - p0), mean, std, dst + 2 * p0);
    });
  }
  if ((n - i) % 2 != 0) {
    // The last normal is a pair's cosine; its sine waits in *spare, unrounded, as normalFrom's does.
    uint32_t kk, jj;
    draw_pairs(rng, 1, &kk, &jj);
    double zc, zs;
    random_generic::pair(kk, jj, &zc, &zs);
    out[n - 1] = (float)(mean + std * zc);
    *spare = zs;
  }
}

}  // namespace bp

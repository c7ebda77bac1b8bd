// lib/random.ts's generator in C++: xoshiro128** over four 32-bit words, one step per 32 bits, so
// that the kernels that draw (dropout masks, random fills) give the reference backend's numbers.
#pragma once
#include <algorithm>
#include <cstdint>

#include "../runtime/thread_pool.h"

namespace bp {

// The step's functions are static: this header is also compiled into the AVX2 and AVX-512 files
// (draw_lanes.inc), and an inline function's out-of-line copy from one of those, merged by the
// linker with the others, could run AVX-512 instructions on a CPU without them.
static inline uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// One xoshiro128** step over s: lib/random.ts's nextU32.
static inline uint32_t xoshiro_next(uint32_t* s) {
  const uint32_t result = rotl32(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl32(s[3], 11);
  return result;
}

// The 24 bits of one uniform draw (lib/random.ts's uniformFrom is this over 2^24).
static inline uint32_t draw24(uint32_t* s) { return xoshiro_next(s) >> 8; }

// Advances s by `steps` steps at once (the step is linear on the state's bits: s times the step's
// matrix raised to `steps`), so that threads can each draw their own stretch of the one sequence.
void xoshiro_jump(uint32_t* s, uint64_t steps);

// Below this many draws, one thread draws them all (a jump costs a few microseconds).
constexpr long kParallelDraws = 1 << 16;

// Draws for `count` items of `per` draws each: fill(s, begin, end) draws items [begin, end) from
// words s that stand at the part's first draw, one part per thread (a stretch of the sequence each:
// the numbers do not depend on the cut). rng ends `count * per` draws on.
template <class Fill>
static void draw_in_parts(uint32_t* rng, long count, long per, Fill fill) {
  const size_t threads = (size_t)ThreadPool::instance().threads();
  if (threads < 2 || count * per < kParallelDraws) {
    fill(rng, 0L, count);
    return;
  }
  const uint32_t start[4] = {rng[0], rng[1], rng[2], rng[3]};
  ThreadPool::instance().run_parts((size_t)count, threads, [&](size_t, size_t b, size_t e) {
    uint32_t s[4] = {start[0], start[1], start[2], start[3]};
    xoshiro_jump(s, (uint64_t)b * (uint64_t)per);
    fill(s, (long)b, (long)e);
  });
  std::copy(start, start + 4, rng);
  xoshiro_jump(rng, (uint64_t)count * (uint64_t)per);
}

}  // namespace bp

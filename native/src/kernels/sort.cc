// sort_order (sort.h): each row's elements as 64-bit keys, the float's order key above its position,
// so that every key is distinct and their plain order is the stable order. Whole rows by a
// least-significant-digit radix sort on the order key's four bytes (stable, so the positions stay in
// order within a tie); a few of many (topk) by a partial sort; short rows by std::sort. Rows are cut
// between the threads; the order of a row depends on its keys alone.
#include "sort.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../runtime/thread_pool.h"

namespace bp {
namespace {

// orderKey of lib/backend/reference/sort.ts: NaN last, -0 as 0, the numbers in their order; flipped
// for descending.
inline uint32_t order_key(float v, bool descending) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  uint32_t key;
  if ((bits & 0x7fffffffu) > 0x7f800000u) key = 0xffffffffu;
  else if (bits == 0x80000000u) key = 0x80000000u;
  else key = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
  return descending ? 0xffffffffu - key : key;
}

// Below this many elements a row is sorted by comparisons.
constexpr long kRadixFrom = 256;

// keys sorted by their upper 32 bits, stably (tmp: scratch of the same length). Each byte's pass is
// skipped where every key shares it.
void radix_sort(std::vector<uint64_t>& keys, std::vector<uint64_t>& tmp) {
  const size_t n = keys.size();
  uint32_t counts[4][256] = {};
  for (uint64_t key : keys)
    for (int b = 0; b < 4; b++) counts[b][(key >> (32 + 8 * b)) & 0xff]++;
  uint64_t* from = keys.data();
  uint64_t* to = tmp.data();
  for (int b = 0; b < 4; b++) {
    uint32_t* c = counts[b];
    if (*std::max_element(c, c + 256) == n) continue;
    uint32_t sum = 0;
    for (int v = 0; v < 256; v++) {
      const uint32_t here = c[v];
      c[v] = sum;
      sum += here;
    }
    const int shift = 32 + 8 * b;
    for (size_t j = 0; j < n; j++) to[c[(from[j] >> shift) & 0xff]++] = from[j];
    std::swap(from, to);
  }
  if (from != keys.data()) std::memcpy(keys.data(), from, n * sizeof(uint64_t));
}

}  // namespace

void sort_order(const float* x, long outer, long len, long inner, bool descending, long k, float* out) {
  if (outer == 0 || inner == 0 || k == 0) return;
  const long rows = outer * inner;
  parallel_for((size_t)rows, (size_t)std::max(1L, 16384 / std::max(1L, len)), [&](size_t r0, size_t r1) {
    std::vector<uint64_t> keys((size_t)len), tmp;
    for (size_t r = r0; r < r1; r++) {
      const long o = (long)r / inner, i = (long)r % inner;
      const float* src = x + o * len * inner + i;
      for (long j = 0; j < len; j++) keys[j] = (uint64_t)order_key(src[j * inner], descending) << 32 | (uint64_t)j;
      if (k * 8 < len) {
        std::partial_sort(keys.begin(), keys.begin() + k, keys.end());
      } else if (len < kRadixFrom) {
        std::sort(keys.begin(), keys.end());
      } else {
        tmp.resize((size_t)len);
        radix_sort(keys, tmp);
      }
      float* dst = out + o * k * inner + i;
      for (long j = 0; j < k; j++) dst[j * inner] = (float)(uint32_t)keys[j];
    }
  });
}

}  // namespace bp

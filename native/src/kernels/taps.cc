#include "taps.h"

#include <algorithm>
#include <vector>

#include "../runtime/thread_pool.h"

namespace bp {
namespace {

// Floats written per task, about (as the element-wise kernels' grain).
constexpr long kGrain = 32768;

// For each input position c, the taps p (= j k + t) that read it, in order, as their weights and
// outputs j: weight[first[c] .. first[c + 1]) and out[...]. (A counting sort of the index.)
struct Readers {
  std::vector<int32_t> first, out;
  std::vector<float> weight;
  Readers(const int32_t* index, const float* w, long k, long n, long len) : first((size_t)len + 1, 0), out((size_t)n), weight((size_t)n) {
    for (long p = 0; p < n; p++) first[(size_t)index[p] + 1]++;
    for (long c = 0; c < len; c++) first[(size_t)c + 1] += first[(size_t)c];
    std::vector<int32_t> next(first.begin(), first.end() - 1);
    for (long p = 0; p < n; p++) {
      const size_t q = (size_t)next[(size_t)index[p]]++;
      out[q] = (int32_t)(p / k);
      weight[q] = w[p];
    }
  }
};

// weighted_taps' outputs of one float (a resize along the last dimension); K the taps a position
// when a constant (0: k's). With k read at run time a doubled row's outputs took 9 cycles each.
template <long K>
void one_float_rows(const float* x, const int32_t* index, const float* weight, long m, float* y, long k = K) {
  const long taps = K > 0 ? K : k;
  for (long j = 0; j < m; j++) {
    const int32_t* ix = index + j * taps;
    const float* w = weight + j * taps;
    float s = w[0] * x[ix[0]];
    for (long t = 1; t < taps; t++) s = s + w[t] * x[ix[t]];
    y[j] = s;
  }
}

}  // namespace

void weighted_taps(const float* x, long outer, long len, long inner, const int32_t* index, const float* weight, long k, long m,
                   float* out) {
  const long per_outer = std::max(1L, m * inner * k);
  parallel_for((size_t)outer, (size_t)std::max(1L, kGrain / per_outer), [&](size_t o0, size_t o1) {
    for (long o = (long)o0; o < (long)o1; o++) {
      const float* xo = x + o * len * inner;
      float* yo = out + o * m * inner;
      if (inner == 1) {
        if (k == 2) one_float_rows<2>(xo, index, weight, m, yo);
        else if (k == 4) one_float_rows<4>(xo, index, weight, m, yo);
        else one_float_rows<0>(xo, index, weight, m, yo, k);
        continue;
      }
      for (long j = 0; j < m; j++) {
        float* row = yo + j * inner;
        const int32_t* ix = index + j * k;
        const float* w = weight + j * k;
        const float* src = xo + ix[0] * inner;
        const float w0 = w[0];
        for (long i = 0; i < inner; i++) row[i] = w0 * src[i];
        for (long t = 1; t < k; t++) {
          const float* s = xo + ix[t] * inner;
          const float wt = w[t];
          for (long i = 0; i < inner; i++) row[i] = row[i] + wt * s[i];
        }
      }
    }
  });
}

void weighted_taps_grad(const float* gy, long outer, long len, long inner, const int32_t* index, const float* weight, long k,
                        long m, float* gx) {
  const long per_outer = std::max(1L, m * inner * k + len * inner);
  // One float a position (a resize along the last dimension): each input position gathers its
  // taps' shares, a chain of its own; spread tap by tap, the adds into one position (a doubled side
  // has about four) waited on each other's stores.
  const Readers readers = inner == 1 ? Readers(index, weight, k, m * k, len) : Readers(index, weight, k, 0, 0);
  parallel_for((size_t)outer, (size_t)std::max(1L, kGrain / per_outer), [&](size_t o0, size_t o1) {
    for (long o = (long)o0; o < (long)o1; o++) {
      const float* go = gy + o * m * inner;
      float* xo = gx + o * len * inner;
      if (inner == 1) {
        for (long c = 0; c < len; c++) {
          float s = 0.0f;
          for (int32_t q = readers.first[(size_t)c]; q < readers.first[(size_t)c + 1]; q++) s = s + readers.weight[(size_t)q] * go[readers.out[(size_t)q]];
          xo[c] = s;
        }
        continue;
      }
      std::fill(xo, xo + len * inner, 0.0f);
      for (long j = 0; j < m; j++) {
        const float* g = go + j * inner;
        for (long t = 0; t < k; t++) {
          float* row = xo + index[j * k + t] * inner;
          const float wt = weight[j * k + t];
          for (long i = 0; i < inner; i++) row[i] = row[i] + wt * g[i];
        }
      }
    }
  });
}

}  // namespace bp

#include "image.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../runtime/thread_pool.h"

namespace bp {
namespace {

// Floats written per task, about (as the element-wise kernels' grain).
constexpr long kGrain = 32768;

// The first row (column) of a window that lies inside the image, stepping by the dilation from its
// start, and the end of its extent clipped to the image.
inline void inside(long start, long k, long d, long size, long& first, long& end) {
  first = start;
  if (first < 0) first += (-first + d - 1) / d * d;
  end = std::min(start + (k - 1) * d + 1, size);
}

// a / b rounded up, for b > 0 and any sign of a.
inline long ceil_div(long a, long b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

inline uint32_t bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}
inline float from_bits(uint32_t u) {
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

}  // namespace

void image_rows(const float* x, const ImageGeometry& g, long c0, long cg, float pad, float* rows) {
  const long width = cg * g.kh * g.kw, positions = g.n * g.oh * g.ow;
  parallel_for((size_t)positions, (size_t)std::max(1L, kGrain / std::max(1L, width)), [&](size_t r0, size_t r1) {
    for (long r = (long)r0; r < (long)r1; r++) {
      const long j = r % g.ow, i = r / g.ow % g.oh, b = r / (g.ow * g.oh);
      const long y0 = i * g.sh - g.ph, x0 = j * g.sw - g.pw;
      // A window wholly inside the image, undilated: each of its rows is one copy.
      const bool whole = g.dw == 1 && y0 >= 0 && x0 >= 0 && y0 + (g.kh - 1) * g.dh < g.h && x0 + g.kw <= g.w;
      float* out = rows + r * width;
      for (long k = 0; k < cg; k++) {
        const float* plane = x + ((b * g.c + c0 + k) * g.h) * g.w;
        for (long u = 0; u < g.kh; u++, out += g.kw) {
          const long y = y0 + u * g.dh;
          if (whole) {
            // A loop rather than a memcpy call for a window row of a few floats (3 for a 3x3
            // kernel). It measured the same (a LeNet step's two imageRows at one thread, 3.9 ms):
            // writing the rows, 14.5 MB a step, is what costs.
            const float* src = plane + y * g.w + x0;
            for (long v = 0; v < g.kw; v++) out[v] = src[v];
            continue;
          }
          if (y < 0 || y >= g.h) {
            std::fill(out, out + g.kw, pad);
            continue;
          }
          const float* line = plane + y * g.w;
          for (long v = 0; v < g.kw; v++) {
            const long xx = x0 + v * g.dw;
            out[v] = xx >= 0 && xx < g.w ? line[xx] : pad;
          }
        }
      }
    }
  });
}

void image_rows_grad(const float* rows, const ImageGeometry& g, long c0, long cg, float* gx) {
  const long width = cg * g.kh * g.kw, plane_size = g.h * g.w, window = g.kh * g.kw;
  const long per_plane = g.oh * g.ow * window;  // floats of rows read for one plane
  // Tasks take runs of planes (image b's channel k is plane b cg + k). Within a task each image's
  // rows are read once, in order, adding into all of its planes the task holds: each plane still
  // gets its sums in the order of the rows and then of the window, the reference's. (Plane by
  // plane, every row was fetched again for each channel, a few floats of it at a time: a LeNet
  // step's two imageRowsGrad at one thread took 5.0 ms.)
  parallel_for((size_t)(g.n * cg), (size_t)std::max(1L, kGrain / std::max(1L, per_plane + plane_size)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1;) {
      const long b = p / cg, k0 = p % cg, k1 = std::min(cg, k0 + ((long)p1 - p));
      float* const planes = gx + (b * g.c + c0) * plane_size;  // channel c0 + k at planes + k plane_size
      std::fill(planes + k0 * plane_size, planes + k1 * plane_size, 0.0f);
      for (long i = 0; i < g.oh; i++) {
        const long y0 = i * g.sh - g.ph;
        const bool rows_inside = y0 >= 0 && y0 + (g.kh - 1) * g.dh < g.h;
        for (long j = 0; j < g.ow; j++) {
          const long x0 = j * g.sw - g.pw;
          const bool whole = rows_inside && g.dw == 1 && x0 >= 0 && x0 + g.kw <= g.w;
          const float* in = rows + ((b * g.oh + i) * g.ow + j) * width + k0 * window;
          for (long k = k0; k < k1; k++) {
            float* const plane = planes + k * plane_size;
            for (long u = 0; u < g.kh; u++, in += g.kw) {
              const long y = y0 + u * g.dh;
              if (whole) {
                float* line = plane + y * g.w + x0;
                for (long v = 0; v < g.kw; v++) line[v] += in[v];
                continue;
              }
              if (y < 0 || y >= g.h) continue;
              float* line = plane + y * g.w;
              for (long v = 0; v < g.kw; v++) {
                const long xx = x0 + v * g.dw;
                if (xx >= 0 && xx < g.w) line[xx] += in[v];
              }
            }
          }
        }
      }
      p += k1 - k0;
    }
  });
}

void max_pool2d(const float* x, const ImageGeometry& g, float* out, int32_t* indices) {
  const long plane_size = g.h * g.w, outs = g.oh * g.ow;
  parallel_for((size_t)(g.n * g.c), (size_t)std::max(1L, kGrain / std::max(1L, plane_size + outs)), [&](size_t p0, size_t p1) {
    // A row of outputs at a time, visiting each window element (u, v) for all of the row's windows
    // in turn: each window still sees its elements in torch's order (row by row), and the windows'
    // compares no longer wait on one another. One window after another, each compare waited on the
    // last: a LeNet step's two poolings at one thread took 9.4 ms (branches) and 6.9 (selects); this
    // way [64, 32, 28, 28] alone takes 4.1 ms (2x2 windows; torch's max_pool2d with indices 14.2).
    // Only the elements v that some window has inside the image (column j sw + v dw - pw in [0, w)
    // for some j < ow) are visited: the others are padding for every window, and a kernel far wider
    // than the image (a geometry the addon accepts) would otherwise loop over them all.
    const long v0 = std::max(0L, ceil_div(g.pw - (g.ow - 1) * g.sw, g.dw));
    const long v1 = std::min(g.kw, ceil_div(g.w + g.pw, g.dw));
    std::vector<float> best((size_t)g.ow);
    std::vector<long> at((size_t)g.ow);
    for (long p = (long)p0; p < (long)p1; p++) {
      const long base = p * plane_size;
      for (long i = 0; i < g.oh; i++) {
        long y0, y1;
        inside(i * g.sh - g.ph, g.kh, g.dh, g.h, y0, y1);
        for (long j = 0; j < g.ow; j++) {
          long x0, x1;
          inside(j * g.sw - g.pw, g.kw, g.dw, g.w, x0, x1);
          best[j] = -INFINITY;
          at[j] = y0 < y1 && x0 < x1 ? base + y0 * g.w + x0 : -1;
        }
        for (long y = y0; y < y1; y += g.dh) {
          const long row = base + y * g.w;
          for (long v = v0; v < v1; v++) {
            // The windows whose element v lies inside the row: 0 <= j sw - pw + v dw < w.
            const long shift = v * g.dw - g.pw;  // column of window j's element v: j sw + shift
            const long j0 = shift >= 0 ? 0 : (-shift + g.sw - 1) / g.sw;
            const long j1 = std::min(g.ow, g.w - shift <= 0 ? 0 : (g.w - shift - 1) / g.sw + 1);
            const float* __restrict src = x + row + shift;
            float* __restrict b = best.data();
            long* __restrict a = at.data();
            for (long j = j0; j < j1; j++) {
              const float val = src[j * g.sw], held = b[j];
              // torch's rule, a larger value or any NaN, as masks: the compiler makes a branch of
              // `take ? val : held`, and which element of a window is largest is data.
              const uint32_t take = (uint32_t)(val > held) | (uint32_t)(val != val);
              const uint32_t mask = 0u - take;
              b[j] = from_bits((bits(val) & mask) | (bits(held) & ~mask));
              a[j] ^= (a[j] ^ (row + shift + j * g.sw)) & -(long)take;
            }
          }
        }
        float* o = out + p * outs + i * g.ow;
        int32_t* idx = indices + p * outs + i * g.ow;
        for (long j = 0; j < g.ow; j++) {
          o[j] = best[j];
          idx[j] = (int32_t)at[j];
        }
      }
    }
  });
}

}  // namespace bp

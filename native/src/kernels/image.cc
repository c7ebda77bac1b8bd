#include "image.h"

#include <algorithm>
#include <cmath>
#include <cstring>

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
            std::memcpy(out, plane + y * g.w + x0, (size_t)g.kw * sizeof(float));
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
  const long width = cg * g.kh * g.kw, plane_size = g.h * g.w;
  const long per_plane = g.oh * g.ow * g.kh * g.kw;  // floats of rows read for one plane
  parallel_for((size_t)(g.n * cg), (size_t)std::max(1L, kGrain / std::max(1L, per_plane + plane_size)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      const long b = p / cg, k = p % cg;
      float* plane = gx + (b * g.c + c0 + k) * plane_size;
      std::fill(plane, plane + plane_size, 0.0f);
      for (long i = 0; i < g.oh; i++) {
        const long y0 = i * g.sh - g.ph;
        for (long j = 0; j < g.ow; j++) {
          const long x0 = j * g.sw - g.pw;
          const float* in = rows + ((b * g.oh + i) * g.ow + j) * width + k * g.kh * g.kw;
          for (long u = 0; u < g.kh; u++, in += g.kw) {
            const long y = y0 + u * g.dh;
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
  });
}

void max_pool2d(const float* x, const ImageGeometry& g, float* out, int32_t* indices) {
  const long plane_size = g.h * g.w, outs = g.oh * g.ow;
  parallel_for((size_t)(g.n * g.c), (size_t)std::max(1L, kGrain / std::max(1L, plane_size + outs)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      const float* plane = x + p * plane_size;
      for (long i = 0; i < g.oh; i++) {
        long y0, y1;
        inside(i * g.sh - g.ph, g.kh, g.dh, g.h, y0, y1);
        for (long j = 0; j < g.ow; j++) {
          long x0, x1;
          inside(j * g.sw - g.pw, g.kw, g.dw, g.w, x0, x1);
          float best = -INFINITY;
          long at = y0 < y1 && x0 < x1 ? y0 * g.w + x0 : -1;
          for (long y = y0; y < y1; y += g.dh) {
            for (long xx = x0; xx < x1; xx += g.dw) {
              const float v = plane[y * g.w + xx];
              if (v > best || std::isnan(v)) {
                best = v;
                at = y * g.w + xx;
              }
            }
          }
          out[p * outs + i * g.ow + j] = best;
          indices[p * outs + i * g.ow + j] = (int32_t)at;
        }
      }
    }
  });
}

}  // namespace bp

// torch's grid sampler (ATen's GridSampler.h and GridSamplerKernel's scalar path), one point at a
// time: each operation in float and in torch's order, so that the reference twin's fround'ed steps
// give the same bits (this file is built without fused multiply-adds).
#include "grid_sample.h"

#include <algorithm>
#include <cmath>

#include "../runtime/cpu.h"
#include "../runtime/thread_pool.h"
#include "grid_sample_lanes.h"

namespace bp {
namespace {

constexpr long kGrain = 4096;  // output points (times the channels) per task, about

// A grid coordinate as a pixel position along a side of `size`, with the padding mode applied, and
// d(position) / d(coordinate) in `grad` (torch's grid_sampler_compute_source_index_set_grad).
float source_index(float coord, long size, int padding, bool align, float& grad) {
  const float fsize = (float)size;
  if (align) {
    grad = (fsize - 1) / 2;
    coord = ((coord + 1) / 2) * (fsize - 1);
  } else {
    grad = fsize / 2;
    coord = ((coord + 1) * fsize - 1) / 2;
  }
  if (padding == 0) return coord;
  if (padding == 2) {
    // reflect_coordinates_set_grad over [twice_low / 2, twice_high / 2].
    const float twice_low = align ? 0.0f : -1.0f, twice_high = align ? 2 * (fsize - 1) : 2 * fsize - 1;
    if (twice_low == twice_high) {
      grad = 0;
      return 0;
    }
    const float low = twice_low / 2, span = (twice_high - twice_low) / 2;
    float in = coord - low, mult = 1;
    if (in < 0) {
      mult = -1;
      in = -in;
    }
    const float extra = std::fmod(in, span);
    // torch counts the flips in an int; the parity of the float count is the same where that fits.
    if (std::fmod(std::floor(in / span), 2.0f) == 0) coord = extra + low;
    else {
      coord = span - extra + low;
      mult = -mult;
    }
    grad *= mult;
  }
  // clip_coordinates_set_grad: to [0, size - 1], no gradient at or past the edges.
  if (coord <= 0) {
    grad = 0;
    return 0;
  }
  if (coord >= fsize - 1) {
    grad = 0;
    return fsize - 1;
  }
  return coord;
}

inline bool inside(long y, long x, long h, long w) { return y >= 0 && y < h && x >= 0 && x < w; }

// A whole pixel position as an integer; NaN, infinities and positions past 2^40 (a grid of 1e30)
// become -2, outside every image, where the conversion would be undefined.
inline long whole(float v) { return std::fabs(v) < 0x1p40f ? (long)v : -2; }

// One point's four neighbours (bilinear), as torch names them: nw, ne, sw, se; the first's offset in
// a plane, each one's weight and whether it lies inside the image, and the position's floors and
// ceilings.
struct Corners {
  long at;
  float nw, ne, sw, se;
  bool in_nw, in_ne, in_sw, in_se;
  float fx0, fy0, fx1, fy1;
};

Corners corners(float ix, float iy, long h, long w) {
  const float fx0 = std::floor(ix), fy0 = std::floor(iy);
  const float fx1 = fx0 + 1, fy1 = fy0 + 1;
  const long x0 = whole(fx0), y0 = whole(fy0);
  return {y0 * w + x0, (fx1 - ix) * (fy1 - iy), (ix - fx0) * (fy1 - iy), (fx1 - ix) * (iy - fy0), (ix - fx0) * (iy - fy0),
          inside(y0, x0, h, w), inside(y0, x0 + 1, h, w), inside(y0 + 1, x0, h, w), inside(y0 + 1, x0 + 1, h, w), fx0, fy0, fx1, fy1};
}

// Whether the vector loops (grid_sample_avx2.cc: the same bits) take a call: on a CPU with AVX2 that
// BACKPROP_ISA allows, for zeros and border padding, where their 32-bit offsets reach every pixel of
// a plane. (Null loops, where they were not compiled, leave the scalar ones.)
bool vector_loops(const GridGeometry& g, int padding) {
  static const bool avx2 = cpu_isa() >= Isa::kAvx2;
  return avx2 && padding != 2 && g.h * g.w < (1L << 31) - g.w - 1;
}

}  // namespace

void grid_sample(const float* x, const float* grid, const GridGeometry& g, int mode, int padding, bool align, float* out) {
  const long points = g.ho * g.wo, plane = g.h * g.w;
  const GridRun run = vector_loops(g, padding) ? grid_sample_run_avx2() : nullptr;
  const GridLanes lanes{g.c, g.h, g.w, plane, points, mode, padding, align};
  const auto one = [&](long p) {
    const long b = p / points, at = p % points;
    float gradx, grady;
    const float ix = source_index(grid[2 * p], g.w, padding, align, gradx);
    const float iy = source_index(grid[2 * p + 1], g.h, padding, align, grady);
    const float* const image = x + b * g.c * plane;
    float* const o = out + b * g.c * points + at;
    if (mode == 1) {
      const long xn = whole(std::nearbyint(ix)), yn = whole(std::nearbyint(iy));
      const bool in = inside(yn, xn, g.h, g.w);
      for (long c = 0; c < g.c; c++) o[c * points] = in ? image[c * plane + yn * g.w + xn] : 0.0f;
      return;
    }
    const Corners k = corners(ix, iy, g.h, g.w);
    const long nw = k.at;
    for (long c = 0; c < g.c; c++) {
      const float* const src = image + c * plane;
      float acc = 0;
      if (k.in_nw) acc += src[nw] * k.nw;
      if (k.in_ne) acc += src[nw + 1] * k.ne;
      if (k.in_sw) acc += src[nw + g.w] * k.sw;
      if (k.in_se) acc += src[nw + g.w + 1] * k.se;
      o[c * points] = acc;
    }
  };
  parallel_for((size_t)(g.n * points), (size_t)std::max(1L, kGrain / std::max(1L, g.c)), [&](size_t p0, size_t p1) {
    // Run by run of points within one image: eight at a time where the vector loop runs, the rest
    // one at a time.
    for (long p = (long)p0; p < (long)p1;) {
      const long b = p / points, end = std::min((long)p1, (b + 1) * points);
      if (run) p += run(x + b * g.c * plane, grid + 2 * p, end - p, lanes, out + b * g.c * points + p % points);
      for (; p < end; p++) one(p);
    }
  });
}

void grid_sample_grad(const float* gy, const float* x, const float* grid, const GridGeometry& g, int mode, int padding, bool align,
                      float* gx, float* ggrid) {
  const long points = g.ho * g.wo, plane = g.h * g.w;
  // The vector loop: the same bits, the same order of adds into each pixel.
  const GridGradRun run = vector_loops(g, padding) ? grid_sample_grad_run_avx2() : nullptr;
  const GridLanes lanes{g.c, g.h, g.w, plane, points, mode, padding, align};
  // Point `at` of image b, its gradient into gimage (that image's, or null) and ggrid.
  const auto one = [&](long b, long at, const float* image, float* gimage) {
    const long p = b * points + at;
    float gradx, grady;
    const float ix = source_index(grid[2 * p], g.w, padding, align, gradx);
    const float iy = source_index(grid[2 * p + 1], g.h, padding, align, grady);
    const float* const go = gy + b * g.c * points + at;
    if (mode == 1) {
      const long xn = whole(std::nearbyint(ix)), yn = whole(std::nearbyint(iy));
      if (gimage && inside(yn, xn, g.h, g.w))
        for (long c = 0; c < g.c; c++) gimage[c * plane + yn * g.w + xn] += go[c * points];
      if (ggrid) ggrid[2 * p] = ggrid[2 * p + 1] = 0.0f;
      return;
    }
    const Corners k = corners(ix, iy, g.h, g.w);
    const float fx0 = k.fx0, fy0 = k.fy0, fx1 = k.fx1, fy1 = k.fy1;
    const long nw = k.at;
    float gix = 0, giy = 0;
    for (long c = 0; c < g.c; c++) {
      const float gout = go[c * points];
      const float* const src = image + c * plane;
      float* const gsrc = gimage ? gimage + c * plane : nullptr;
      if (k.in_nw) {
        if (gsrc) gsrc[nw] += k.nw * gout;
        const float v = src[nw];
        gix -= v * (fy1 - iy) * gout;
        giy -= v * (fx1 - ix) * gout;
      }
      if (k.in_ne) {
        if (gsrc) gsrc[nw + 1] += k.ne * gout;
        const float v = src[nw + 1];
        gix += v * (fy1 - iy) * gout;
        giy -= v * (ix - fx0) * gout;
      }
      if (k.in_sw) {
        if (gsrc) gsrc[nw + g.w] += k.sw * gout;
        const float v = src[nw + g.w];
        gix -= v * (iy - fy0) * gout;
        giy += v * (fx1 - ix) * gout;
      }
      if (k.in_se) {
        if (gsrc) gsrc[nw + g.w + 1] += k.se * gout;
        const float v = src[nw + g.w + 1];
        gix += v * (iy - fy0) * gout;
        giy += v * (ix - fx0) * gout;
      }
    }
    if (ggrid) {
      ggrid[2 * p] = gradx * gix;
      ggrid[2 * p + 1] = grady * giy;
    }
  };
  // Whole images per task: the points of one image add into the same input pixels, in point order.
  parallel_for((size_t)g.n, 1, [&](size_t b0, size_t b1) {
    for (long b = (long)b0; b < (long)b1; b++) {
      const float* const image = x + b * g.c * plane;
      float* const gimage = gx ? gx + b * g.c * plane : nullptr;
      if (gimage) std::fill(gimage, gimage + g.c * plane, 0.0f);
      long at = 0;
      if (run) at = run(image, grid + 2 * b * points, gy + b * g.c * points, points, lanes, gimage, ggrid ? ggrid + 2 * b * points : nullptr);
      for (; at < points; at++) one(b, at, image, gimage);
    }
  });
}

}  // namespace bp

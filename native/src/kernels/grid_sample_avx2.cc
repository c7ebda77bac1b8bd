// gridSample's forward and gradient eight points at a time in AVX2, for zeros and border padding
// (reflection's fmod stays in grid_sample.cc's loops, one point at a time). Each step is
// grid_sample.cc's scalar operation in the same order, lane by lane (this file is compiled with
// -mavx2 and -ffp-contract=off, as grid_sample.cc is without the vectors), so the same bits as the
// reference twin. Where a point lies is decided on the floors as floats: grid_sample.cc's whole()
// makes NaN, infinities and positions past 2^40 an outside pixel, and a float comparison finds them
// outside too, while inside every floor is a small whole number, exact as a float.
// One image, [32, 3, 128, 128] sampled at random points, one thread pinned (addon loop, medians of
// 40, 3 alternated pairs with BACKPROP_ISA=generic): forward 9.1 -> 3.1-3.3 ms, gradient 17.2 ->
// 8.7-9.8; two threads 4.7 -> 1.5 and 8.6 -> 4.1-4.6.
#include "grid_sample_lanes.h"

#if defined(__AVX2__)
#include <immintrin.h>

namespace bp {
namespace {

// grid_sample.cc's source_index for eight coordinates of a side of `size` (padding 0 or 1), with
// d(position) / d(coordinate) in *grad.
inline __m256 source_index8(__m256 coord, float fsize, int padding, bool align, __m256* grad) {
  const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f);
  // x / 2 is x * 0.5 exactly.
  *grad = _mm256_set1_ps(align ? (fsize - 1) / 2 : fsize / 2);
  if (align) coord = _mm256_mul_ps(_mm256_mul_ps(_mm256_add_ps(coord, one), half), _mm256_set1_ps(fsize - 1));
  else coord = _mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(_mm256_add_ps(coord, one), _mm256_set1_ps(fsize)), one), half);
  if (padding == 0) return coord;
  // clip_coordinates: 0 at or below 0, size - 1 at or past it, no gradient there (NaN fails both
  // and stays, gradient and all).
  const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps(fsize - 1);
  const __m256 low = _mm256_cmp_ps(coord, zero, _CMP_LE_OQ);
  coord = _mm256_blendv_ps(coord, zero, low);
  const __m256 high = _mm256_cmp_ps(coord, top, _CMP_GE_OQ);
  *grad = _mm256_blendv_ps(*grad, zero, _mm256_or_ps(low, high));
  return _mm256_blendv_ps(coord, top, high);
}

// Eight points' positions in pixels along x and y, and d(position) / d(coordinate) of each, from
// their (x, y) pairs in grid.
struct Positions8 {
  __m256 ix, iy, dx, dy;
};

inline Positions8 positions8(const float* grid, const GridLanes& g) {
  const __m256 lo = _mm256_loadu_ps(grid), hi = _mm256_loadu_ps(grid + 8);
  // The x's and the y's in point order.
  const __m256 gx = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xd8));
  const __m256 gy = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xdd)), 0xd8));
  Positions8 q;
  q.ix = source_index8(gx, (float)g.w, g.padding, g.align, &q.dx);
  q.iy = source_index8(gy, (float)g.h, g.padding, g.align, &q.dy);
  return q;
}

// Lanes where the whole position v lies in [0, size).
inline __m256 within(__m256 v, float size) {
  return _mm256_and_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ), _mm256_cmp_ps(v, _mm256_set1_ps(size), _CMP_LT_OQ));
}

// The nearest pixels of eight positions (halves to even, as nearbyint): which are inside, and their
// offsets in a plane.
struct Nearest8 {
  __m256 in;
  __m256i at;
};

inline Nearest8 nearest8(const Positions8& q, float fw, float fh, __m256i width) {
  const __m256 xn = _mm256_round_ps(q.ix, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 yn = _mm256_round_ps(q.iy, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  return {_mm256_and_ps(within(xn, fw), within(yn, fh)), _mm256_add_epi32(_mm256_mullo_epi32(_mm256_cvttps_epi32(yn), width), _mm256_cvttps_epi32(xn))};
}

// grid_sample.cc's corners() for eight points: the floors and ceilings, the position's distances
// from them, the four weights, which corners are inside, and each corner's offset in a plane.
struct Corners8 {
  __m256 fx0, fy0, fx1, fy1;
  __m256 dx0, dx1, dy0, dy1;  // ix - fx0, fx1 - ix, iy - fy0, fy1 - iy
  __m256 wnw, wne, wsw, wse;
  __m256 in_nw, in_ne, in_sw, in_se;
  __m256i nw, ne, sw, se;
};

inline Corners8 corners8(const Positions8& q, float fw, float fh, __m256i width) {
  Corners8 k;
  const __m256 one = _mm256_set1_ps(1.0f);
  k.fx0 = _mm256_floor_ps(q.ix);
  k.fy0 = _mm256_floor_ps(q.iy);
  k.fx1 = _mm256_add_ps(k.fx0, one);
  k.fy1 = _mm256_add_ps(k.fy0, one);
  k.dx0 = _mm256_sub_ps(q.ix, k.fx0);
  k.dx1 = _mm256_sub_ps(k.fx1, q.ix);
  k.dy0 = _mm256_sub_ps(q.iy, k.fy0);
  k.dy1 = _mm256_sub_ps(k.fy1, q.iy);
  k.wnw = _mm256_mul_ps(k.dx1, k.dy1);
  k.wne = _mm256_mul_ps(k.dx0, k.dy1);
  k.wsw = _mm256_mul_ps(k.dx1, k.dy0);
  k.wse = _mm256_mul_ps(k.dx0, k.dy0);
  const __m256 x0in = within(k.fx0, fw), x1in = within(k.fx1, fw), y0in = within(k.fy0, fh), y1in = within(k.fy1, fh);
  k.in_nw = _mm256_and_ps(y0in, x0in);
  k.in_ne = _mm256_and_ps(y0in, x1in);
  k.in_sw = _mm256_and_ps(y1in, x0in);
  k.in_se = _mm256_and_ps(y1in, x1in);
  const __m256i step = _mm256_set1_epi32(1);
  k.nw = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_cvttps_epi32(k.fy0), width), _mm256_cvttps_epi32(k.fx0));
  k.ne = _mm256_add_epi32(k.nw, step);
  k.sw = _mm256_add_epi32(k.nw, width);
  k.se = _mm256_add_epi32(k.sw, step);
  return k;
}

// A corner's value where it is inside, 0 elsewhere.
inline __m256 corner(const float* plane, __m256i at, __m256 in) {
  return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), plane, at, in, 4);
}

// acc + v * weight where the corner is inside, acc elsewhere (the scalar loop skips the add).
inline __m256 add_corner(__m256 acc, const float* plane, __m256i at, __m256 in, __m256 weight) {
  return _mm256_blendv_ps(acc, _mm256_add_ps(acc, _mm256_mul_ps(corner(plane, at, in), weight)), in);
}

long run(const float* image, const float* grid, long count, const GridLanes& g, float* out) {
  const float fw = (float)g.w, fh = (float)g.h;
  const __m256i width = _mm256_set1_epi32((int)g.w);
  long p = 0;
  for (; p + 8 <= count; p += 8) {
    const Positions8 q = positions8(grid + 2 * p, g);
    float* const o = out + p;
    if (g.mode == 1) {
      const Nearest8 near = nearest8(q, fw, fh, width);
      for (long c = 0; c < g.c; c++) _mm256_storeu_ps(o + c * g.points, corner(image + c * g.plane, near.at, near.in));
      continue;
    }
    const Corners8 k = corners8(q, fw, fh, width);
    for (long c = 0; c < g.c; c++) {
      const float* const plane = image + c * g.plane;
      __m256 acc = _mm256_setzero_ps();
      acc = add_corner(acc, plane, k.nw, k.in_nw, k.wnw);
      acc = add_corner(acc, plane, k.ne, k.in_ne, k.wne);
      acc = add_corner(acc, plane, k.sw, k.in_sw, k.wsw);
      acc = add_corner(acc, plane, k.se, k.in_se, k.wse);
      _mm256_storeu_ps(o + c * g.points, acc);
    }
  }
  return p;
}

// grid_sample_grad's loop eight points at a time, in point order: each point's products and the
// grid's gradient in vectors, lane by lane as the scalar loop computes them; the input's gradient
// added point by point (neighbouring points add into the same pixels, each pixel's adds in point
// order as the scalar loop makes them).
long run_grad(const float* image, const float* grid, const float* go, long count, const GridLanes& g, float* gimage,
              float* ggrid) {
  const float fw = (float)g.w, fh = (float)g.h;
  const __m256i width = _mm256_set1_epi32((int)g.w);
  long p = 0;
  for (; p + 8 <= count; p += 8) {
    const Positions8 q = positions8(grid + 2 * p, g);
    if (g.mode == 1) {
      if (gimage) {
        const Nearest8 near = nearest8(q, fw, fh, width);
        const int in = _mm256_movemask_ps(near.in);
        alignas(32) int at[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(at), near.at);
        for (int l = 0; l < 8; l++)
          if (in >> l & 1)
            for (long c = 0; c < g.c; c++) gimage[c * g.plane + at[l]] += go[c * g.points + p + l];
      }
      if (ggrid) {
        _mm256_storeu_ps(ggrid + 2 * p, _mm256_setzero_ps());
        _mm256_storeu_ps(ggrid + 2 * p + 8, _mm256_setzero_ps());
      }
      continue;
    }
    const Corners8 k = corners8(q, fw, fh, width);
    alignas(32) int at[4][8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(at[0]), k.nw);
    _mm256_store_si256(reinterpret_cast<__m256i*>(at[1]), k.ne);
    _mm256_store_si256(reinterpret_cast<__m256i*>(at[2]), k.sw);
    _mm256_store_si256(reinterpret_cast<__m256i*>(at[3]), k.se);
    const int in[4] = {_mm256_movemask_ps(k.in_nw), _mm256_movemask_ps(k.in_ne), _mm256_movemask_ps(k.in_sw), _mm256_movemask_ps(k.in_se)};
    __m256 gix = _mm256_setzero_ps(), giy = _mm256_setzero_ps();
    // gi -= v * d * gout (sub) or gi += v * d * gout, where the corner is inside.
    const auto step = [](__m256 gi, __m256 v, __m256 d, __m256 gout, __m256 inside, bool sub) {
      const __m256 t = _mm256_mul_ps(_mm256_mul_ps(v, d), gout);
      return _mm256_blendv_ps(gi, sub ? _mm256_sub_ps(gi, t) : _mm256_add_ps(gi, t), inside);
    };
    for (long c = 0; c < g.c; c++) {
      const __m256 gout = _mm256_loadu_ps(go + c * g.points + p);
      const float* const plane = image + c * g.plane;
      const __m256 vnw = corner(plane, k.nw, k.in_nw), vne = corner(plane, k.ne, k.in_ne);
      const __m256 vsw = corner(plane, k.sw, k.in_sw), vse = corner(plane, k.se, k.in_se);
      gix = step(gix, vnw, k.dy1, gout, k.in_nw, true);
      giy = step(giy, vnw, k.dx1, gout, k.in_nw, true);
      gix = step(gix, vne, k.dy1, gout, k.in_ne, false);
      giy = step(giy, vne, k.dx0, gout, k.in_ne, true);
      gix = step(gix, vsw, k.dy0, gout, k.in_sw, true);
      giy = step(giy, vsw, k.dx1, gout, k.in_sw, false);
      gix = step(gix, vse, k.dy0, gout, k.in_se, false);
      giy = step(giy, vse, k.dx0, gout, k.in_se, false);
      if (gimage) {
        alignas(32) float add[4][8];
        _mm256_store_ps(add[0], _mm256_mul_ps(k.wnw, gout));
        _mm256_store_ps(add[1], _mm256_mul_ps(k.wne, gout));
        _mm256_store_ps(add[2], _mm256_mul_ps(k.wsw, gout));
        _mm256_store_ps(add[3], _mm256_mul_ps(k.wse, gout));
        float* const gplane = gimage + c * g.plane;
        for (int l = 0; l < 8; l++)
          for (int j = 0; j < 4; j++)
            if (in[j] >> l & 1) gplane[at[j][l]] += add[j][l];
      }
    }
    if (ggrid) {
      // (x, y) pairs in point order.
      const __m256 rx = _mm256_mul_ps(q.dx, gix), ry = _mm256_mul_ps(q.dy, giy);
      const __m256 lo = _mm256_unpacklo_ps(rx, ry), hi = _mm256_unpackhi_ps(rx, ry);
      _mm256_storeu_ps(ggrid + 2 * p, _mm256_permute2f128_ps(lo, hi, 0x20));
      _mm256_storeu_ps(ggrid + 2 * p + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    }
  }
  return p;
}

}  // namespace

GridRun grid_sample_run_avx2() { return run; }
GridGradRun grid_sample_grad_run_avx2() { return run_grad; }

}  // namespace bp
#else
namespace bp {
GridRun grid_sample_run_avx2() { return nullptr; }
GridGradRun grid_sample_grad_run_avx2() { return nullptr; }
}  // namespace bp
#endif

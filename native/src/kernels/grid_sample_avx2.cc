// gridSample's forward eight points at a time in AVX2, for zeros and border padding (reflection's
// fmod stays in grid_sample.cc's loop, one point at a time). Each step is grid_sample.cc's scalar
// operation in the same order, lane by lane (this file is compiled with -mavx2 and
// -ffp-contract=off, as grid_sample.cc is without the vectors), so the same bits as the reference
// twin. Where a point lies is decided on the floors as floats: grid_sample.cc's whole() makes NaN,
// infinities and positions past 2^40 an outside pixel, and a float comparison finds them outside
// too, while inside every floor is a small whole number, exact as a float.
#include "grid_sample_lanes.h"

#if defined(__AVX2__)
#include <immintrin.h>

namespace bp {
namespace {

// grid_sample.cc's source_index for eight coordinates of a side of `size` (padding 0 or 1).
inline __m256 source_index8(__m256 coord, float fsize, int padding, bool align) {
  const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f);
  // x / 2 is x * 0.5 exactly.
  if (align) coord = _mm256_mul_ps(_mm256_mul_ps(_mm256_add_ps(coord, one), half), _mm256_set1_ps(fsize - 1));
  else coord = _mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(_mm256_add_ps(coord, one), _mm256_set1_ps(fsize)), one), half);
  if (padding == 0) return coord;
  // clip_coordinates: 0 at or below 0, size - 1 at or past it (NaN fails both and stays).
  const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps(fsize - 1);
  coord = _mm256_blendv_ps(coord, zero, _mm256_cmp_ps(coord, zero, _CMP_LE_OQ));
  return _mm256_blendv_ps(coord, top, _mm256_cmp_ps(coord, top, _CMP_GE_OQ));
}

// Lanes where the whole position v lies in [0, size).
inline __m256 within(__m256 v, float size) {
  return _mm256_and_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ), _mm256_cmp_ps(v, _mm256_set1_ps(size), _CMP_LT_OQ));
}

// acc + v * weight where the corner is inside, acc elsewhere (the scalar loop skips the add).
inline __m256 add_corner(__m256 acc, const float* plane, __m256i at, __m256 in, __m256 weight) {
  const __m256 v = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), plane, at, in, 4);
  return _mm256_blendv_ps(acc, _mm256_add_ps(acc, _mm256_mul_ps(v, weight)), in);
}

long run(const float* image, const float* grid, long count, const GridLanes& g, float* out) {
  const float fw = (float)g.w, fh = (float)g.h;
  const __m256i width = _mm256_set1_epi32((int)g.w);
  long p = 0;
  for (; p + 8 <= count; p += 8) {
    // Eight points' (x, y) pairs: x's and y's in point order.
    const __m256 lo = _mm256_loadu_ps(grid + 2 * p), hi = _mm256_loadu_ps(grid + 2 * p + 8);
    const __m256 gx = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xd8));
    const __m256 gy = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xdd)), 0xd8));
    const __m256 ix = source_index8(gx, fw, g.padding, g.align), iy = source_index8(gy, fh, g.padding, g.align);
    float* const o = out + p;
    if (g.mode == 1) {
      const __m256 xn = _mm256_round_ps(ix, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      const __m256 yn = _mm256_round_ps(iy, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      const __m256 in = _mm256_and_ps(within(xn, fw), within(yn, fh));
      const __m256i at = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_cvttps_epi32(yn), width), _mm256_cvttps_epi32(xn));
      for (long c = 0; c < g.c; c++)
        _mm256_storeu_ps(o + c * g.points, _mm256_mask_i32gather_ps(_mm256_setzero_ps(), image + c * g.plane, at, in, 4));
      continue;
    }
    // corners(): the floors, the four weights, which corners are inside.
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 fx0 = _mm256_floor_ps(ix), fy0 = _mm256_floor_ps(iy);
    const __m256 fx1 = _mm256_add_ps(fx0, one), fy1 = _mm256_add_ps(fy0, one);
    const __m256 wnw = _mm256_mul_ps(_mm256_sub_ps(fx1, ix), _mm256_sub_ps(fy1, iy));
    const __m256 wne = _mm256_mul_ps(_mm256_sub_ps(ix, fx0), _mm256_sub_ps(fy1, iy));
    const __m256 wsw = _mm256_mul_ps(_mm256_sub_ps(fx1, ix), _mm256_sub_ps(iy, fy0));
    const __m256 wse = _mm256_mul_ps(_mm256_sub_ps(ix, fx0), _mm256_sub_ps(iy, fy0));
    const __m256 x0in = within(fx0, fw), x1in = within(fx1, fw), y0in = within(fy0, fh), y1in = within(fy1, fh);
    const __m256 in_nw = _mm256_and_ps(y0in, x0in), in_ne = _mm256_and_ps(y0in, x1in);
    const __m256 in_sw = _mm256_and_ps(y1in, x0in), in_se = _mm256_and_ps(y1in, x1in);
    const __m256i nw = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_cvttps_epi32(fy0), width), _mm256_cvttps_epi32(fx0));
    const __m256i ne = _mm256_add_epi32(nw, _mm256_set1_epi32(1));
    const __m256i sw = _mm256_add_epi32(nw, width), se = _mm256_add_epi32(sw, _mm256_set1_epi32(1));
    for (long c = 0; c < g.c; c++) {
      const float* const plane = image + c * g.plane;
      __m256 acc = _mm256_setzero_ps();
      acc = add_corner(acc, plane, nw, in_nw, wnw);
      acc = add_corner(acc, plane, ne, in_ne, wne);
      acc = add_corner(acc, plane, sw, in_sw, wsw);
      acc = add_corner(acc, plane, se, in_se, wse);
      _mm256_storeu_ps(o + c * g.points, acc);
    }
  }
  return p;
}

}  // namespace

GridRun grid_sample_run_avx2() { return run; }

}  // namespace bp
#else
namespace bp {
GridRun grid_sample_run_avx2() { return nullptr; }
}  // namespace bp
#endif

// The walk along one row of a convolution's columns (image.h's image_columns layout) as runs: shared
// by window_row (image.cc) and the kernel sets' packing of those columns as a GEMM operand (pack.inc),
// which copy the runs each with their own vectors.
#pragma once

#include <algorithm>

#include "image.h"

namespace bp {

// The output columns [j0, j1) whose window element at column offset `shift` (v dw - pw) lies inside a
// line of width w: 0 <= j sw + shift < w (empty when j1 <= j0).
inline void columns_inside(long shift, long sw, long w, long ow, long& j0, long& j1) {
  j0 = std::min(ow, shift >= 0 ? 0 : (-shift + sw - 1) / sw);
  j1 = std::max(j0, std::min(ow, w - shift <= 0 ? 0 : (w - shift - 1) / sw + 1));
}

// Entries [p0, p0 + count) of row r of one image's columns (x its first float), one output row's
// part at a time: zero(t, n) for n entries from entry p0 + t that fall in the padding, copy(t, src, n)
// for n entries read from the image at src, src + sw, ... (sw the geometry's column stride).
template <class Copy, class Zero>
inline void window_runs(const float* x, const ImageGeometry& g, long c0, long r, long p0, long count, const Copy& copy,
                        const Zero& zero) {
  const long window = g.kh * g.kw, k = r / window, u = r % window / g.kw, v = r % g.kw;
  const float* const plane = x + (c0 + k) * g.h * g.w;
  const long shift = v * g.dw - g.pw;
  long j0, j1;
  columns_inside(shift, g.sw, g.w, g.ow, j0, j1);
  // One division for the first output row, then row after row: a division per row took C2's image
  // with 4 rows of A, mostly this packing, from 0.58 to 0.61 ms.
  const long i0 = p0 / g.ow;
  long ja = p0 - i0 * g.ow, y = i0 * g.sh - g.ph + u * g.dh;
  for (long t = 0; t < count; ja = 0, y += g.sh) {
    const long jb = std::min(g.ow, ja + count - t);
    const long lo = std::max(ja, j0), hi = std::min(jb, j1);
    const long at = t - ja;  // entry at + j is output column j of this row
    if (y < 0 || y >= g.h || hi <= lo) {
      zero(at + ja, jb - ja);
    } else {
      if (lo > ja) zero(at + ja, lo - ja);
      copy(at + lo, plane + y * g.w + shift + lo * g.sw, hi - lo);
      if (jb > hi) zero(at + hi, jb - hi);
    }
    t += jb - ja;
  }
}

}  // namespace bp

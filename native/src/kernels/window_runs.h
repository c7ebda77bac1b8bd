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

// The depth of 2-D windows: one slice, one window element, no padding.
constexpr DepthGeometry kFlat{1, 1, 1, 0, 1, 1};

// Entries [p0, p0 + count) of row r of one image's columns (x its first float; with dg, a volume's
// [c, d, h, w], its rows ((k kd + a) kh + u) kw + v and its positions (z oh + i) ow + j over od x oh x
// ow), one output row's part at a time: zero(t, n) for n entries from entry p0 + t that fall in the
// padding, copy(t, src, n) for n entries read from the image at src, src + sw, ... (sw the
// geometry's column stride).
template <class Copy, class Zero>
inline void window_runs(const float* x, const ImageGeometry& g, const DepthGeometry& dg, long c0, long r, long p0, long count,
                        const Copy& copy, const Zero& zero) {
  const long area = g.kh * g.kw, window = dg.kd * area, k = r / window, e = r % window;
  const long a = e / area, u = e % area / g.kw, v = e % g.kw;
  const float* const volume = x + (c0 + k) * dg.d * g.h * g.w;
  const long shift = v * g.dw - g.pw;
  long j0, j1;
  columns_inside(shift, g.sw, g.w, g.ow, j0, j1);
  // One division for the first output row, then row after row: a division per row took C2's image
  // with 4 rows of A, mostly this packing, from 0.58 to 0.61 ms.
  const long q0 = p0 / g.ow, z0 = q0 / g.oh;
  long ja = p0 - q0 * g.ow, i = q0 - z0 * g.oh;
  long z = z0 * dg.sd - dg.pd + a * dg.dd, y = i * g.sh - g.ph + u * g.dh;
  // On by `rows` output rows, all in one slice (to its end at most).
  const auto next_rows = [&](long rows) {
    ja = 0;
    i += rows;
    if (i == g.oh) {
      i = 0;
      y = -g.ph + u * g.dh;
      z += dg.sd;
    } else {
      y += rows * g.sh;
    }
  };
  // Where the output's rows lie as far apart as the lines they read (stride 1 across, each output row
  // as wide as the input's: 'same' padding), the rows inside the image in one slice are one copy from
  // the image, their columns in the padding zeroed after. conv3d of [4, 16, 16, 16, 16] 3x3x3 to 32
  // channels with its backward at one thread (rows of 16 floats; two addons alternated, 3 runs each,
  // medians of 9): 27.5-28.8 ms with a copy and its zero fills a row, 23.5-24.1 so.
  const bool lined = g.sw == 1 && g.sh * g.w == g.ow;
  for (long t = 0; t < count;) {
    const long jb = std::min(g.ow, ja + count - t);
    if (z < 0 || z >= dg.d || y < 0 || y >= g.h || j1 <= j0) {
      zero(t, jb - ja);
      t += jb - ja;
      next_rows(1);
      continue;
    }
    const float* const line = volume + (z * g.h + y) * g.w + shift;
    if (!lined) {
      const long lo = std::max(ja, j0), hi = std::min(jb, j1), at = t - ja;  // entry at + j is column j
      if (hi > lo) {
        if (lo > ja) zero(at + ja, lo - ja);
        copy(at + lo, line + lo * g.sw, hi - lo);
        if (jb > hi) zero(at + hi, jb - hi);
      } else {
        zero(t, jb - ja);
      }
      t += jb - ja;
      next_rows(1);
      continue;
    }
    // This row and the next ones of the slice inside the image, up to entry end (the last row's
    // columns ending at last_jb): entry e reads line + ja + (e - t), rows sh w = ow apart as entries.
    const long at0 = t - ja;  // the entry of this row's column 0
    const long more = std::min({g.oh - i - 1, (g.h - 1 - y) / g.sh, (count - t - (jb - ja) + g.ow - 1) / g.ow});
    const long rows = 1 + more, end = std::min(count, t + (jb - ja) + more * g.ow), last_jb = end - at0 - more * g.ow;
    const long first = t + std::max(ja, j0) - ja, stop = end - (last_jb - std::min(last_jb, j1));
    if (stop > first) copy(first, line + std::max(ja, j0), stop - first);
    // The columns in the padding, each row's (the copy wrote its neighbours' floats there).
    for (long r = 0, at = at0; r < rows; r++, at += g.ow) {
      const long from = r == 0 ? ja : 0, to = r == rows - 1 ? last_jb : g.ow;
      if (from < j0) zero(at + from, std::min(to, j0) - from);
      if (to > j1) zero(at + std::max(from, j1), to - std::max(from, j1));
    }
    t = end;
    next_rows(rows);
  }
}

}  // namespace bp

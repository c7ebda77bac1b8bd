#include "image.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../runtime/thread_pool.h"
#include "table.h"
#include "window_runs.h"

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

// The window elements [e0, e1) along one dimension that some of the `out` windows has inside the
// image (position t s - p + e d in [0, size) for some t < out): the others are padding for every
// window, and a kernel far wider than the image (a geometry the addon accepts, with few or no
// windows) would otherwise be walked element by element.
inline void elements_inside(long k, long s, long p, long d, long out, long size, long& e0, long& e1) {
  e0 = std::max(0L, ceil_div(p - (out - 1) * s, d));
  e1 = out > 0 ? std::min(k, ceil_div(size + p, d)) : 0;
}

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

// imageRows with the window's width KW known here (0: read from g). A window wholly inside the
// image, undilated, is copied row by row in each of the cg planes; with the width a constant those
// copies are straight-line code. A LeNet step's two imageRows at one thread took 3.5 ms with the
// loop over a run-time width (mostly loop control around 3-float copies; the source stays in L1).
template <long KW>
void image_rows_with(const float* x, const ImageGeometry& g, long c0, long cg, float pad, float* rows) {
  const long kw = KW > 0 ? KW : g.kw;
  const long width = cg * g.kh * kw, positions = g.n * g.oh * g.ow, plane_size = g.h * g.w;
  parallel_for((size_t)positions, (size_t)std::max(1L, kGrain / std::max(1L, width)), [&](size_t r0, size_t r1) {
    for (long r = (long)r0; r < (long)r1; r++) {
      const long j = r % g.ow, i = r / g.ow % g.oh, b = r / (g.ow * g.oh);
      const long y0 = i * g.sh - g.ph, x0 = j * g.sw - g.pw;
      float* out = rows + r * width;
      const float* first_plane = x + (b * g.c + c0) * plane_size;
      if (g.dw == 1 && y0 >= 0 && x0 >= 0 && y0 + (g.kh - 1) * g.dh < g.h && x0 + kw <= g.w) {
        const float* src = first_plane + y0 * g.w + x0;
        for (long k = 0; k < cg; k++, src += plane_size) {
          const float* line = src;
          for (long u = 0; u < g.kh; u++, line += g.dh * g.w, out += kw) {
            for (long v = 0; v < kw; v++) out[v] = line[v];
          }
        }
        continue;
      }
      for (long k = 0; k < cg; k++) {
        const float* plane = first_plane + k * plane_size;
        for (long u = 0; u < g.kh; u++, out += kw) {
          const long y = y0 + u * g.dh;
          if (y < 0 || y >= g.h) {
            std::fill(out, out + kw, pad);
            continue;
          }
          const float* line = plane + y * g.w;
          for (long v = 0; v < kw; v++) {
            const long xx = x0 + v * g.dw;
            out[v] = xx >= 0 && xx < g.w ? line[xx] : pad;
          }
        }
      }
    }
  });
}

}  // namespace

void image_rows(const float* x, const ImageGeometry& g, long c0, long cg, float pad, float* rows) {
  switch (g.kw) {
    case 1: return image_rows_with<1>(x, g, c0, cg, pad, rows);
    case 3: return image_rows_with<3>(x, g, c0, cg, pad, rows);
    case 5: return image_rows_with<5>(x, g, c0, cg, pad, rows);
    default: return image_rows_with<0>(x, g, c0, cg, pad, rows);
  }
}

// Window widths (kw, dilation 1) from which image_rows_grad adds a window's run at a time.
constexpr long kWideWindow = 16;

void image_rows_grad(const float* rows, const ImageGeometry& g, long c0, long cg, float* gx) {
  const long width = cg * g.kh * g.kw, plane_size = g.h * g.w, window = g.kh * g.kw;
  const long per_plane = g.oh * g.ow * window;  // floats of rows read for one plane
  // Each element of a plane adds in what the window elements (u, v) read from it in (u, v) order,
  // as torch's col2im does. A plane's sums one window element at a time over every output position
  // (torch's loop) read the rows column by column, 9 floats of each 64-byte line for a 3x3 window,
  // and an image's rows again for every plane: [1, 64, 56, 56] 3x3's 7.2 MB of rows read some 16
  // times over, 3.1 ms an image (one thread) against 1.5 ms an image in a batch of 32 whose rows
  // never fit in a cache either way. Here the output rows i go from the last to the first, and each
  // row's windows (ow x width floats, in L2) are added into every plane of the task before the next:
  // an element's window elements still arrive in (u, v) order (the rows i it is read by, one per u,
  // fall as u rises), so the sums are the same bits. Adds a run over j makes go into distinct
  // elements, one stride apart: output position by position, the adds of overlapping windows went
  // into the same few elements one after another, each waiting for the last to be stored ([64, 32,
  // 28, 28] 3x3 at one thread: 32.7 ms; plane by plane 10.1 ms).
  long u0, u1, v0, v1;
  elements_inside(g.kh, g.sh, g.ph, g.dh, g.oh, g.h, u0, u1);
  elements_inside(g.kw, g.sw, g.pw, g.dw, g.ow, g.w, v0, v1);
  const auto add_rows = active_kernels().add_rows;
  // Planes (image b's channel k is plane b cg + k) cut into tasks; a task's planes of one image share
  // the walk over that image's rows.
  parallel_for((size_t)(g.n * cg), (size_t)std::max(1L, kGrain / std::max(1L, per_plane + plane_size)), [&](size_t p0, size_t p1) {
    const auto plane_of = [&](long b, long k) { return gx + (b * g.c + c0 + k) * plane_size; };
    for (long p = (long)p0; p < (long)p1; p++) std::fill(plane_of(p / cg, p % cg), plane_of(p / cg, p % cg) + plane_size, 0.0f);
    for (long first = (long)p0; first < (long)p1;) {
      const long b = first / cg, k0 = first % cg, k1 = std::min(cg, k0 + ((long)p1 - first));
      const float* const image_rows = rows + b * g.oh * g.ow * width;
      for (long i = g.oh - 1; i >= 0; i--) {
        const float* const row_i = image_rows + i * g.ow * width;
        for (long k = k0; k < k1; k++) {
          float* const plane = plane_of(b, k);
          for (long u = u0; u < u1; u++) {
            const long y = i * g.sh - g.ph + u * g.dh;
            if (y < 0 || y >= g.h) continue;
            if (g.dw == 1 && v1 - v0 >= kWideWindow) {
              // A wide window (fold's overlap-add of frames, istft's): each window's run of v added
              // into one run of the line, the last window first. An element's adds still come in
              // rising v (the windows j that reach it, falling, read it at rising v), so the same
              // bits; a run over j read and wrote single floats a stride apart (istft's 410 frames
              // of 400, hop 160, at one thread: 145-154 us a call, 17.4 so).
              const float* const in_u = row_i + k * window + u * g.kw;
              float* const line = plane + y * g.w;
              for (long j = g.ow - 1; j >= 0; j--) {
                const long start = j * g.sw - g.pw;  // where the window's v = 0 falls
                const long va = std::max(v0, -start), vb = std::min(v1, g.w - start);
                if (va < vb) add_rows(in_u + j * width + va, line + start + va, (size_t)(vb - va));
              }
              continue;
            }
            for (long v = v0; v < v1; v++) {
              const long shift = v * g.dw - g.pw;
              long j0, j1;
              columns_inside(shift, g.sw, g.w, g.ow, j0, j1);
              float* const line = plane + y * g.w + shift;
              const float* const in = row_i + k * window + u * g.kw + v;
              for (long j = j0; j < j1; j++) line[j * g.sw] += in[j * width];
            }
          }
        }
      }
      first += k1 - k0;
    }
  });
}

void window_row(const float* x, const ImageGeometry& g, const DepthGeometry& dg, long c0, long r, long p0, long count,
                float* out) {
  window_runs(
      x, g, dg, c0, r, p0, count,
      [&](long t, const float* src, long n) {
        if (g.sw == 1) std::memcpy(out + t, src, (size_t)n * sizeof(float));
        else for (long j = 0; j < n; j++) out[t + j] = src[j * g.sw];
      },
      [&](long t, long n) { std::fill(out + t, out + t + n, 0.0f); });
}

void image_columns(const float* x, const ImageGeometry& g, long c0, long cg, float* cols) {
  const long window = g.kh * g.kw, plane_out = g.oh * g.ow, image = g.c * g.h * g.w;
  if (plane_out == 0) return;
  // One column row (window element (u, v) of channel k, over every output position) per unit.
  parallel_for((size_t)(g.n * cg * window), (size_t)std::max(1L, kGrain / plane_out), [&](size_t r0, size_t r1) {
    for (long r = (long)r0; r < (long)r1; r++)
      window_row(x + r / (cg * window) * image, g, kFlat, c0, r % (cg * window), 0, plane_out, cols + r * plane_out);
  });
}

void image_columns_grad(const float* cols, const ImageGeometry& g, long c0, long cg, float* gx) {
  const long window = g.kh * g.kw, plane_out = g.oh * g.ow, plane_size = g.h * g.w;
  long u0, u1, v0, v1;
  elements_inside(g.kh, g.sh, g.ph, g.dh, g.oh, g.h, u0, u1);
  elements_inside(g.kw, g.sw, g.pw, g.dw, g.ow, g.w, v0, v1);
  // One plane per unit, its window elements (u, v) in order, each a run of adds along output rows
  // into one line (contiguous at stride 1): each element gets its window elements in (u, v) order,
  // one per element, as in image_rows_grad.
  parallel_for((size_t)(g.n * cg), (size_t)std::max(1L, kGrain / std::max(1L, window * plane_out + plane_size)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      const long b = p / cg, k = p % cg;
      float* const plane = gx + (b * g.c + c0 + k) * plane_size;
      std::fill(plane, plane + plane_size, 0.0f);
      for (long u = u0; u < u1; u++) {
        for (long v = v0; v < v1; v++) {
          const float* const in = cols + (p * window + u * g.kw + v) * plane_out;
          const long shift = v * g.dw - g.pw;
          long j0, j1;
          columns_inside(shift, g.sw, g.w, g.ow, j0, j1);
          for (long i = 0; i < g.oh; i++) {
            const long y = i * g.sh - g.ph + u * g.dh;
            if (y < 0 || y >= g.h) continue;
            float* const line = plane + y * g.w + shift;
            const float* const row = in + i * g.ow;
            if (g.sw == 1) for (long j = j0; j < j1; j++) line[j] += row[j];
            else for (long j = j0; j < j1; j++) line[j * g.sw] += row[j];
          }
        }
      }
    }
  });
}

// torch's step over a window's elements, seen in order: the later element (value v, offset a) takes
// the place of the one held if larger or NaN. As masks, so that the loops below vectorise and no
// branch depends on which element is largest (data).
namespace {

inline void take_later(float v, int32_t a, float& held, int32_t& held_at) {
  const uint32_t mask = 0u - ((uint32_t)(v > held) | (uint32_t)(v != v));
  held = from_bits((bits(v) & mask) | (bits(held) & ~mask));
  held_at ^= (held_at ^ a) & (int32_t)mask;
}

// The winner of a 2x2 window whose top row starts at x[top] (the next row at x[top + w]) and its offset.
inline void window2x2(const float* x, long top, long w, float& best, int32_t& best_at) {
  float lower = x[top + w];
  int32_t lower_at = (int32_t)(top + w);
  best = x[top];
  best_at = (int32_t)top;
  take_later(x[top + 1], best_at + 1, best, best_at);
  take_later(x[top + w + 1], lower_at + 1, lower, lower_at);
  take_later(lower, lower_at, best, best_at);
}

// 2x2 windows at stride 2, none past the image (no padding, no dilation, 2 oh <= h, 2 ow <= w), one
// slice deep or two (windows of depth 2 at stride 2 likewise): the common poolings. The step is
// associative over consecutive runs of elements (the last NaN, else the first largest, wins), so each
// row's pair is taken first, then the two rows' winners, then the two slices', in torch's order: the
// same values and offsets as the general loop.
template <int Depths>
void max_pool2x2(const float* x, const ImageGeometry& g, long d, long od, float* out, int32_t* indices) {
  const long plane_size = g.h * g.w, volume = d * plane_size, outs = od * g.oh * g.ow;
  parallel_for((size_t)(g.n * g.c), (size_t)std::max(1L, kGrain / std::max(1L, volume + outs)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      for (long t = 0; t < od; t++) {
        for (long i = 0; i < g.oh; i++) {
          const long top = p * volume + Depths * t * plane_size + 2 * i * g.w;
          float* __restrict o = out + p * outs + (t * g.oh + i) * g.ow;
          int32_t* __restrict idx = indices + p * outs + (t * g.oh + i) * g.ow;
          for (long j = 0; j < g.ow; j++) {
            float best, deeper;
            int32_t best_at, deeper_at;
            window2x2(x, top + 2 * j, g.w, best, best_at);
            if (Depths == 2) {
              // The second slice's winner comes later in torch's scan.
              window2x2(x, top + plane_size + 2 * j, g.w, deeper, deeper_at);
              take_later(deeper, deeper_at, best, best_at);
            }
            o[j] = best;
            idx[j] = best_at;
          }
        }
      }
    }
  });
}

// Windows one row high and kw wide at stride kw along rows (max_pool1d's common pooling: no padding,
// no dilation, none past a row), each a run of consecutive elements taken in order: the same values
// and offsets as the general loop, whose strided window-by-element passes took 3.4 ns an element here
// ([64, 128, 256], kernel 2: 6.8 ms; torch 0.47). KW 2 as a constant: its loop vectorizes.
template <long KW>
void max_pool_runs(const float* x, const ImageGeometry& g, long kw, float* out, int32_t* indices) {
  const long k = KW > 0 ? KW : kw, plane_size = g.h * g.w, outs = g.oh * g.ow;
  parallel_for((size_t)(g.n * g.c), (size_t)std::max(1L, kGrain / std::max(1L, plane_size + outs)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      for (long i = 0; i < g.oh; i++) {
        const long start = p * plane_size + i * g.w;
        float* __restrict o = out + p * outs + i * g.ow;
        int32_t* __restrict idx = indices + p * outs + i * g.ow;
        for (long j = 0; j < g.ow; j++) {
          const long at = start + j * k;
          float best = x[at];
          int32_t best_at = (int32_t)at;
          for (long v = 1; v < k; v++) take_later(x[at + v], (int32_t)(at + v), best, best_at);
          o[j] = best;
          idx[j] = best_at;
        }
      }
    }
  });
}

// Whether max_pool_runs takes these windows (one slice deep).
bool row_runs(const ImageGeometry& g, const DepthGeometry& dg) {
  return g.kh == 1 && g.sh == 1 && g.ph == 0 && g.oh <= g.h && g.sw == g.kw && g.pw == 0 && (g.dw == 1 || g.kw == 1) &&
         g.kw * g.ow <= g.w && dg.d == 1 && dg.kd == 1 && dg.od == 1 && dg.pd == 0;
}

// Whether max_pool2x2 takes these windows: 2x2 at stride 2 inside the planes, one slice deep or two at stride 2.
bool two_by_two(const ImageGeometry& g, const DepthGeometry& dg) {
  const bool planar = g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 &&
                      2 * g.oh <= g.h && 2 * g.ow <= g.w;
  const bool deep = (dg.kd == 1 && dg.sd == 1 && dg.od == dg.d) || (dg.kd == 2 && dg.sd == 2 && dg.dd == 1 && 2 * dg.od <= dg.d);
  return planar && deep && dg.pd == 0;
}

}  // namespace

void max_pool2d(const float* x, const ImageGeometry& g, float* out, int32_t* indices) {
  max_pool3d(x, g, DepthGeometry{1, 1, 1, 0, 1, 1}, out, indices);
}

// max_pool3d's windows other than max_pool2x2's; Deep false for planes (one slice, one window deep),
// whose loop then has no depth level: with it, a 3x3 2-d pooling at stride 2 ran 5% slower.
template <bool Deep>
static void max_pool_rows(const float* x, const ImageGeometry& g, const DepthGeometry& dg, float* out, int32_t* indices) {
  const long plane_size = g.h * g.w, volume = dg.d * plane_size, outs = dg.od * g.oh * g.ow;
  const long d = dg.d, kd = dg.kd, sd = dg.sd, pd = dg.pd, dd = dg.dd, od = dg.od;
  parallel_for((size_t)(g.n * g.c), (size_t)std::max(1L, kGrain / std::max(1L, volume + outs)), [&](size_t p0, size_t p1) {
    // A row of outputs at a time, visiting each window element (t, u, v) for all of the row's windows
    // in turn: each window still sees its elements in torch's order (depth, row, column), and the
    // windows' compares no longer wait on one another. One window after another, each compare waited
    // on the last: a LeNet step's two 2-d poolings at one thread took 9.4 ms (branches) and 6.9
    // (selects); this way [64, 32, 28, 28] alone takes 4.1 ms (2x2 windows; torch's max_pool2d with
    // indices 14.2).
    long v0, v1;
    elements_inside(g.kw, g.sw, g.pw, g.dw, g.ow, g.w, v0, v1);
    std::vector<float> best((size_t)g.ow);
    std::vector<long> at((size_t)g.ow);
    for (long p = (long)p0; p < (long)p1; p++) {
      for (long t = 0; t < od; t++) {
        long z0 = 0, z1 = 1;
        if (Deep) inside(t * sd - pd, kd, dd, d, z0, z1);
        for (long i = 0; i < g.oh; i++) {
          long y0, y1;
          inside(i * g.sh - g.ph, g.kh, g.dh, g.h, y0, y1);
          for (long j = 0; j < g.ow; j++) {
            long x0, x1;
            inside(j * g.sw - g.pw, g.kw, g.dw, g.w, x0, x1);
            best[j] = -INFINITY;
            at[j] = z0 < z1 && y0 < y1 && x0 < x1 ? p * volume + z0 * plane_size + y0 * g.w + x0 : -1;
          }
          for (long z = z0; z < z1; z += Deep ? dd : 1) {
            for (long y = y0; y < y1; y += g.dh) {
              const long row = p * volume + z * plane_size + y * g.w;
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
          }
          float* o = out + p * outs + (t * g.oh + i) * g.ow;
          int32_t* idx = indices + p * outs + (t * g.oh + i) * g.ow;
          for (long j = 0; j < g.ow; j++) {
            o[j] = best[j];
            idx[j] = (int32_t)at[j];
          }
        }
      }
    }
  });
}

void max_pool3d(const float* x, const ImageGeometry& g, const DepthGeometry& dg, float* out, int32_t* indices) {
  if (two_by_two(g, dg)) {
    (dg.kd == 2 ? max_pool2x2<2> : max_pool2x2<1>)(x, g, dg.d, dg.od, out, indices);
    return;
  }
  if (row_runs(g, dg)) {
    (g.kw == 2 ? max_pool_runs<2> : max_pool_runs<0>)(x, g, g.kw, out, indices);
    return;
  }
  (dg.d == 1 && dg.kd == 1 && dg.od == 1 && dg.pd == 0 ? max_pool_rows<false> : max_pool_rows<true>)(x, g, dg, out, indices);
}

namespace {

// For window element (u, v), each output row i in order whose element lies in a row of x:
// f(i, offset, j0, j1), offset = that row's start in the plane plus the column shift (output column
// j reads column offset + j sw of the plane), [j0, j1) the columns inside x.
template <class F>
inline void window_rows(const ImageGeometry& g, long u, long v, F f) {
  const long shift = v * g.dw - g.pw;
  long j0, j1;
  columns_inside(shift, g.sw, g.w, g.ow, j0, j1);
  for (long i = 0; i < g.oh; i++) {
    const long row = i * g.sh - g.ph + u * g.dh;
    if (row >= 0 && row < g.h) f(i, row * g.w + shift, j0, j1);
  }
}

}  // namespace

// Each output plane adds one window element (u, v) at a time over its rows: a run over j reads x
// one stride apart (contiguous at stride 1) and vectorises; each output element still sums its
// window in order, as the reference does. One GEMM per channel (the grouped path) took 106 ms
// forward and backward for [64, 32, 28, 28] 3x3 at one thread.
void depthwise_conv2d(const float* x, const ImageGeometry& g, const float* w, long m, float* out) {
  const long plane_size = g.h * g.w, outs = g.oh * g.ow, window = g.kh * g.kw;
  parallel_for((size_t)(g.n * g.c * m), (size_t)std::max(1L, kGrain / std::max(1L, outs * window)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      const long o = p % (g.c * m), b = p / (g.c * m);
      const float* plane = x + (b * g.c + o / m) * plane_size;
      float* const y = out + p * outs;
      std::fill(y, y + outs, 0.0f);
      for (long u = 0; u < g.kh; u++) {
        for (long v = 0; v < g.kw; v++) {
          const float wt = w[o * window + u * g.kw + v];
          window_rows(g, u, v, [&](long i, long offset, long j0, long j1) {
            const float* __restrict src = plane + offset;
            float* __restrict dst = y + i * g.ow;
            if (g.sw == 1) {
              for (long j = j0; j < j1; j++) dst[j] += wt * src[j];
            } else {
              for (long j = j0; j < j1; j++) dst[j] += wt * src[j * g.sw];
            }
          });
        }
      }
    }
  });
}

void depthwise_conv2d_grad_input(const float* gy, const ImageGeometry& g, const float* w, long m, float* gx) {
  const long plane_size = g.h * g.w, outs = g.oh * g.ow, window = g.kh * g.kw;
  parallel_for((size_t)(g.n * g.c), (size_t)std::max(1L, kGrain / std::max(1L, m * outs * window)), [&](size_t p0, size_t p1) {
    for (long p = (long)p0; p < (long)p1; p++) {
      const long c = p % g.c, b = p / g.c;
      float* const plane = gx + p * plane_size;
      std::fill(plane, plane + plane_size, 0.0f);
      for (long t = 0; t < m; t++) {
        const long o = c * m + t;
        const float* const g_plane = gy + (b * g.c * m + o) * outs;
        for (long u = 0; u < g.kh; u++) {
          for (long v = 0; v < g.kw; v++) {
            const float wt = w[o * window + u * g.kw + v];
            window_rows(g, u, v, [&](long i, long offset, long j0, long j1) {
              float* __restrict dst = plane + offset;
              const float* __restrict src = g_plane + i * g.ow;
              if (g.sw == 1) {
                for (long j = j0; j < j1; j++) dst[j] += wt * src[j];
              } else {
                for (long j = j0; j < j1; j++) dst[j * g.sw] += wt * src[j];
              }
            });
          }
        }
      }
    }
  });
}

void depthwise_conv2d_grad_weight(const float* gy, const float* x, const ImageGeometry& g, long m, float* gw) {
  const long plane_size = g.h * g.w, outs = g.oh * g.ow, window = g.kh * g.kw;
  parallel_for((size_t)(g.c * m), (size_t)std::max(1L, kGrain / std::max(1L, g.n * outs * window)), [&](size_t o0, size_t o1) {
    for (long o = (long)o0; o < (long)o1; o++) {
      for (long u = 0; u < g.kh; u++) {
        for (long v = 0; v < g.kw; v++) {
          // Eight partial sums, a row's columns dealt to them in turn: independent adds that
          // vectorise, in an order the reference can follow.
          float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
          for (long b = 0; b < g.n; b++) {
            const float* const plane = x + (b * g.c + o / m) * plane_size;
            const float* const g_plane = gy + (b * g.c * m + o) * outs;
            window_rows(g, u, v, [&](long i, long offset, long j0, long j1) {
              const float* __restrict src = plane + offset;
              const float* __restrict gsrc = g_plane + i * g.ow;
              long j = j0;
              for (; j + 8 <= j1; j += 8) {
                for (long l = 0; l < 8; l++) part[l] += gsrc[j + l] * src[(j + l) * g.sw];
              }
              for (long l = 0; j < j1; j++, l++) part[l] += gsrc[j] * src[j * g.sw];
            });
          }
          gw[o * window + u * g.kw + v] = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
        }
      }
    }
  });
}

}  // namespace bp

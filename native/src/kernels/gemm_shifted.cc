// gemm_shifted.h's product. Where the output's columns are laid out (od, oh, ow), the padded image's
// positions are (z, y, x) with rows wp = w + 2 pw floats long; a run of output rows of one slice is
// then one run of positions in the padded image, wp apart, of which the last wp - ow of each row are
// windows that wrap into the next line: computed into a scratch tile and thrown away. Hence the
// limit on how many such columns a product may compute (takes_shifted).
#include "gemm_shifted.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../runtime/line_vector.h"
#include "../runtime/thread_pool.h"

namespace bp {
namespace {

// A thread's scratch tile (its rows x a run of output rows' positions) holds about this many floats,
// one output row at least: in L2 while the run's K blocks add into it.
constexpr long kScratchFloats = 1 << 16;

// dst [cg, dp, hp, wp] = channels [0, cg) of src [cg, d, h, w] with pd, ph, pw zeros before and
// after each axis.
void pad_image(const float* src, long cg, long d, long h, long w, long pd, long ph, long pw, float* dst) {
  const long wp = w + 2 * pw, hp = h + 2 * ph, dp = d + 2 * pd;
  for (long ch = 0; ch < cg; ch++) {
    for (long z = 0; z < dp; z++) {
      for (long y = 0; y < hp; y++) {
        float* row = dst + ((ch * dp + z) * hp + y) * wp;
        const long zi = z - pd, yi = y - ph;
        if (zi < 0 || zi >= d || yi < 0 || yi >= h) {
          std::fill(row, row + wp, 0.0f);
          continue;
        }
        std::fill(row, row + pw, 0.0f);
        std::memcpy(row + pw, src + ((ch * d + zi) * h + yi) * w, sizeof(float) * w);
        std::fill(row + pw + w, row + wp, 0.0f);
      }
    }
  }
}

}  // namespace

bool takes_shifted(const GemmCall& g, const KernelTable& kt) {
  if (!g.b_windows || !kt.ukernel_offsets || g.bias || g.act || g.gate) return false;
  const ImageGeometry& ig = *g.b_windows->g;
  if (ig.sw != 1 || ig.sh != 1) return false;
  // Where it gains (.scratch/shiftsurvey.ts-style A/B of gemmWindows' forward products, one thread,
  // GFLOP/s packed -> shifted, AVX-512 set / AVX2 set): few rows of A, whose tiles' packing of B was a
  // large part of each element's cost (16 channels of 64 x 64 to 16: 70 -> 93 / 59 -> 86; 32 of 28 x
  // 28 to 32 78 -> 92 / 68 -> 83; 64 of 56 x 56 to 64 97 -> 100 / 90 -> 98; the 3-D 16 of 16^3 to 32
  // 79 -> 93 / 62 -> 82); not 128 rows or more (128 of 28 x 28 101 -> 94 / 95 -> 95; 128 of 16 x 16
  // 99 -> 93 / 91 -> 88), where the packing is shared by many rows and B's rows read in place cost
  // more than a packed panel's; not a depth of a few window elements (3 channels of 3 x 3: 71 -> 69
  // / 69 -> 64); not where an eighth or more of the columns would be windows that wrap, thrown away
  // (64 of 8 x 8, rows of 10 for 8: 68 -> 60 on the AVX-512 set).
  // Weight gradients (.scratch/gwsurvey.ts, the same kind of A/B): gains where C's rows fill the
  // tiles' width and are not many, over many positions and window rows (64 channels of 56 x 56 to 64
  // 80-84 -> 102-103; 32 of 28 x 28 to 32 67 -> 92; the 3-D 16 and 32 of 16^3 to 32 63-68 -> 101-103,
  // 64 of 8^3 to 64 74 -> 93); losses for 256 rows (256 of 14 x 14: 92-100 -> 55-57), 128 (128 of 16
  // x 16: 92-95 -> 75), 16 rows under the AVX-512 set's 32 columns (16 of 64 x 64: 50 -> 47), 64
  // positions (64 of 8 x 8: 60-63 -> 46) and 27 window rows (3 channels of 3 x 3: 68 -> 61-63).
  if (g.trans_b) return g.m >= kt.nr && g.m <= 64 && g.k >= 256 && g.n >= 64;
  const long wp = ig.w + 2 * ig.pw;
  return g.m <= 64 && g.k >= 64 && (2 * ig.ow == kt.nr || ig.ow % kt.nr == 0 || 8 * (wp - ig.ow) < wp);
}

namespace {

// The padded image (or the image itself, unpadded) and where each window row starts in it.
struct PaddedWindows {
  const float* image;
  long wp, slice;
  const long* row_off;  // window row p (channel, kd, kh, kw): the offset of its element at position (0, 0, 0)
};

// Forward: C [m, positions] = op(A) [m, window rows] times the windows, B's rows read from the image.
void windows_as_b(const GemmCall& o, const PaddedWindows& pw, int kc_step, int threads, const KernelTable& kt) {
  const ImageGeometry& g = *o.b_windows->g;
  const DepthGeometry& dg = *o.b_windows->dg;
  const long wp = pw.wp, slice = pw.slice;
  const int m = o.m, mr = kt.mr, nr = kt.nr;
  const long ow = g.ow, oh = g.oh, n = o.n;
  // Output rows wide as the padded image's (no window wraps) go straight into C.
  const bool direct = ow == wp;
  // Output rows half a tile wide (C3's 16 on the AVX-512 set, 8 on the AVX2 set) go two to a tile,
  // the second half of each B row read from the next line of the image: no wrapping windows
  // computed, and straight into C, where the two rows lie one after the other. Products alone, one
  // thread, GFLOP/s, runs with wrapping windows -> pairs (AVX-512 set): 64 channels of 16 x 16 to 64
  // 88 -> 100, 32 to 32 75 -> 92, the 3-D 16 of 16^3 to 32 88 -> 107; tiles -> pairs (AVX2 set, where
  // 8 x 8 images had been left to the tiles for their wrapping windows): 64 of 8 x 8 to 64 59 -> 83,
  // 32 to 32 39 -> 67, the 3-D 64 of 8^3 to 64 64 -> 101.
  const bool pairs = 2 * ow == nr;
  // Output rows a whole number of tiles wide (32 x 32 images on the AVX-512 set, 16 or 32 wide on
  // the AVX2 set) go one to a run, straight into C: no wrapping windows, no scratch copy.
  const bool singles = !direct && !pairs && ow % nr == 0;
  // A slice's output rows in runs of equal length, as long as the scratch tile allows: a short last
  // run computes about as many tiles as a long one (C3's rows of 16 in 14 + 2 ran at 80% of the
  // tiles' columns, in 16 at 89%).
  const long rows_max = std::max(1L, (kScratchFloats / std::max(1, m) + wp - ow) / wp);
  const long rows_per = (oh + (oh + rows_max - 1) / rows_max - 1) / ((oh + rows_max - 1) / rows_max);
  // A packed whole, each K block's mr-row micro-panels after the last block's (kc_pad floats of depth
  // apart, as gemm_packed lays them out): read in place, its rows were eight streams a tile.
  const int kc_pad = panel_depth(std::min(kc_step, o.k));
  const long m_pad = (m + mr - 1) / mr * mr;
  auto part = [&](size_t, size_t r0, size_t r1) {
    thread_local LineVector scratch_buf, a_buf;
    float* const ap = at_least(a_buf, (size_t)(m_pad * kc_pad * ((o.k + kc_step - 1) / kc_step)));
    for (int pc = 0, blk = 0; pc < o.k; pc += kc_step, blk++) {
      const int kc = std::min(kc_step, o.k - pc);
      kt.pack_a(o.trans_a, o.a, m, o.k, 0, m, pc, kc, ap + blk * m_pad * kc_pad, (size_t)mr * panel_depth(kc));
    }
    for (long r = (long)r0; r < (long)r1;) {
      const long z = r / oh, y = r % oh, rows = std::min({(long)r1 - r, oh - y, pairs ? 2L : singles ? 1L : rows_per});
      // The run's positions, wrapping windows included (a pair's two rows have none).
      const long cols = pairs ? rows * ow : (rows - 1) * wp + ow;
      const float* const b0 = pw.image + z * dg.sd * slice + y * wp;
      float* const c0 = o.c + r * ow;
      const bool into_c = direct || pairs || singles;
      float* const t = into_c ? c0 : at_least(scratch_buf, (size_t)m * cols);
      const long ldt = into_c ? n : cols;
      if (!into_c && o.beta != 0.0f)
        for (long i = 0; i < m; i++)
          for (long q = 0; q < rows; q++) std::memcpy(t + i * ldt + q * wp, c0 + i * n + q * ow, sizeof(float) * ow);
      for (int pc = 0, blk = 0; pc < o.k; pc += kc_step, blk++) {
        const int kc = std::min(kc_step, o.k - pc);
        const float* const a_block = ap + blk * m_pad * kc_pad;
        const Epilogue e{o.alpha, pc == 0 ? o.beta : 1.0f, nullptr, 0, nullptr, 0};
        // A column of tiles at a time, as the tiles' path: its B rows stay in L1 down the column.
        for (long jr = 0; jr < cols; jr += nr) {
          for (int ir = 0; ir < m; ir += mr) {
            // The packed micro-panel: element (row r, depth p) at p mr + r.
            kt.ukernel_offsets(kc, a_block + (long)ir * panel_depth(kc), nullptr, nullptr, b0 + jr, pw.row_off + pc,
                               pairs ? wp : nr / 2, t + ir * ldt + jr, ldt, std::min(mr, m - ir),
                               (int)std::min<long>(nr, cols - jr), e);
          }
        }
      }
      if (!into_c)
        for (long i = 0; i < m; i++)
          for (long q = 0; q < rows; q++) std::memcpy(c0 + i * n + q * ow, t + i * ldt + q * wp, sizeof(float) * ow);
      r += rows;
    }
  };
  const size_t units = (size_t)(dg.od * oh);
  if (threads > 1) ThreadPool::instance().run_parts(units, (size_t)threads, part);
  else part(0, 0, units);
}

// Weight gradient: C [m, window rows] = op(A) [m, positions] times the windows transposed, computed
// as its transpose, the windows times op(A)^T: A's element (window row r, position p) read from the
// image at the row's offset plus the position's, op(A)^T packed. Each element is the same sum of the
// same products in the same K blocks as the tiles' (a b = b a), joined to C by the same epilogue, in
// a scratch tile that holds C's part transposed: the same bits.
void windows_as_bt(const GemmCall& o, const PaddedWindows& pw, int kc_step, int threads, const KernelTable& kt) {
  const ImageGeometry& g = *o.b_windows->g;
  const DepthGeometry& dg = *o.b_windows->dg;
  const int m = o.m, n = o.n, mr = kt.mr, nr = kt.nr;
  // Each position's offset in the padded image.
  thread_local LineVectorOf<long> positions_buf;
  long* const k_off = at_least(positions_buf, (size_t)o.k);
  const long plane = g.oh * g.ow;
  for (long t = 0; t < o.k; t++) {
    const long z = t / plane, y = t % plane / g.ow, x = t % g.ow;
    k_off[t] = z * dg.sd * pw.slice + y * pw.wp + x;
  }
  const int kc_pad = panel_depth(std::min(kc_step, o.k));
  const long panels = (m + nr - 1) / nr;
  auto part = [&](size_t, size_t u0, size_t u1) {
    const long p0 = (long)u0 * mr, p1 = std::min<long>(n, (long)u1 * mr), rows = p1 - p0;
    thread_local LineVector scratch_buf, b_buf;
    float* const bp = at_least(b_buf, (size_t)(panels * nr * kc_pad));
    float* const t = at_least(scratch_buf, (size_t)(rows * m));
    // The scratch tile starts as C's part transposed when beta needs it, and goes back at the end.
    if (o.beta != 0.0f)
      for (long j = 0; j < m; j++)
        for (long r = 0; r < rows; r++) t[r * m + j] = o.c[j * n + p0 + r];
    for (int pc = 0; pc < o.k; pc += kc_step) {
      const int kc = std::min(kc_step, o.k - pc);
      const size_t b_stride = (size_t)nr * panel_depth(kc);
      // op(A)^T's depth [pc, pc + kc): B stored transposed unless A is.
      kt.pack_b(!o.trans_a, o.a, m, o.k, pc, kc, 0, m, bp, b_stride);
      const Epilogue e{o.alpha, pc == 0 ? o.beta : 1.0f, nullptr, 0, nullptr, 0};
      for (long ir = p0; ir < p1; ir += mr)
        for (long jr = 0; jr < m; jr += nr)
          kt.ukernel_offsets(kc, pw.image, pw.row_off + ir, k_off + pc, bp + (size_t)(jr / nr) * b_stride, nullptr, 0,
                             t + (ir - p0) * m + jr, m, (int)std::min<long>(mr, p1 - ir), (int)std::min<long>(nr, m - jr), e);
    }
    for (long j = 0; j < m; j++)
      for (long r = 0; r < rows; r++) o.c[j * n + p0 + r] = t[r * m + j];
  };
  const size_t units = (size_t)((n + mr - 1) / mr);
  if (threads > 1) ThreadPool::instance().run_parts(units, (size_t)threads, part);
  else part(0, 0, units);
}

}  // namespace

void gemm_shifted(const GemmCall& o, int kc_step, int threads, const KernelTable& kt) {
  const ImageWindows& win = *o.b_windows;
  const ImageGeometry& g = *win.g;
  const DepthGeometry& dg = *win.dg;
  const long wp = g.w + 2 * g.pw, hp = g.h + 2 * g.ph, dp = dg.d + 2 * dg.pd, slice = hp * wp, volume = dp * slice;
  const long area = g.kh * g.kw, window = dg.kd * area, rows = o.trans_b ? o.n : o.k, cg = rows / window;
  const float* image = win.x + win.c0 * dg.d * g.h * g.w;
  thread_local LineVector kept;
  LineVector once;
  if (g.pw || g.ph || dg.pd) {
    const size_t floats = (size_t)(cg * volume);
    float* const padded = kept_or_once(kept, once, floats);
    pad_image(image, cg, dg.d, g.h, g.w, dg.pd, g.ph, g.pw, padded);
    image = padded;
  }
  thread_local LineVectorOf<long> offsets_buf;
  long* const row_off = at_least(offsets_buf, (size_t)rows);
  for (long p = 0; p < rows; p++) {
    const long ch = p / window, e = p % window, a = e / area, u = e % area / g.kw, v = e % g.kw;
    row_off[p] = ch * volume + a * dg.dd * slice + u * g.dh * wp + v * g.dw;
  }
  const PaddedWindows pw{image, wp, slice, row_off};
  if (o.trans_b) windows_as_bt(o, pw, kc_step, threads, kt);
  else windows_as_b(o, pw, kc_step, threads, kt);
}

}  // namespace bp

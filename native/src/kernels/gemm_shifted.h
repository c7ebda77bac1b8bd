// A convolution's product without its columns: gemm.h's b_windows (B not transposed) at stride 1
// down and across. Row (channel, kd, kh, kw) of the columns, over the positions of a run of output
// rows, is the image (padded) read from the offset of that channel and window element, so the
// microkernel reads B's rows from the padded image where they lie (KernelTable::ukernel_offsets):
// nothing is packed, and each of the image's floats is read by every window element instead of being
// copied once for each.
#pragma once

#include "../runtime/line_vector.h"
#include "gemm.h"
#include "table.h"

namespace bp {

// The depth between packed micro-panels (gemm.cc's and gemm_shifted.cc's): kc, or kc + 8 when kc is
// a multiple of 16 (an odd multiple of 8 then): with kc a multiple of 16 (k = 256, 512, 1024...)
// consecutive panels would start 4 KiB multiples apart, so that a pack dealing one row out to every
// panel writes lines that all map to one or two L1 sets (pack_b of 1024 columns at kc = 256: 174 us;
// at kc = 248: 24 us).
inline int panel_depth(int kc) { return kc % 16 == 0 ? kc + 8 : kc; }

// Room for n floats of an operand made for one product (columns made whole, a padded image): in
// `kept`, a buffer the thread keeps from call to call, up to 4M floats; past that in `once`, which the
// caller frees after the product (a convolution to one channel of a large image would otherwise hold
// all its windows for the thread's life).
inline float* kept_or_once(LineVector& kept, LineVector& once, size_t n) {
  return at_least(n <= ((size_t)1 << 22) ? kept : once, n);
}

// Whether gemm_shifted takes the product: windows at stride 1 down and across, B not transposed, no
// bias, activation or gate, a kernel set with ukernel_offsets, and few columns thrown away (see
// gemm_shifted.cc).
bool takes_shifted(const GemmCall& g, const KernelTable& kt);

// The product, on up to `threads` threads: the sums of the tiles' path (gemm.cc's gemm_packed), K
// cut in blocks of kc_step, the same bits.
void gemm_shifted(const GemmCall& g, int kc_step, int threads, const KernelTable& kt);

}  // namespace bp

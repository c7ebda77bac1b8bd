// The portable kernel set (baseline ISA; the compiler may auto-vectorize for SSE2 or NEON).
#define BP_ISA_NS generic
#define BP_ISA_NAME "generic"
#include "isa_kernels.inc"

namespace bp {
const KernelTable& generic_kernels() { return generic::table(); }
}

// The portable kernel set (the baseline ISA): its GEMM microkernel in NEON intrinsics on aarch64
// and SSE2 intrinsics on x86-64 (isa_kernels.inc), its other loops as the compiler vectorizes them.
#define BP_ISA_NS generic
#define BP_ISA_NAME "generic"
#include "isa_kernels.inc"

namespace bp {
const KernelTable& generic_kernels() { return generic::table(); }
}

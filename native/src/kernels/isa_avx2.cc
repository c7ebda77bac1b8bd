// The AVX2+FMA kernel set: this file alone is compiled with -mavx2 -mfma (see CMakeLists.txt).
#if defined(__AVX2__) && defined(__FMA__)
#define BP_ISA_NS avx2
#define BP_ISA_NAME "avx2+fma"
#include "isa_kernels.inc"

namespace bp {
const KernelTable& avx2_kernels() { return avx2::table(); }
bool avx2_compiled() { return true; }
}
#else
#include "table.h"
namespace bp {
const KernelTable& avx2_kernels() { return generic_kernels(); }
bool avx2_compiled() { return false; }
}
#endif

// Chooses the kernel set once, from CPUID.
#include "table.h"
#include "../runtime/cpu.h"

namespace bp {

const KernelTable& active_kernels() {
  static const KernelTable& t = (avx2_compiled() && cpu_has_avx2_fma()) ? avx2_kernels() : generic_kernels();
  return t;
}

}  // namespace bp

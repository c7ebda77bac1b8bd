// Chooses the kernel set once, from CPUID (and BACKPROP_ISA).
#include "table.h"
#include "../runtime/cpu.h"

namespace bp {

namespace {

const KernelTable& choose() {
  const Isa isa = cpu_isa();
  if (isa == Isa::kAvx512 && avx512_compiled()) return avx512_kernels();
  if (isa >= Isa::kAvx2 && avx2_compiled()) return avx2_kernels();
  return generic_kernels();
}

}  // namespace

const KernelTable& active_kernels() {
  static const KernelTable& t = choose();
  return t;
}

}  // namespace bp

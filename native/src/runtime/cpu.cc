#include "cpu.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace bp {

namespace {

Isa detected() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return Isa::kGeneric;
  // The 512-bit kernels use AVX-512 F and VL (masked 256-bit stores in the packing).
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return Isa::kAvx512;
  return Isa::kAvx2;
#else
  return Isa::kGeneric;
#endif
}

}  // namespace

Isa cpu_isa() {
  Isa cap = Isa::kAvx512;
  if (const char* want = std::getenv("BACKPROP_ISA")) {
    if (std::strcmp(want, "generic") == 0) cap = Isa::kGeneric;
    else if (std::strcmp(want, "avx2") == 0) cap = Isa::kAvx2;
  }
  return std::min(detected(), cap);
}

}  // namespace bp

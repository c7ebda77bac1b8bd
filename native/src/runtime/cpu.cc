#include "cpu.h"

#include <cstdlib>
#include <cstring>

namespace bp {

bool cpu_has_avx2_fma() {
  // BACKPROP_FORCE_GENERIC=1 selects the portable kernels on any machine (used by the tests).
  const char* force = std::getenv("BACKPROP_FORCE_GENERIC");
  if (force && std::strcmp(force, "1") == 0) return false;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

}  // namespace bp

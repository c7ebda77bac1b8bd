#include "affinity.h"

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>
#endif

namespace bp {

bool pin_current_thread(int cpu) {
#if defined(__linux__)
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online < 1 || cpu >= online || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (cpu >= 0) {
    CPU_SET(cpu, &set);
  } else {
    for (long c = 0; c < online && c < CPU_SETSIZE; c++) CPU_SET(c, &set);
  }
  return sched_setaffinity(0, sizeof set, &set) == 0;  // 0: the calling thread
#else
  (void)cpu;
  return false;
#endif
}

}  // namespace bp

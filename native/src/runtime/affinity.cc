#include "affinity.h"

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>
#endif

namespace bp {
namespace {

#if defined(__linux__)
bool set_current_thread_cpus(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus)
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  return CPU_COUNT(&set) > 0 && sched_setaffinity(0, sizeof set, &set) == 0;  // 0: the calling thread
}
#endif

}  // namespace

bool pin_current_thread(int cpu) {
#if defined(__linux__)
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online < 1 || cpu >= online || cpu >= CPU_SETSIZE) return false;
  std::vector<int> cpus;
  if (cpu >= 0) cpus.push_back(cpu);
  else for (long c = 0; c < online && c < CPU_SETSIZE; c++) cpus.push_back((int)c);
  return set_current_thread_cpus(cpus);
#else
  (void)cpu;
  return false;
#endif
}

std::vector<int> current_thread_cpus() {
  std::vector<int> cpus;
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
#endif
  return cpus;
}

RunOnCpus::RunOnCpus(const std::vector<int>& cpus) {
#if defined(__linux__)
  if (cpus.empty()) return;
  saved_ = current_thread_cpus();
  applied_ = !saved_.empty() && saved_ != cpus && set_current_thread_cpus(cpus);
#else
  (void)cpus;
#endif
}

RunOnCpus::~RunOnCpus() {
#if defined(__linux__)
  if (applied_) set_current_thread_cpus(saved_);
#endif
}

}  // namespace bp

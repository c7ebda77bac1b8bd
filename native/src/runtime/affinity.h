// Which CPUs a thread runs on: pinning the calling thread to one CPU, for benchmarks that compare
// one-thread figures (on a VM the CPUs need not run at the same speed: bench/pin.ts), and carrying
// one thread's CPUs over to another for the time of a piece of work.
#pragma once

#include <vector>

namespace bp {
// Restricts the calling thread to CPU `cpu`, or with cpu < 0 lets it run on every online CPU again.
// Threads started afterwards inherit the setting. False where not supported (not Linux) or refused.
bool pin_current_thread(int cpu);

// The CPUs the calling thread may run on, in increasing order; empty where that cannot be read.
std::vector<int> current_thread_cpus();

// While it lives, the calling thread runs on `cpus` (from current_thread_cpus() on another thread);
// then on its own CPUs again. fit's epoch runs on a libuv worker thread, started by Node before
// anything was pinned: this keeps the epoch where the thread that called fit may run. An empty set
// changes nothing.
class RunOnCpus {
 public:
  explicit RunOnCpus(const std::vector<int>& cpus);
  ~RunOnCpus();
  RunOnCpus(const RunOnCpus&) = delete;
  RunOnCpus& operator=(const RunOnCpus&) = delete;

 private:
  std::vector<int> saved_;
  bool applied_ = false;
};
}  // namespace bp

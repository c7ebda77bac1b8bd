// Pinning the calling thread to one CPU, for benchmarks that compare one-thread figures: on a VM the
// CPUs need not run at the same speed (bench/run.ts).
#pragma once

namespace bp {
// Restricts the calling thread to CPU `cpu`, or with cpu < 0 lets it run on every online CPU again.
// Threads started afterwards inherit the setting. False where not supported (not Linux) or refused.
bool pin_current_thread(int cpu);
}  // namespace bp

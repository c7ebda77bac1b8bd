// The process allocator's thresholds, set once when the addon loads (see allocator.cc).
#pragma once
#include <cstddef>

namespace bp {
// Serves allocations below mmap_threshold bytes from the heap and keeps up to trim_threshold bytes
// of free heap top instead of returning it to the system. False where the C library has no such
// knobs (not glibc) or refused a value.
bool tune_allocator(size_t mmap_threshold, size_t trim_threshold);
}

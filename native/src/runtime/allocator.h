// The process allocator's thresholds, set once when the addon loads (see allocator.cc).
#pragma once
#include <cstddef>

namespace bp {
// Serves allocations below mmap_threshold bytes from the heap and keeps up to trim_threshold bytes
// of free heap top instead of returning it to the system. False where the C library has no such
// knobs (not glibc) or refused a value.
bool tune_allocator(size_t mmap_threshold, size_t trim_threshold);

// Buffers of at least this many bytes are above glibc's largest mmap threshold: each is a fresh
// mapping, faulted in on first touch and unmapped when freed, however the thresholds are set.
constexpr size_t kHugeAdviceBytes = (size_t)32 << 20;

// Asks the kernel for 2 MiB pages over the whole 2 MiB-aligned part of [data, data + len) when len
// is at least kHugeAdviceBytes (see allocator.cc). True when the advice was given and taken.
bool advise_huge_pages(void* data, size_t len);
}

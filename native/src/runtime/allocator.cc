// Why the addon touches the C library's allocator: tensor storage (Node's ArrayBuffers) comes from
// malloc, and glibc serves blocks above its mmap threshold (128 KiB at first, raised only after such
// a block is freed) with fresh mappings, and returns free heap top above the trim threshold. Either
// way the next 1 MiB activation lands on pages the kernel must fault in and zero: ~7-10 us per 4 KiB
// page on the test VM, 48-95 faults in each W3 forward pass, worth 0.6-0.7 ms of a 6-11 ms pass, and
// worse at 2 threads (faults serialise). Kept pages are reused warm. The cost: up to trim_threshold
// bytes of freed memory stay with the process, as with jemalloc or tcmalloc. BACKPROP_MALLOC=default
// (lib/backend/native.ts) leaves glibc's defaults.
#include "allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace bp {

bool tune_allocator(size_t mmap_threshold, size_t trim_threshold) {
#if defined(__GLIBC__)
  // mallopt takes an int; glibc caps the mmap threshold at 32 MiB on 64-bit targets.
  if (mmap_threshold > (size_t)1 << 30 || trim_threshold > (size_t)1 << 30) return false;
  return mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
#else
  (void)mmap_threshold;
  (void)trim_threshold;
  return false;
#endif
}

}  // namespace bp

// Why the addon touches the C library's allocator: tensor storage (Node's ArrayBuffers) comes from
// malloc, and glibc serves blocks above its mmap threshold (128 KiB at first, raised only after such
// a block is freed) with fresh mappings, and returns free heap top above the trim threshold. Either
// way the next 1 MiB activation lands on pages the kernel must fault in and zero: ~7-10 us per 4 KiB
// page on the test VM, 48-95 faults in each W3 forward pass, worth 0.6-0.7 ms of a 6-11 ms pass, and
// worse at 2 threads (faults serialise). Kept pages are reused warm. The cost: up to trim_threshold
// bytes of freed memory stay with the process, as with jemalloc or tcmalloc. BACKPROP_MALLOC=default
// (lib/backend/native.ts) leaves glibc's defaults.
// 2 MiB pages (madvise(MADV_HUGEPAGE); the VM's transparent huge pages are 'madvise') only for
// buffers of 32 MiB or more: those are fresh mappings every time (above glibc's largest mmap
// threshold), and on the test VM a first touch cost ~10 us per 4 KiB page, 2.5 ms per MiB: writing a
// fresh 231 MB buffer took 575-740 ms, 26 ms in 2 MiB pages (a C loop; the first such run 368 ms,
// while the kernel compacted memory). A convolution's rows of [32, 64, 56, 56] 3x3 are that size,
// and their gradient's product ran at 8.6 GFLOP/s, most of it page faults.
// Tried and not kept (session 27): the advice on every tensor buffer of 4 MiB or more. Fresh memory
// faulted in 2 MiB at a time (readSafetensors of a 100 MB file 0.69-0.77 s -> 0.46-0.47) and a
// 2048^2 add ran 5-15% faster, but W3's step got slower at one thread (14.8 -> 15.8-16.2 ms, every
// product and Adam 0.98 -> 1.20 ms; 4 MiB weights, gradients and moments that start at the same
// offset of physically contiguous pages may meet in the same cache sets) and at two (8.34 ->
// 8.68-9.41 ms). Buffers under 32 MiB come from the heap and are reused warm (tune_allocator), and
// no W1-W5 buffer reaches 32 MiB.
#include "allocator.h"

#include <cstdint>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
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

bool advise_huge_pages(void* data, size_t len) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (len < kHugeAdviceBytes) return false;
  constexpr uintptr_t kPage = (uintptr_t)2 << 20;
  const uintptr_t start = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + len) & ~(kPage - 1);
  // Advice only: where the kernel refuses it (THP 'never', an old kernel), pages stay 4 KiB.
  return end > start && madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE) == 0;
#else
  (void)data;
  (void)len;
  return false;
#endif
}

}  // namespace bp

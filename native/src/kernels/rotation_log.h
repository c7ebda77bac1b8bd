// The plane rotations a QL or QR sweep makes, handed from the thread that runs the sweeps' chain to
// threads that apply them to the vectors (eigh.cc, svd.cc). The chain is a sequence of dependent
// scalar operations (a square root and two divides a rotation) and the rotations of the vectors are
// vector work that never feeds back into it, so at two threads the two run side by side instead of
// one after the other. Every element of the vectors still undergoes the same rotations in the same
// order, so the bits are those of one thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>

#include "../runtime/thread_pool.h"
#include "double_loops.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace bp {

// A rotation of the vectors: rows (or columns) x and y, [x, y] := [x c + y s, y c - x s].
struct Rotation {
  int x, y;
  double c, s;
};

// One producer pushes; any number of consumers replay everything pushed, in order, as it comes.
class RotationLog {
 public:
  RotationLog() : head_(new Block), tail_(head_.get()) {}
  RotationLog(const RotationLog&) = delete;
  RotationLog& operator=(const RotationLog&) = delete;
  // Block by block, not by the blocks' own recursion: a long log would run out of stack.
  ~RotationLog() {
    while (head_) head_ = std::move(head_->next);
  }

  // The producer's: one rotation more, visible to the consumers with the next kPublish.
  void push(int x, int y, double c, double s) {
    if (fill_ == kBlock) {
      tail_->next.reset(new Block);  // written before the count that reaches into it is published
      tail_ = tail_->next.get();
      fill_ = 0;
    }
    tail_->r[fill_++] = {x, y, c, s};
    if (++pushed_ % kPublish == 0) published_.store(pushed_, std::memory_order_release);
  }

  // The producer's, once: no rotation follows.
  void finish() {
    published_.store(pushed_, std::memory_order_release);
    done_.store(true, std::memory_order_release);
  }

  // A consumer's: f(rotation) for every rotation pushed, in order, returning once the producer has
  // finished and all of them are applied.
  template <class F>
  void replay(const F& f) const {
    const Block* b = head_.get();
    size_t at = 0, seen = 0;
    for (;;) {
      // `done` first: once it is set, the count read after it is the last.
      const bool finished = done_.load(std::memory_order_acquire);
      const size_t available = published_.load(std::memory_order_acquire);
      if (seen == available) {
        if (finished) return;
        pause();
        continue;
      }
      for (; seen < available; seen++, at++) {
        if (at == kBlock) {
          b = b->next.get();
          at = 0;
        }
        f(b->r[at]);
      }
    }
  }

 private:
  static constexpr size_t kBlock = 4096;  // rotations a block: 96 KiB
  // Rotations published at a time, a multiple of 8 (3 lines of records: a published line is never
  // written again). A consumer that has caught up reads the count's line and the last records over
  // and over, and each store of the producer's to them waits for the line to come back from the other
  // core (the two vCPUs here read each other's writes at 26-30 GB/s: kernels/optim.cc). svd's QR
  // phase at n = 256 (a C++ timer around it, means of 200 calls): 3.2 ms at one thread; at two, 4.4-4.6
  // publishing every rotation, 4.0 every 64, 2.55 every 256, 2.5-2.6 every 1024.
  static constexpr size_t kPublish = 256;
  struct alignas(64) Block {
    Rotation r[kBlock];
    std::unique_ptr<Block> next;
  };

  static void pause() {
#if defined(__x86_64__) || defined(_M_X64)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }

  std::unique_ptr<Block> head_;
  Block* tail_;
  size_t fill_ = 0;    // rotations in the tail block (producer only)
  size_t pushed_ = 0;  // rotations pushed (producer only)
  // What the consumers read, on a line of its own: the producer's own fields stay in its cache.
  alignas(64) std::atomic<size_t> published_{0};
  std::atomic<bool> done_{false};
  char pad_[64 - sizeof(std::atomic<size_t>) - sizeof(std::atomic<bool>)];
};

// Below this length of the rotated rows the rotations are applied by the thread that makes them:
// the other thread's wake-up and the log cost more than the rotations.
constexpr int kRotationsApartMin = 64;

// chain(push) run on the calling thread, each rotation it makes handed to push(x, y, c, s), which
// rotates rows x and y of `rows` (row r at rows + r * stride, len doubles long). When `threaded`
// (the matrix may use the pool), the pool has other threads and the rows are long enough, those
// threads apply the rotations as they come, each a share of every row on whole lines; else push
// applies each at once. Returns chain's result once every rotation is applied.
template <class Chain>
bool with_rotations(double* rows, long stride, int len, bool threaded, const Chain& chain) {
  ThreadPool& pool = ThreadPool::instance();
  if (!threaded || len < kRotationsApartMin || pool.threads() < 2) {
    return chain([&](int x, int y, double c, double s) { rotate(rows + x * stride, rows + y * stride, len, c, s); });
  }
  const int appliers = pool.threads() - 1;
  RotationLog log;
  bool result = false;
  pool.run((size_t)appliers + 1, [&](size_t t) {
    if (t == 0) {
      result = chain([&](int x, int y, double c, double s) { log.push(x, y, c, s); });
      log.finish();
      return;
    }
    const auto at = [&](size_t share) { return share == (size_t)appliers ? len : (int)((long)len * (long)share / appliers / 8 * 8); };
    const int k0 = at(t - 1), k1 = at(t);
    log.replay([&](const Rotation& r) { rotate(rows + r.x * stride + k0, rows + r.y * stride + k0, k1 - k0, r.c, r.s); });
  });
  return result;
}

}  // namespace bp

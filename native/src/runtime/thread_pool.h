// The one persistent thread pool. Work is handed out as numbered tasks. Callers cut their work so
// that every output element gets the same arithmetic however it is cut (fixed chunks, or slices of
// whole GEMM tiles), so results are identical at 1 or N threads.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bp {

class ThreadPool {
 public:
  static ThreadPool& instance();
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Total threads used by run(), the calling thread included.
  void set_threads(int n);
  int threads() const { return n_threads_; }

  // Calls fn(t) for every t in [0, n_tasks). The caller takes part. A call made while the pool is
  // busy (from a worker, or from another thread) runs its tasks on the calling thread instead.
  void run(size_t n_tasks, const std::function<void(size_t)>& fn);

 private:
  ThreadPool();
  void start_workers(int n);
  void stop_workers();
  void worker_loop(uint32_t seen);
  // Claims and runs tasks of job `gen` until none is left to claim.
  void work(uint32_t gen);

  // How long an idle worker spins before it sleeps, and how long run() spins waiting for the
  // workers' last tasks before it sleeps.
  static constexpr std::chrono::microseconds kWorkerSpin{500};
  static constexpr std::chrono::microseconds kCallerSpin{2000};

  int n_threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable all_done_;
  std::mutex run_mu_;  // one run() at a time uses the workers
  // The job: generation (high 32 bits) and next task to claim (low 32 bits) in one word, so that a
  // claim is one compare-exchange that fails once the job has changed.
  std::atomic<uint64_t> claim_{0};
  std::atomic<const std::function<void(size_t)>*> job_{nullptr};
  std::atomic<size_t> n_tasks_{0};
  std::atomic<size_t> done_{0};  // tasks of the current job finished
  std::atomic<bool> caller_sleeps_{false};  // run() waits on all_done_
  std::atomic<bool> stop_{false};
};

// Splits [0, n) into fixed chunks of `grain` and runs body(begin, end) over them, threaded when
// there is more than one chunk and enough work to pay for waking the pool.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body);

}  // namespace bp

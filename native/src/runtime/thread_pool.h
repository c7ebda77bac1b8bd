// The one persistent thread pool. Work is handed out as numbered tasks whose decomposition never
// depends on the thread count, so results are identical at 1 or N threads.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
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
  void worker_loop(unsigned long long seen);
  void drain();

  int n_threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::mutex run_mu_;  // one run() at a time uses the workers
  const std::function<void(size_t)>* job_ = nullptr;
  size_t n_tasks_ = 0;
  std::atomic<size_t> next_{0};
  std::atomic<int> busy_{0};
  std::atomic<unsigned long long> generation_{0};
  bool stop_ = false;
};

// Splits [0, n) into fixed chunks of `grain` and runs body(begin, end) over them, threaded when
// there is more than one chunk and enough work to pay for waking the pool.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body);

}  // namespace bp

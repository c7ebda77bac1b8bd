#include "thread_pool.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BP_PAUSE() _mm_pause()
#else
#define BP_PAUSE() std::this_thread::yield()
#endif

namespace bp {

ThreadPool& ThreadPool::instance() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::ThreadPool() {
  unsigned hc = std::thread::hardware_concurrency();
  set_threads(hc == 0 ? 1 : static_cast<int>(hc));
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::set_threads(int n) {
  if (n < 1) n = 1;
  std::lock_guard<std::mutex> run_lock(run_mu_);
  if (n == n_threads_ && static_cast<int>(workers_.size()) == n - 1) return;
  stop_workers();
  n_threads_ = n;
  start_workers(n - 1);
}

void ThreadPool::start_workers(int n) {
  stop_ = false;
  // The generation is read here, not in the new thread: a thread that started late would otherwise
  // take the first job's generation as already seen and never run it.
  const unsigned long long gen = generation_.load();
  for (int i = 0; i < n; i++) workers_.emplace_back([this, gen] { worker_loop(gen); });
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void ThreadPool::drain() {
  for (;;) {
    size_t t = next_.fetch_add(1);
    if (t >= n_tasks_) break;
    (*job_)(t);
  }
}

void ThreadPool::worker_loop(unsigned long long seen) {
  for (;;) {
    // Spin briefly: back-to-back kernels then start without a futex wake-up.
    for (int i = 0; i < 4000 && generation_.load(std::memory_order_acquire) == seen; i++) BP_PAUSE();
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_) return;
    }
    drain();
    if (busy_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_all();
    }
  }
}

void ThreadPool::run(size_t n_tasks, const std::function<void(size_t)>& fn) {
  if (n_tasks == 0) return;
  std::unique_lock<std::mutex> run_lock(run_mu_, std::try_to_lock);
  if (!run_lock.owns_lock() || workers_.empty() || n_tasks == 1) {
    for (size_t t = 0; t < n_tasks; t++) fn(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    n_tasks_ = n_tasks;
    next_.store(0);
    busy_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  drain();
  // Wait for workers to finish their last task (spin first: tasks are usually short).
  for (int i = 0; i < 20000 && busy_.load(std::memory_order_acquire) != 0; i++) BP_PAUSE();
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return busy_.load() == 0; });
  job_ = nullptr;
}

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  size_t chunks = (n + grain - 1) / grain;
  if (chunks == 1 || ThreadPool::instance().threads() == 1) {
    for (size_t c = 0; c < chunks; c++) body(c * grain, std::min(n, (c + 1) * grain));
    return;
  }
  ThreadPool::instance().run(chunks, [&](size_t c) { body(c * grain, std::min(n, (c + 1) * grain)); });
}

}  // namespace bp

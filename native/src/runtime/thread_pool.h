// The one persistent thread pool. Work is handed out as numbered tasks. Callers cut their work so
// that every output element gets the same arithmetic however it is cut (fixed chunks, or slices of
// whole GEMM tiles), so results are identical at 1 or N threads.
#pragma once
#include <algorithm>
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

  // Calls fn(t) for every t in [0, n_tasks). The caller runs task 0 and then takes part in the
  // rest. A call made while the pool is busy (from a worker, or from another thread) runs its tasks
  // on the calling thread instead.
  void run(size_t n_tasks, const std::function<void(size_t)>& fn);

  // Cuts [0, units) into one contiguous part per thread (at most max_parts, at most `units`) and
  // runs fn(part, begin, end) for each, part 0 on the calling thread. The parts are sized by how
  // fast each task ran in earlier calls (work per second, smoothed), so that they end together when
  // one core runs slower than the other. Callers cut at whole units (GEMM tiles, vectors), so that
  // where the cuts fall does not change any result.
  void run_parts(size_t units, size_t max_parts, const std::function<void(size_t, size_t, size_t)>& fn);

  // True when every thread has kept within `tolerance` times task 0's pace in run_parts' recent
  // calls: work cut into equal shares would end together.
  bool even_paced(double tolerance);

  // The paces run_parts cuts by, task 0's (always 1) first; and setting them (each relative to
  // task 0's, held within kPaceMax), for tests that check that uneven cuts change no result.
  std::vector<double> paces();
  void set_paces(const std::vector<double>& paces);

 private:
  ThreadPool();
  void start_workers(int n);
  void stop_workers();
  void worker_loop(uint32_t seen);
  // run()'s body once the caller holds run_mu_ and the workers are there: n_tasks >= 2.
  void dispatch(size_t n_tasks, const std::function<void(size_t)>& fn);
  // Claims and runs tasks of job `gen` until none is left to claim.
  void work(uint32_t gen);

  // How long an idle worker spins before it sleeps, and how long run() spins waiting for the
  // workers' last tasks before it sleeps.
  static constexpr std::chrono::microseconds kWorkerSpin{500};
  static constexpr std::chrono::microseconds kCallerSpin{2000};
  // run_parts: tasks shorter than this (seconds) are not timed; each timed call moves a pace this
  // far (in logarithm) toward what it saw; no pace goes beyond kPaceMax times task 0's or below
  // its inverse.
  static constexpr double kPacedMin = 50e-6;
  static constexpr double kPaceWeight = 0.2;
  static constexpr double kPaceMax = 4.0;
  // An untimed call moves every pace this far (in logarithm) back toward 1. Paces learned from a
  // few long calls (cold caches, page faults in one thread's part) stayed for good once every call
  // was too short to time: W2's step at two threads kept its worker at 0.25-0.31 of the caller's
  // pace, cutting its products 4:1 (64x128x784 in 45 us instead of 30).
  static constexpr double kPaceForget = 0.02;
  // A pace held within [1 / kPaceMax, kPaceMax].
  static double held(double pace) { return std::min(std::max(pace, 1 / kPaceMax), kPaceMax); }

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
  // run_parts' state, used under run_mu_: each task index's pace relative to task 0's (pace_[0] is
  // 1), and how long each task of the current call took.
  std::vector<double> pace_;
  std::vector<double> took_;
  std::vector<size_t> cut_;
};

// Splits [0, n) into fixed chunks of `grain` and runs body(begin, end) over them, threaded when
// there is more than one chunk and enough work to pay for waking the pool: each thread runs one
// contiguous run of chunks, the calling thread the first.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body);

// Runs f(i) for every i in [0, n): parallel_for with a grain of one, for work already cut into
// numbered pieces (the same pieces at any thread count).
void parallel_each(size_t n, const std::function<void(size_t)>& f);

}  // namespace bp

#include "thread_pool.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BP_PAUSE() _mm_pause()
#else
#define BP_PAUSE() std::this_thread::yield()
#endif

namespace bp {
namespace {

constexpr uint64_t kClosed = 0xffffffffu;  // task index that no job reaches: nothing to claim

uint64_t word(uint64_t gen, uint64_t index) { return gen << 32 | index; }
uint32_t gen_of(uint64_t w) { return static_cast<uint32_t>(w >> 32); }

// Spins while waiting(), for at most `spin`; true if waiting() ended within it.
template <typename Waiting>
bool spin_while(Waiting waiting, std::chrono::microseconds spin) {
  const auto until = std::chrono::steady_clock::now() + spin;
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (!waiting()) return true;
      BP_PAUSE();
    }
    if (std::chrono::steady_clock::now() >= until) return !waiting();
  }
}

}  // namespace

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
  pace_.clear();
  start_workers(n - 1);
}

void ThreadPool::start_workers(int n) {
  stop_ = false;
  // The generation is read here, not in the new thread: a thread that started late would otherwise
  // take the first job's generation as already seen and never run it.
  const uint32_t gen = gen_of(claim_.load());
  for (int i = 0; i < n; i++) workers_.emplace_back([this, gen] { worker_loop(gen); });
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    claim_.store(word(gen_of(claim_.load()) + 1u, kClosed));
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void ThreadPool::work(uint32_t gen) {
  for (;;) {
    uint64_t w = claim_.load(std::memory_order_acquire);
    size_t n;
    do {
      // n_tasks_ is acquired after the word: if it is already the next job's, this job was closed
      // first, and the exchange below fails.
      n = n_tasks_.load(std::memory_order_acquire);
      if (gen_of(w) != gen || (w & kClosed) >= n) return;
    } while (!claim_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire));
    // Task w of this job is claimed and not done, so the job (and the function behind job_) lives on.
    (*job_.load(std::memory_order_acquire))(static_cast<size_t>(w & kClosed));
    // The mutex only when the caller sleeps: taking it while the caller publishes its next job
    // would put one of the two threads to sleep on it.
    if (done_.fetch_add(1) + 1 == n && caller_sleeps_.load()) {
      std::lock_guard<std::mutex> lock(mu_);
      all_done_.notify_all();
    }
  }
}

void ThreadPool::worker_loop(uint32_t seen) {
  for (;;) {
    // Spin first: kernels come back to back, and on the development VM a futex wake of a sleeping
    // thread cost the waker 31 us and the sleeper 110-130 us before it ran.
    const auto fresh = [&] { return gen_of(claim_.load(std::memory_order_acquire)) != seen; };
    if (!spin_while([&] { return !fresh(); }, kWorkerSpin)) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, fresh);
    }
    seen = gen_of(claim_.load(std::memory_order_acquire));
    if (stop_.load()) return;
    work(seen);
  }
}

void ThreadPool::run(size_t n_tasks, const std::function<void(size_t)>& fn) {
  if (n_tasks == 0) return;
  std::unique_lock<std::mutex> run_lock(run_mu_, std::try_to_lock);
  if (!run_lock.owns_lock() || workers_.empty() || n_tasks == 1 || n_tasks >= kClosed) {
    for (size_t t = 0; t < n_tasks; t++) fn(t);
    return;
  }
  dispatch(n_tasks, fn);
}

// The test VM's two vCPUs do not keep one speed: within an hour, bench/native/fma_peak pinned to
// each gave 101 and 76-90 GFLOP/s, then 108-110 for both. Cut in halves, the faster core waited for
// the slower at each call. W3's step at 2 threads (bench/step_profile.ts w3 2 30, alternated runs,
// medians): with one vCPU at 75% of the other, 14.36 ms in halves, 13.86 cut by paces (8 runs);
// at equal speeds 9.90 and 9.91 (12 runs).
void ThreadPool::run_parts(size_t units, size_t max_parts, const std::function<void(size_t, size_t, size_t)>& fn) {
  const size_t parts = std::min({units, max_parts, static_cast<size_t>(n_threads_)});
  if (parts == 0) return;
  std::unique_lock<std::mutex> run_lock(run_mu_, std::try_to_lock);
  if (!run_lock.owns_lock() || workers_.empty() || parts == 1) {
    for (size_t t = 0; t < parts; t++) fn(t, units * t / parts, units * (t + 1) / parts);
    return;
  }
  if (pace_.size() < parts) pace_.resize(parts, 1.0);
  double total = 0;
  for (size_t t = 0; t < parts; t++) total += pace_[t];
  cut_.assign(parts + 1, 0);
  double ahead = 0;
  for (size_t t = 0; t < parts; t++) {
    ahead += pace_[t];
    const size_t at = t + 1 == parts ? units : static_cast<size_t>(std::llround(static_cast<double>(units) * ahead / total));
    // Every part at least one unit, and room for one each in the parts after it.
    cut_[t + 1] = std::min(std::max(at, cut_[t] + 1), units - (parts - 1 - t));
  }
  took_.assign(parts, 0.0);
  dispatch(parts, [&](size_t t) {
    const auto start = std::chrono::steady_clock::now();
    fn(t, cut_[t], cut_[t + 1]);
    took_[t] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  // Calls too short to time well (a wake-up or a page fault would dominate) only let the paces
  // drift back toward even (kPaceForget).
  if (*std::min_element(took_.begin(), took_.end()) < kPacedMin) {
    for (size_t t = 1; t < parts; t++) pace_[t] = std::exp((1 - kPaceForget) * std::log(pace_[t]));
    return;
  }
  const double rate0 = static_cast<double>(cut_[1] - cut_[0]) / took_[0];
  for (size_t t = 1; t < parts; t++) {
    const double seen = static_cast<double>(cut_[t + 1] - cut_[t]) / took_[t] / rate0;
    const double pace = std::exp((1 - kPaceWeight) * std::log(pace_[t]) + kPaceWeight * std::log(seen));
    pace_[t] = held(pace);
  }
}

bool ThreadPool::even_paced(double tolerance) {
  std::unique_lock<std::mutex> run_lock(run_mu_, std::try_to_lock);
  if (!run_lock.owns_lock()) return false;
  for (double pace : pace_)
    if (pace > tolerance || pace * tolerance < 1) return false;
  return true;
}

std::vector<double> ThreadPool::paces() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  std::vector<double> all(static_cast<size_t>(n_threads_), 1.0);
  for (size_t t = 1; t < all.size() && t < pace_.size(); t++) all[t] = pace_[t];
  return all;
}

void ThreadPool::set_paces(const std::vector<double>& paces) {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  pace_.assign(static_cast<size_t>(n_threads_), 1.0);
  for (size_t t = 1; t < pace_.size() && t < paces.size(); t++) pace_[t] = held(paces[t]);
}

void ThreadPool::dispatch(size_t n_tasks, const std::function<void(size_t)>& fn) {
  uint32_t gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gen = gen_of(claim_.load()) + 1u;
    // Close the previous job before its fields change, so that a late worker still holding its
    // word cannot claim a task of it against this job's count.
    claim_.store(word(gen - 1u, kClosed), std::memory_order_release);
    done_.store(0, std::memory_order_relaxed);
    job_.store(&fn, std::memory_order_release);
    n_tasks_.store(n_tasks, std::memory_order_release);
    // Task 0 is the caller's: the workers claim from task 1 on.
    claim_.store(word(gen, 1), std::memory_order_release);
  }
  wake_.notify_all();
  // The caller always runs task 0, so that work cut the same way call after call finds task 0's
  // data in the caller's caches (and, at two threads, task 1's in the worker's). Claimed by whoever
  // came first, task 0 went to the spinning worker in 4% of W3's jobs at two threads, and the
  // step read those parts from the other core's cache (on the test VM each core has a last-level
  // cache of its own, see kernels/optim.cc). W3's step at 2 threads (bench/step_profile.ts w3 2 30,
  // alternated runs on a host whose speed moved): 10.2-11.3 -> 9.5-9.9 ms in 5 runs, then as fast
  // or faster in 4 more, then medians of 8: 10.5 -> 10.0 ms.
  fn(0);
  done_.fetch_add(1, std::memory_order_release);
  work(gen);
  // Only claimed tasks are waited for: a worker that wakes after the caller took every task finds
  // nothing to claim, and the caller does not wait for it to wake.
  const auto pending = [&] { return done_.load(std::memory_order_acquire) != n_tasks; };
  if (!spin_while(pending, kCallerSpin)) {
    std::unique_lock<std::mutex> lock(mu_);
    caller_sleeps_.store(true);  // before the check under the lock: see work()
    all_done_.wait(lock, [&] { return !pending(); });
    caller_sleeps_.store(false);
  }
}

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  size_t chunks = (n + grain - 1) / grain;
  if (chunks == 1 || ThreadPool::instance().threads() == 1) {
    for (size_t c = 0; c < chunks; c++) body(c * grain, std::min(n, (c + 1) * grain));
    return;
  }
  // Each thread takes one contiguous run of the chunks, the caller the first: the same chunks as
  // at one thread (so the same results), and the same part of every array to the same core from
  // call to call, as OpenMP's static schedule gives PyTorch. Chunks claimed one by one went to
  // either core, which then read about half of its inputs from the other core's cache (each core
  // has a last-level cache of its own on the development VMs). On 2048 x 2048 tensors at 2 threads
  // (Zen 5, through the API with outputs disposed, 3 alternated runs): add 0.58-0.68 -> 0.42-0.54
  // ms, add of a row 0.39-0.41 -> 0.26-0.32, relu 0.36-0.38 -> 0.23-0.26, sum 0.15-0.17 -> 0.11-0.12,
  // sigmoid (compute-bound) the same. In a slower phase of the host (its memory at 87 GB/s on two
  // cores instead of 100-117) add in an addon loop went 0.60-0.65 -> 0.64-0.68 ms.
  const size_t tasks = std::min(chunks, (size_t)ThreadPool::instance().threads());
  ThreadPool::instance().run(tasks, [&](size_t t) {
    for (size_t c = chunks * t / tasks; c < chunks * (t + 1) / tasks; c++) body(c * grain, std::min(n, (c + 1) * grain));
  });
}

void parallel_each(size_t n, const std::function<void(size_t)>& f) {
  parallel_for(n, 1, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) f(i);
  });
}

}  // namespace bp

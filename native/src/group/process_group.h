// A group of processes that train one model together (data-parallel fit): Gloo's TCP transport,
// met through a store directory every process can see (Gloo's FileStore). Collectives run one at
// a time per group, in the order callers issue them; every process must issue the same sequence.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gloo {
class Context;
}

namespace bp {

struct GroupOptions {
  int rank = 0, size = 1;
  std::string store_dir;  // an existing directory shared by every rank (a shared file system across machines)
  std::string store_host;  // with store_port > 0, instead of store_dir: rank 0 serves the store on
  int store_port = 0;      // this port (tcp_store.h), every rank reaches it at store_host
  std::string prefix;     // keys under the store: different jobs sharing a directory use different prefixes
  std::string hostname;   // the address peers reach this process at; empty: this machine's hostname
  std::chrono::milliseconds timeout{60000};
};

// One contiguous run of values to reduce or broadcast.
template <class T>
struct Span {
  T* data;
  size_t n;
};

class ProcessGroup {
 public:
  // Blocks until every rank has connected, or throws (std::runtime_error) after the timeout.
  explicit ProcessGroup(const GroupOptions& o);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Sums each element over the ranks, in place (every rank gets the same bits); with `mean`, then
  // divides by the number of ranks. The spans are reduced as one buffer (one collective).
  void all_reduce(const std::vector<Span<float>>& parts, bool mean);
  void all_reduce(const std::vector<Span<double>>& parts, bool mean);
  // Every rank's spans get root's values.
  void broadcast(const std::vector<Span<float>>& parts, int root);
  void broadcast(const std::vector<Span<double>>& parts, int root);
  // Every rank's `in` (the same length on each) one after another in rank order into `out`, which
  // holds size() times as many.
  void all_gather(Span<const float> in, Span<float> out);
  void all_gather(Span<const double> in, Span<double> out);
  void barrier();
  // Closes the connections; collectives after it throw.
  void close();

 private:
  template <class T>
  void all_reduce_impl(const std::vector<Span<T>>& parts, bool mean, std::vector<T>& flat);
  template <class T>
  void all_gather_impl(Span<const T> in, Span<T> out);
  template <class T>
  void broadcast_impl(const std::vector<Span<T>>& parts, int root, std::vector<T>& flat);
  std::shared_ptr<gloo::Context> live(const char* what);
  void check_same_call(const std::shared_ptr<gloo::Context>& ctx, const char* what, int op, size_t elements, size_t element_size);

  std::mutex mu_;  // one collective at a time
  const int rank_, size_;
  std::shared_ptr<gloo::Context> ctx_;
  uint32_t tag_ = 0;  // each collective's tag: the same sequence on every rank
  std::vector<float> flat_f_;
  std::vector<double> flat_d_;
};

}  // namespace bp

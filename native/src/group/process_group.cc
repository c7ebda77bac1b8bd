#include "process_group.h"

#include "tcp_store.h"

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/device.h>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace bp {

namespace {

// The name this rank is reached at (the machine's hostname when none is given), checked to resolve.
// Gloo's own lookup walks getaddrinfo's list even when getaddrinfo failed and left it unset: a name
// that does not resolve crashed the process about one time in eight here (libgloo0 0.0~git20220518).
std::string resolvable_hostname(std::string host) {
  if (host.empty()) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) throw std::runtime_error("cannot read this machine's hostname: give hostname");
    host = name;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) throw std::runtime_error("cannot resolve this rank's hostname " + host + " (" + gai_strerror(rc) + "): give one the other ranks reach it at");
  ::freeaddrinfo(res);
  return host;
}

}  // namespace

ProcessGroup::ProcessGroup(const GroupOptions& o) : rank_(o.rank), size_(o.size) {
  gloo::transport::tcp::attr attr;
  attr.hostname = resolvable_hostname(o.hostname);
  // Gloo reports failures as exceptions derived from std::exception (gloo::Exception, EnforceNotMet);
  // the callers turn them into JavaScript errors.
  auto dev = gloo::transport::tcp::CreateDevice(attr);
  auto ctx = std::make_shared<gloo::rendezvous::Context>(o.rank, o.size);
  ctx->setTimeout(o.timeout);
  // Connected once every rank has passed the barrier: none reads the store after it.
  const auto meet = [&](gloo::rendezvous::Store& under) {
    gloo::rendezvous::PrefixStore store(o.prefix, under);
    ctx->connectFullMesh(store, dev);
    ctx_ = ctx;
    barrier();
  };
  if (o.store_port > 0) {
    // Rank 0 serves the store until every rank has met (the end of this constructor).
    std::unique_ptr<TcpStoreServer> server;
    if (o.rank == 0) server = std::make_unique<TcpStoreServer>(o.store_port);
    TcpStore tcp(o.store_host, o.store_port, o.timeout);
    meet(tcp);
    return;
  }
  gloo::rendezvous::FileStore files(o.store_dir);
  // Each rank takes its own keys away, so that the next group can meet under the same directory
  // and prefix (FileStore refuses to set a key whose file exists); a rank that gave up waiting too.
  const auto take_keys_away = [&files] {
    for (const std::string& path : files.getAllKeyFilePaths()) std::remove(path.c_str());
  };
  try {
    meet(files);
  } catch (...) {
    take_keys_away();
    throw;
  }
  take_keys_away();
}

ProcessGroup::~ProcessGroup() = default;

std::shared_ptr<gloo::Context> ProcessGroup::live(const char* what) {
  if (!ctx_) throw std::runtime_error(std::string("the process group was destroyed before this ") + what);
  return ctx_;
}

// check_same_call's code for allGather: past broadcast's 2 + root (roots < 65536), under 2^17.
constexpr int kAllGatherOp = 1 << 16 | 4096;

// Gloo matches the ranks' messages by tag alone: a rank that reduced 3 floats against another's 4
// returned from the collective with wrong sums and no error. So every collective first sums, over
// the ranks, a key naming the call (collective, element size, count) and the key's square (mod
// 2^64): both sums are the rank count times this rank's own only when every rank's key is the same.
void ProcessGroup::check_same_call(const std::shared_ptr<gloo::Context>& ctx, const char* what, int op, size_t elements, size_t element_size) {
  if (size_ == 1) return;
  const uint64_t key = (((uint64_t)elements * 16 + (uint64_t)element_size) << 17) + (uint64_t)op;  // op < 2^17
  uint64_t sums[2] = {key, key * key};
  gloo::AllreduceOptions opts(ctx);
  opts.setOutput(sums, 2);
  opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(&gloo::sum<uint64_t>));
  opts.setTag(tag_++);
  gloo::allreduce(opts);
  const uint64_t ranks = (uint64_t)size_;
  if (sums[0] != ranks * key || sums[1] != ranks * (key * key)) {
    throw std::runtime_error(std::string("the ranks did not all call ") + what + " with the same number and kind of elements (this rank, " +
                             std::to_string(rank_) + ": " + std::to_string(elements) + (element_size == 4 ? " float32" : " float64") + ")");
  }
}

namespace {

template <class T>
size_t total_of(const std::vector<Span<T>>& parts) {
  size_t total = 0;
  for (const auto& p : parts) total += p.n;
  return total;
}

// The parts back to back into flat, and back out of it: one collective over all of them (a round
// trip per tensor would cost more than the copies).
template <class T>
void gather(const std::vector<Span<T>>& parts, T* flat) {
  for (const auto& p : parts) {
    std::memcpy(flat, p.data, p.n * sizeof(T));
    flat += p.n;
  }
}

template <class T>
void scatter(const T* flat, const std::vector<Span<T>>& parts, bool divide, T divisor) {
  for (const auto& p : parts) {
    if (divide) {
      for (size_t i = 0; i < p.n; i++) p.data[i] = flat[i] / divisor;
    } else {
      std::memcpy(p.data, flat, p.n * sizeof(T));
    }
    flat += p.n;
  }
}

}  // namespace

template <class T>
void ProcessGroup::all_reduce_impl(const std::vector<Span<T>>& parts, bool mean, std::vector<T>& flat) {
  const std::lock_guard<std::mutex> lock(mu_);
  auto ctx = live("allReduce");
  const size_t total = total_of(parts);
  check_same_call(ctx, "allReduce", 1, total, sizeof(T));
  if (total == 0) return;
  if (flat.size() < total) flat.resize(total);
  gather(parts, flat.data());
  if (size_ > 1) {
    gloo::AllreduceOptions opts(ctx);
    opts.setOutput(flat.data(), total);
    opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(&gloo::sum<T>));
    opts.setTag(tag_++);
    gloo::allreduce(opts);
  }
  scatter(flat.data(), parts, mean, (T)size_);
}

void ProcessGroup::all_reduce(const std::vector<Span<float>>& parts, bool mean) { all_reduce_impl(parts, mean, flat_f_); }
void ProcessGroup::all_reduce(const std::vector<Span<double>>& parts, bool mean) { all_reduce_impl(parts, mean, flat_d_); }

template <class T>
void ProcessGroup::broadcast_impl(const std::vector<Span<T>>& parts, int root, std::vector<T>& flat) {
  const std::lock_guard<std::mutex> lock(mu_);
  auto ctx = live("broadcast");
  const size_t total = total_of(parts);
  check_same_call(ctx, "broadcast", 2 + root, total, sizeof(T));
  if (size_ == 1 || total == 0) return;
  if (flat.size() < total) flat.resize(total);
  if (rank_ == root) gather(parts, flat.data());
  gloo::BroadcastOptions opts(ctx);
  opts.setOutput(flat.data(), total);  // the root sends from it
  opts.setRoot(root);
  opts.setTag(tag_++);
  gloo::broadcast(opts);
  scatter(flat.data(), parts, false, (T)1);
}

void ProcessGroup::broadcast(const std::vector<Span<float>>& parts, int root) { broadcast_impl(parts, root, flat_f_); }
void ProcessGroup::broadcast(const std::vector<Span<double>>& parts, int root) { broadcast_impl(parts, root, flat_d_); }

template <class T>
void ProcessGroup::all_gather_impl(Span<const T> in, Span<T> out) {
  const std::lock_guard<std::mutex> lock(mu_);
  auto ctx = live("allGather");
  check_same_call(ctx, "allGather", kAllGatherOp, in.n, sizeof(T));
  if (out.n != in.n * (size_t)size_) throw std::runtime_error("allGather: the output must hold worldSize times the input");
  if (in.n == 0) return;
  if (size_ == 1) {
    std::memcpy(out.data, in.data, in.n * sizeof(T));
    return;
  }
  gloo::AllgatherOptions opts(ctx);
  opts.setInput(const_cast<T*>(in.data), in.n);
  opts.setOutput(out.data, out.n);
  opts.setTag(tag_++);
  gloo::allgather(opts);
}

void ProcessGroup::all_gather(Span<const float> in, Span<float> out) { all_gather_impl(in, out); }
void ProcessGroup::all_gather(Span<const double> in, Span<double> out) { all_gather_impl(in, out); }

void ProcessGroup::barrier() {
  const std::lock_guard<std::mutex> lock(mu_);
  auto ctx = live("barrier");
  if (size_ == 1) return;
  gloo::BarrierOptions opts(ctx);
  opts.setTag(tag_++);
  gloo::barrier(opts);
}

void ProcessGroup::close() {
  const std::lock_guard<std::mutex> lock(mu_);
  ctx_.reset();
}

}  // namespace bp

// Node-API glue for process groups. A group reaches JavaScript as an External tagged with this
// file's type tag (anything else is refused by name); each collective runs on a libuv worker and
// resolves a promise, so the event loop stays free while the ranks exchange, or (the ...Now entry
// points, for the collectives inside a forward or backward pass) on the calling thread.
#include "dist_glue.h"

#include <memory>
#include <string>
#include <vector>

#include "check.h"


namespace bp {

#ifndef BACKPROP_HAVE_GLOO

namespace {
[[noreturn]] void no_gloo(const Napi::CallbackInfo& info, const char* fn) {
  throw Napi::Error::New(info.Env(), std::string(fn) +
      ": this build of the addon has no Gloo (install Debian's libgloo-dev, then rebuild: npm run build:native)");
}
}  // namespace

Napi::Value DistHasGloo(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), false); }
Napi::Value DistConnect(const Napi::CallbackInfo& info) { no_gloo(info, "distConnect"); }
Napi::Value DistAllReduce(const Napi::CallbackInfo& info) { no_gloo(info, "distAllReduce"); }
Napi::Value DistBroadcast(const Napi::CallbackInfo& info) { no_gloo(info, "distBroadcast"); }
Napi::Value DistBarrier(const Napi::CallbackInfo& info) { no_gloo(info, "distBarrier"); }
Napi::Value DistAllGather(const Napi::CallbackInfo& info) { no_gloo(info, "distAllGather"); }
Napi::Value DistAllGatherNow(const Napi::CallbackInfo& info) { no_gloo(info, "distAllGatherNow"); }
Napi::Value DistAllReduceNow(const Napi::CallbackInfo& info) { no_gloo(info, "distAllReduceNow"); }
Napi::Value DistBroadcastNow(const Napi::CallbackInfo& info) { no_gloo(info, "distBroadcastNow"); }
Napi::Value DistDestroy(const Napi::CallbackInfo& info) { no_gloo(info, "distDestroy"); }

std::function<void()> gradient_averager(Napi::Env, Napi::Value group, std::vector<Span<float>>,
                                        const std::function<void(const std::string&)>& fail) {
  if (!group.IsNull() && !group.IsUndefined()) fail("group needs an addon built with Gloo");
  return {};
}

#else

namespace {

using GroupPtr = std::shared_ptr<ProcessGroup>;

constexpr napi_type_tag kGroupTag = {0x6261636b70726f70ULL, 0x67726f7570303031ULL};  // "backprop" "group001"

// The group behind v, or a TypeError naming argument `name` of `fn`.
GroupPtr group_of(Napi::Env env, Napi::Value v, const char* fn, const char* name) {
  if (!v.IsExternal() || !v.As<Napi::External<GroupPtr>>().CheckTypeTag(&kGroupTag)) {
    throw Napi::TypeError::New(env, std::string(fn) + ": " + name + " must be a process group from distConnect");
  }
  return *v.As<Napi::External<GroupPtr>>().Data();
}

// Runs `work` on a libuv worker; the promise resolves with `result()` (undefined by default) or
// rejects with "<fn>: <what went wrong>". `keep` stays referenced until then (the arrays written).
class GroupWorker : public Napi::AsyncWorker {
 public:
  GroupWorker(Napi::Env env, const char* fn, std::function<void()> work, Napi::Value keep)
      : Napi::AsyncWorker(env), fn_(fn), work_(std::move(work)), deferred_(Napi::Promise::Deferred::New(env)) {
    if (keep.IsObject()) keep_ = Napi::Persistent(keep.As<Napi::Object>());
  }
  Napi::Promise promise() { return deferred_.Promise(); }
  std::function<Napi::Value(Napi::Env)> result;

  void Execute() override {
    try {
      work_();
    } catch (const std::exception& e) {
      SetError(std::string(fn_) + ": " + e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(result ? result(Env()) : Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  const char* fn_;
  std::function<void()> work_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference keep_;
};

Napi::Value queue(GroupWorker* w) {
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

std::string text(const Napi::CallbackInfo& info, const Napi::Object& o, const char* key, bool optional) {
  Napi::Value v = o.Get(key);
  if (optional && (v.IsUndefined() || v.IsNull())) return "";
  if (!v.IsString()) throw Napi::TypeError::New(info.Env(), std::string("distConnect: ") + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

long whole(const Napi::CallbackInfo& info, const Napi::Object& o, const char* key, long lo, long hi) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber() || !integer_in(v.As<Napi::Number>().DoubleValue(), lo, hi)) {
    throw Napi::RangeError::New(info.Env(), std::string("distConnect: ") + key + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return (long)v.As<Napi::Number>().DoubleValue();
}

// The typed arrays of JavaScript array `v` as spans of T (all of one kind), or a TypeError.
template <class T>
bool spans_of(Napi::Env env, Napi::Value v, napi_typedarray_type type, std::vector<Span<T>>* out) {
  uint32_t len = 0;
  if (!array_length_of(env, v, &len)) return false;
  for (uint32_t i = 0; i < len; i++) {
    napi_value e;
    void* d = nullptr;
    size_t n = 0;
    if (napi_get_element(env, v, i, &e) != napi_ok || !typed_view(env, e, type, &d, &n)) return false;
    out->push_back({static_cast<T*>(d), n});
  }
  return true;
}

}  // namespace

Napi::Value DistHasGloo(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), true); }

// distConnect({ rank, worldSize, store | storeHost + storePort, prefix, hostname, timeoutMs }) -> Promise<group>.
Napi::Value DistConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "distConnect: expected an options object");
  const Napi::Object o = info[0].As<Napi::Object>();
  GroupOptions g;
  g.size = (int)whole(info, o, "worldSize", 1, 65536);
  g.rank = (int)whole(info, o, "rank", 0, g.size - 1);
  // The store: a directory, or (storePort > 0) rank 0's TCP store at storeHost:storePort.
  g.store_port = o.Get("storePort").IsUndefined() ? 0 : (int)whole(info, o, "storePort", 0, 65535);
  if (g.store_port > 0) g.store_host = text(info, o, "storeHost", false);
  else g.store_dir = text(info, o, "store", false);
  g.prefix = text(info, o, "prefix", false);
  g.hostname = text(info, o, "hostname", true);
  g.timeout = std::chrono::milliseconds(whole(info, o, "timeoutMs", 1, 0x7fffffffL));
  auto made = std::make_shared<GroupPtr>();
  auto* w = new GroupWorker(env, "distConnect", [g, made] { *made = std::make_shared<ProcessGroup>(g); }, env.Undefined());
  w->result = [made](Napi::Env e) -> Napi::Value {
    auto ext = Napi::External<GroupPtr>::New(e, new GroupPtr(*made), [](Napi::Env, GroupPtr* p) { delete p; });
    ext.TypeTag(&kGroupTag);
    return ext;
  };
  return queue(w);
}

// `run(spans)` over `arrays`, all Float32Arrays or all Float64Arrays, as a worker's work; a
// TypeError for anything else.
template <class Run>
std::function<void()> over_floats(Napi::Env env, Napi::Value arrays, const char* fn, Run run) {
  std::vector<Span<float>> f;
  if (spans_of(env, arrays, napi_float32_array, &f)) return [run, f] { run(f); };
  std::vector<Span<double>> d;
  if (spans_of(env, arrays, napi_float64_array, &d)) return [run, d] { run(d); };
  throw Napi::TypeError::New(env, std::string(fn) + ": arrays must be an array of Float32Arrays or of Float64Arrays");
}

// (group, arrays, mean)'s all-reduce as work to run; fn names the entry point in errors.
std::function<void()> all_reduce_work(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throw Napi::TypeError::New(env, std::string(fn) + ": expected (group, arrays, mean)");
  GroupPtr g = group_of(env, info[0], fn, "group");
  const bool mean = info[2].ToBoolean().Value();
  return over_floats(env, info[1], fn, [g, mean](const auto& parts) { g->all_reduce(parts, mean); });
}

// (group, arrays, root)'s broadcast as work to run; fn names the entry point in errors.
std::function<void()> broadcast_work(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throw Napi::TypeError::New(env, std::string(fn) + ": expected (group, arrays, root)");
  GroupPtr g = group_of(env, info[0], fn, "group");
  const double r = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : -1;
  if (!integer_in(r, 0, g->size() - 1)) {
    throw Napi::RangeError::New(env, std::string(fn) + ": root must be a rank in [0, " + std::to_string(g->size() - 1) + "]");
  }
  const int root = (int)r;
  return over_floats(env, info[1], fn, [g, root](const auto& parts) { g->broadcast(parts, root); });
}

// Runs work here, its failure a JavaScript Error "<fn>: <what went wrong>".
Napi::Value run_now(Napi::Env env, const char* fn, const std::function<void()>& work) {
  try {
    work();
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(fn) + ": " + e.what());
  }
  return env.Undefined();
}

// distAllReduce(group, arrays, mean) -> Promise.
Napi::Value DistAllReduce(const Napi::CallbackInfo& info) {
  return queue(new GroupWorker(info.Env(), "distAllReduce", all_reduce_work(info, "distAllReduce"), info[1]));
}

// distBroadcast(group, arrays, root) -> Promise.
Napi::Value DistBroadcast(const Napi::CallbackInfo& info) {
  return queue(new GroupWorker(info.Env(), "distBroadcast", broadcast_work(info, "distBroadcast"), info[1]));
}

// (group, input, output)'s all-gather as work to run (input and output both Float32Arrays or both
// Float64Arrays, output worldSize times input's length); fn names the entry point in errors.
std::function<void()> all_gather_work(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throw Napi::TypeError::New(env, std::string(fn) + ": expected (group, input, output)");
  GroupPtr g = group_of(env, info[0], fn, "group");
  void *in = nullptr, *out = nullptr;
  size_t n = 0, m = 0;
  std::function<void()> work;
  if (typed_view(env, info[1], napi_float32_array, &in, &n) && typed_view(env, info[2], napi_float32_array, &out, &m)) {
    work = [g, in, n, out, m] { g->all_gather(Span<const float>{static_cast<const float*>(in), n}, Span<float>{static_cast<float*>(out), m}); };
  } else if (typed_view(env, info[1], napi_float64_array, &in, &n) && typed_view(env, info[2], napi_float64_array, &out, &m)) {
    work = [g, in, n, out, m] { g->all_gather(Span<const double>{static_cast<const double*>(in), n}, Span<double>{static_cast<double*>(out), m}); };
  } else {
    throw Napi::TypeError::New(env, std::string(fn) + ": input and output must both be Float32Arrays or both Float64Arrays");
  }
  if (m != n * (size_t)g->size()) {
    throw Napi::RangeError::New(env, std::string(fn) + ": output must hold " + std::to_string(g->size()) + " x " + std::to_string(n) + " values, got " + std::to_string(m));
  }
  return work;
}

// distAllGather(group, input, output) -> Promise.
Napi::Value DistAllGather(const Napi::CallbackInfo& info) {
  std::function<void()> work = all_gather_work(info, "distAllGather");
  Napi::Array keep = Napi::Array::New(info.Env(), 2);
  keep.Set(0u, info[1]);
  keep.Set(1u, info[2]);
  return queue(new GroupWorker(info.Env(), "distAllGather", std::move(work), keep));
}

// distAllGatherNow(group, input, output) -> undefined, once done.
Napi::Value DistAllGatherNow(const Napi::CallbackInfo& info) { return run_now(info.Env(), "distAllGatherNow", all_gather_work(info, "distAllGatherNow")); }

// distAllReduceNow(group, arrays, mean) -> undefined, once done.
Napi::Value DistAllReduceNow(const Napi::CallbackInfo& info) { return run_now(info.Env(), "distAllReduceNow", all_reduce_work(info, "distAllReduceNow")); }

// distBroadcastNow(group, arrays, root) -> undefined, once done.
Napi::Value DistBroadcastNow(const Napi::CallbackInfo& info) { return run_now(info.Env(), "distBroadcastNow", broadcast_work(info, "distBroadcastNow")); }

Napi::Value DistBarrier(const Napi::CallbackInfo& info) {
  GroupPtr g = group_of(info.Env(), info[0], "distBarrier", "group");
  return queue(new GroupWorker(info.Env(), "distBarrier", [g] { g->barrier(); }, info.Env().Undefined()));
}

// Closes the group's connections once its running collective (if any) has ended: on a worker, so
// that the event loop does not wait for it.
Napi::Value DistDestroy(const Napi::CallbackInfo& info) {
  GroupPtr g = group_of(info.Env(), info[0], "distDestroy", "group");
  return queue(new GroupWorker(info.Env(), "distDestroy", [g] { g->close(); }, info.Env().Undefined()));
}

std::function<void()> gradient_averager(Napi::Env env, Napi::Value group, std::vector<Span<float>> grads,
                                        const std::function<void(const std::string&)>& /* group_of names a bad group */) {
  if (group.IsNull() || group.IsUndefined()) return {};
  GroupPtr g = group_of(env, group, "trainEpoch", "group");
  return [g, grads = std::move(grads)] { g->all_reduce(grads, true); };
}

#endif

}  // namespace bp

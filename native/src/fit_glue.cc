// Node-API glue for the fused training plan: validates the plan object, takes views of its typed
// arrays (kept alive by a persistent reference for the duration), and runs one epoch on a libuv
// worker thread (Napi::AsyncWorker), resolving a promise with the number of batches completed.
#include <napi.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "fit_glue.h"
#include "check.h"
#include "dist_glue.h"
#include "kernels/table.h"
#include "optim_slots.h"
#include "runtime/affinity.h"
#include "train/epoch.h"

namespace bp {
namespace {

[[noreturn]] void fail(Napi::Env env, const std::string& what) {
  throw Napi::TypeError::New(env, "trainEpoch: " + what);
}

template <class T, napi_typedarray_type kType>
T* typed_field(Napi::Env env, const Napi::Object& o, const char* key, long len, bool nullable, const char* type_name) {
  Napi::Value v = o.Get(key);
  if (nullable && (v.IsNull() || v.IsUndefined())) return nullptr;
  void* data = nullptr;
  size_t n = 0;
  if (!typed_view(env, v, kType, &data, &n)) fail(env, std::string(key) + " must be a " + type_name);
  if (len >= 0 && (long)n != len) fail(env, std::string(key) + " has " + std::to_string(n) + " elements, expected " + std::to_string(len));
  return static_cast<T*>(data);
}

float* f32(Napi::Env env, const Napi::Object& o, const char* key, long len, bool nullable = false) {
  return typed_field<float, napi_float32_array>(env, o, key, len, nullable, "Float32Array");
}

int32_t* i32(Napi::Env env, const Napi::Object& o, const char* key, long len, bool nullable = false) {
  return typed_field<int32_t, napi_int32_array>(env, o, key, len, nullable, "Int32Array");
}

double num(Napi::Env env, const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(env, std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

// Every count of a plan is stored in a C int: past 2^31 - 1 the cast wrapped (an outF of 2^31 became
// a negative width, whose weight length then went unchecked), and a double past long's range made
// the old (long) cast undefined.
long integer(Napi::Env env, const Napi::Object& o, const char* key, long lo) {
  const double v = num(env, o, key);
  if (!integer_in(v, lo)) fail(env, std::string(key) + " must be an integer in [" + std::to_string(lo) + ", 2147483647], got " + std::to_string(v));
  return (long)v;
}

Napi::Array array(Napi::Env env, const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) fail(env, std::string(key) + " must be an array");
  return v.As<Napi::Array>();
}

// The addon's data in each Node environment (the main thread's, each worker_thread's): its epochs'
// scratch. Shared with every running epoch, so that a worker still running when the environment
// goes away keeps the shelf it will give its scratch back to.
struct FitData {
  std::shared_ptr<EpochScratchShelf> shelf = std::make_shared<EpochScratchShelf>();
};

class EpochWorker : public Napi::AsyncWorker {
 public:
  // onProgress (optional) receives the number of batches done, at most every 100 ms, through a
  // thread-safe function: the worker never waits for JavaScript.
  EpochWorker(Napi::Env env, const Napi::Object& spec, EpochPlan plan, Napi::Value on_progress)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        spec_(Napi::Persistent(spec)),
        plan_(std::move(plan)),
        shelf_(env.GetInstanceData<FitData>()->shelf) {
    if (on_progress.IsFunction()) {
      tsfn_ = Napi::ThreadSafeFunction::New(env, on_progress.As<Napi::Function>(), "backprop-fit-progress", 0, 1);
      has_tsfn_ = true;
      plan_.progress = [this](long done) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        tsfn_.NonBlockingCall([done](Napi::Env e, Napi::Function fn) { fn.Call({Napi::Number::New(e, (double)done)}); });
      };
    }
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    const RunOnCpus place(caller_cpus_);
    ran_on_ = current_thread_cpus();
    // node-addon-api would reject with what() alone ('std::bad_alloc'): name the call.
    try {
      done_ = run_epoch(plan_, *shelf_);
    } catch (const std::exception& e) {
      SetError(std::string("trainEpoch: ") + e.what());
    }
  }
  void OnOK() override {
    release();
    // Where the epoch ran, for the tests: the plan object's ranOnCpus.
    Napi::Array cpus = Napi::Array::New(Env(), ran_on_.size());
    for (size_t i = 0; i < ran_on_.size(); i++) cpus.Set((uint32_t)i, Napi::Number::New(Env(), ran_on_[i]));
    spec_.Value().Set("ranOnCpus", cpus);
    deferred_.Resolve(Napi::Number::New(Env(), (double)done_));
  }
  void OnError(const Napi::Error& e) override {
    release();
    deferred_.Reject(e.Value());
  }

 private:
  void release() {
    if (has_tsfn_) tsfn_.Release();
    has_tsfn_ = false;
  }

  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference spec_;  // keeps every typed array of the plan alive while the worker runs
  EpochPlan plan_;
  const std::shared_ptr<EpochScratchShelf> shelf_;
  // Where the thread that called fit may run (read here, on it): one-thread benchmarks pin it.
  const std::vector<int> caller_cpus_ = current_thread_cpus();
  std::vector<int> ran_on_;
  Napi::ThreadSafeFunction tsfn_;
  bool has_tsfn_ = false;
  std::chrono::steady_clock::time_point last_{};
  long done_ = 0;
};

}  // namespace

void InitFit(Napi::Env env) { env.SetInstanceData(new FitData()); }

Napi::Value TrainEpoch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) fail(env, "expected a plan object");
  const Napi::Object s = info[0].As<Napi::Object>();
  EpochPlan p{};
  p.n = integer(env, s, "n", 1);
  p.features = integer(env, s, "features", 1);
  p.batch = integer(env, s, "batchSize", 1);
  p.loss = (int)integer(env, s, "loss", 0);
  if (p.loss < kPlanCrossEntropy || p.loss > kPlanBceLogits) fail(env, "loss must be 0 (cross-entropy), 1 (MSE), 2 (BCE) or 3 (BCE with logits)");
  p.smoothing = (float)num(env, s, "smoothing");
  p.threshold = (float)num(env, s, "threshold");
  Napi::Array stages = array(env, s, "stages");
  if (stages.Length() == 0) fail(env, "stages must not be empty");
  long in = p.features;
  for (uint32_t i = 0; i < stages.Length(); i++) {
    const std::string at = "stages[" + std::to_string(i) + "]";
    Napi::Value sv = stages[i];
    if (!sv.IsObject()) fail(env, at + " must be an object");
    Napi::Object so = sv.As<Napi::Object>();
    PlanStage st{};
    st.kind = (int)integer(env, so, "kind", 0);
    st.in = (int)integer(env, so, "inF", 1);
    st.out = (int)integer(env, so, "outF", 1);
    if (st.in != in) fail(env, at + ".inF is " + std::to_string(st.in) + ", expected " + std::to_string(in));
    st.act = (int)integer(env, so, "act", 0);
    if (st.act >= kUnaryCount) fail(env, at + ".act is not an activation code");
    switch (st.kind) {
      case kStageLinear:
        st.w = f32(env, so, "W", (long)st.in * st.out);
        st.gw = f32(env, so, "gW", (long)st.in * st.out);
        st.b = f32(env, so, "b", st.out, true);
        st.gb = f32(env, so, "gb", st.out, true);
        if ((st.b == nullptr) != (st.gb == nullptr)) fail(env, at + ": b and gb must both be given or both null");
        break;
      case kStageActivation:
      case kStageDropout:
        if (st.out != st.in) fail(env, at + ": outF must equal inF");
        st.dropout = num(env, so, "dropout");
        if (!(st.dropout >= 0 && st.dropout <= 1)) fail(env, at + ".dropout must be in [0, 1]");
        break;
      case kStageBatchNorm:
        if (st.out != st.in) fail(env, at + ": outF must equal inF");
        st.w = f32(env, so, "W", st.out, true);
        st.b = f32(env, so, "b", st.out, true);
        st.gw = f32(env, so, "gW", st.out, true);
        st.gb = f32(env, so, "gb", st.out, true);
        if ((st.w == nullptr) != (st.b == nullptr) || (st.w == nullptr) != (st.gw == nullptr) || (st.w == nullptr) != (st.gb == nullptr)) {
          fail(env, at + ": W, b, gW and gb must all be given or all null");
        }
        st.running_mean = f32(env, so, "runningMean", st.out);
        st.running_var = f32(env, so, "runningVar", st.out);
        st.num_batches_tracked = f32(env, so, "numBatchesTracked", 1);
        st.eps = num(env, so, "eps");
        st.momentum = num(env, so, "momentum");
        break;
      default:
        fail(env, at + ".kind is not a stage kind");
    }
    p.stages.push_back(st);
    in = st.out;
  }
  if (p.stages.front().kind != kStageLinear) fail(env, "the first stage must be a Linear layer");
  const long out_cols = p.stages.back().out;
  p.x = f32(env, s, "x", p.n * p.features);
  p.y_index = i32(env, s, "yIndex", p.n, true);
  p.y_values = f32(env, s, "yValues", p.n * out_cols, true);
  if (p.loss == kPlanCrossEntropy && !p.y_index) fail(env, "cross-entropy needs yIndex");
  if (p.loss != kPlanCrossEntropy && !p.y_values) fail(env, "MSE and binary cross-entropy need yValues");
  if (p.y_index) {
    for (long r = 0; r < p.n; r++) {
      if (p.y_index[r] < 0 || p.y_index[r] >= out_cols) fail(env, "target class index " + std::to_string(p.y_index[r]) + " at row " + std::to_string(r) + " is out of range [0, " + std::to_string(out_cols) + ")");
    }
  }
  p.epochs = integer(env, s, "epochs", 1);
  // Rows per epoch: n, unless an order names a share of them (each process's under data-parallel fit).
  p.rows = s.Get("rows").IsUndefined() ? p.n : integer(env, s, "rows", 1);
  p.order = i32(env, s, "order", p.epochs * p.rows, true);
  if (!p.order && p.rows != p.n) fail(env, "rows (" + std::to_string(p.rows) + ") differs from n (" + std::to_string(p.n) + "): an order must name the rows");
  if (p.order)
    for (long r = 0; r < p.epochs * p.rows; r++) if (p.order[r] < 0 || p.order[r] >= p.n) fail(env, "order holds an index outside [0, n)");
  p.control = i32(env, s, "control", 1);
  p.rng = typed_field<uint32_t, napi_uint32_array>(env, s, "rng", 4, false, "Uint32Array");
  const long batches = (p.rows + p.batch - 1) / p.batch * p.epochs;
  p.batch_loss = f32(env, s, "batchLoss", batches);
  p.batch_correct = i32(env, s, "batchCorrect", batches, true);
  if (p.batch_correct && !p.y_index && out_cols != 1) fail(env, "batchCorrect needs class-index targets or one output column");

  p.hyper = unpack_hyper(typed_field<double, napi_float64_array>(env, s, "hyper", kHyperFieldCount, false, "Float64Array (packHyper)"));
  if (p.hyper.kind < 0 || p.hyper.kind >= kOptimKindCount) fail(env, "hyper.kind is not an optimizer kind");
  if (!(p.hyper.step >= 0)) fail(env, "hyper.step must be at least 0");

  napi_value lists[5];
  for (int l = 0; l < 5; l++) lists[l] = s.Get(kOptimListNames[l]);
  p.slots = read_optim_slots(env, lists, p.hyper, [&](int l, bool type_error, const std::string& what) {
    fail(env, type_error ? std::string(kOptimListNames[l]) + " " + what : what);
  });
  // Data-parallel fit: each batch's gradients (the slots' g, which the loop writes as the stages'
  // gW and gb) averaged over the group's processes before the step.
  std::vector<Span<float>> grads;
  for (const ParamSlot& slot : p.slots) grads.push_back({const_cast<float*>(slot.g), slot.n});
  p.after_backward = gradient_averager(env, s.Get("group"), std::move(grads), [&](const std::string& what) { fail(env, what); });
  auto* worker = new EpochWorker(env, s, std::move(p), s.Get("onProgress"));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace bp

// Node-API entry points of the process groups (group/process_group.h) behind data-parallel fit.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <vector>

#include "group/process_group.h"  // Span (declarations only: it compiles without Gloo)

namespace bp {
Napi::Value DistHasGloo(const Napi::CallbackInfo& info);
Napi::Value DistConnect(const Napi::CallbackInfo& info);
Napi::Value DistAllReduce(const Napi::CallbackInfo& info);
Napi::Value DistBroadcast(const Napi::CallbackInfo& info);
Napi::Value DistBarrier(const Napi::CallbackInfo& info);
Napi::Value DistAllGather(const Napi::CallbackInfo& info);
// distAllReduce, distBroadcast and distAllGather on the calling thread, returning once the ranks
// have exchanged: for the collectives inside a forward or backward pass (SyncBatchNorm's statistics,
// a DistributedDataParallel's gradients, distributed.nn's ops), which cannot wait for a promise.
Napi::Value DistAllReduceNow(const Napi::CallbackInfo& info);
Napi::Value DistBroadcastNow(const Napi::CallbackInfo& info);
Napi::Value DistAllGatherNow(const Napi::CallbackInfo& info);
Napi::Value DistDestroy(const Napi::CallbackInfo& info);

// trainEpoch's `group` field: null/undefined gives an empty function; a group gives one that
// averages `grads` over its ranks in one collective (called between each batch's backward pass and
// its optimizer step). `fail` reports a value that is not a group.
std::function<void()> gradient_averager(Napi::Env env, Napi::Value group, std::vector<Span<float>> grads,
                                        const std::function<void(const std::string&)>& fail);
}  // namespace bp

// Node-API entry points of the process groups (dist/process_group.h) behind data-parallel fit.
#pragma once
#include <napi.h>

#include <functional>

namespace bp {
Napi::Value DistHasGloo(const Napi::CallbackInfo& info);
Napi::Value DistConnect(const Napi::CallbackInfo& info);
Napi::Value DistAllReduce(const Napi::CallbackInfo& info);
Napi::Value DistBroadcast(const Napi::CallbackInfo& info);
Napi::Value DistBarrier(const Napi::CallbackInfo& info);
Napi::Value DistDestroy(const Napi::CallbackInfo& info);

// trainEpoch's `group` field: null/undefined gives an empty function; a group gives one that
// averages `grads` (each `lengths[i]` floats) over its ranks, called after each batch's backward
// pass. `fail` reports a bad value.
std::function<void(float* const* grads, const size_t* lengths, size_t count)> gradient_averager(
    Napi::Env env, Napi::Value group, const std::function<void(const std::string&)>& fail);
}  // namespace bp

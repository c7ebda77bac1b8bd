// Entry point of the fused training plan (see train/epoch.h).
#pragma once
#include <napi.h>

namespace bp {
Napi::Value TrainEpoch(const Napi::CallbackInfo& info);
}

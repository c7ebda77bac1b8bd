// Entry point of the fused training plan (see train/epoch.h).
#pragma once
#include <napi.h>

namespace bp {
// Sets up trainEpoch's per-environment data (the addon's instance data): once, from the addon's Init.
void InitFit(Napi::Env env);
Napi::Value TrainEpoch(const Napi::CallbackInfo& info);
}

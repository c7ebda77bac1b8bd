// The optimizer's five lists (params, grads, s0, s1, s2: arrays of Float32Array) read from
// JavaScript and checked, for both callers: the optimStep entry point and the fused training plan.
// Every gradient matches its parameter's length, and so does each state buffer the optimizer kind
// reads. The entries of a list the kind never reads are not looked at (the optimizers pass empty
// arrays there): each look costs a Node-API call or two, and W1's SGD step read 12 such entries
// a step (11.9 against 12.8 us a step, 3 alternated runs). Their slots hold null, which no kernel
// of that kind reads.
#pragma once
#include <string>
#include <vector>

#include "check.h"
#include "kernels/optim_types.h"

namespace bp {

constexpr const char* kOptimListNames[5] = {"params", "grads", "s0", "s1", "s2"};

// fail(list, type_error, what) must throw. For a type error `what` does not name the list
// ("entry 3 must be a Float32Array"); for a length error it does ("s1[0] has 3 elements, expected 4").
template <class Fail>
std::vector<ParamSlot> read_optim_slots(napi_env env, const napi_value lists[5], const OptimHyper& h, Fail&& fail) {
  const bool needed[5] = {true, true, reads_buffer(h, 0), reads_buffer(h, 1), reads_buffer(h, 2)};
  uint32_t count[5];
  for (int l = 0; l < 5; l++) {
    if (!array_length_of(env, lists[l], &count[l])) fail(l, true, "must be an array of Float32Array");
    if (count[l] != count[0]) {
      fail(l, false, std::string(kOptimListNames[l]) + " has " + std::to_string(count[l]) + " entries, expected " + std::to_string(count[0]));
    }
  }
  std::vector<ParamSlot> slots(count[0]);
  for (uint32_t t = 0; t < count[0]; t++) {
    float* data[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};
    size_t len[5] = {0, 0, 0, 0, 0};
    for (int l = 0; l < 5; l++) {
      if (!needed[l]) continue;
      if (!f32_element(env, lists[l], t, &data[l], &len[l])) fail(l, true, "entry " + std::to_string(t) + " must be a Float32Array");
      if (len[l] != len[0]) {
        fail(l, false, std::string(kOptimListNames[l]) + "[" + std::to_string(t) + "] has " + std::to_string(len[l]) + " elements, expected " + std::to_string(len[0]));
      }
    }
    slots[t] = {data[0], data[1], data[2], data[3], data[4], len[0]};
  }
  return slots;
}

}  // namespace bp

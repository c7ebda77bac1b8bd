// Fused optimizer updates: one call updates every parameter tensor of an optimizer.
#pragma once
#include <cstddef>
#include <vector>

#include "optim_types.h"

namespace bp {

void optim_step(const OptimHyper& h, const std::vector<ParamSlot>& slots);

}  // namespace bp

// CPU feature detection, read once; decides which kernel set runs.
#pragma once

namespace bp {

enum class Isa { kGeneric = 0, kAvx2 = 1, kAvx512 = 2 };

// The widest kernel set this CPU runs, capped by the environment variable BACKPROP_ISA (generic,
// avx2 or avx512): the tests use it to run every set the machine has. lib/backend/native.ts rejects
// other values before the addon loads.
Isa cpu_isa();

}  // namespace bp

// The normal fill's arithmetic at each vector width (normal_lanes.inc), and the widest one this CPU
// runs. Every width gives the same bits: lanes are independent and each rounds as written.
#pragma once
#include <cstdint>

namespace bp {

// (float)(mean + std * z) for pairs [0, pairs) of draws k[] (in [1, 2^24)) and j[] (in [0, 2^24)):
// z = sqrt(-2 ln(k / 2^24)) cos(2 pi j / 2^24) at out[2p], the same times sin at out[2p + 1]. k[]
// and j[] must be readable up to the next multiple of 8 past `pairs` (lanes computed, not stored).
using NormalsFn = void (*)(const uint32_t* k, const uint32_t* j, long pairs, double mean, double std, float* out);

// radius[i] = sqrt(-2 ln(k[i] / 2^24)), cosv[i] and sinv[i] = cos and sin of 2 pi j[i] / 2^24, for
// i < n, in double: what normals() multiplies, for the tests' comparison with lib/normal_math.ts.
using PartsFn = void (*)(const uint32_t* k, const uint32_t* j, long n, double* radius, double* cosv, double* sinv);

struct NormalForms {
  NormalsFn normals;
  PartsFn parts;
};

namespace normal_generic {
extern const NormalForms forms;
// One pair's two normals, unrounded: sqrt(-2 ln(k / 2^24)) times cos and sin of 2 pi j / 2^24.
void pair(uint32_t k, uint32_t j, double* zc, double* zs);
}  // namespace normal_generic

// The AVX2 (4 lanes) and AVX-512 (8 lanes) forms, or nullptr where they were not compiled.
const NormalForms* normal_forms_avx2();
const NormalForms* normal_forms_avx512();

// The widest forms cpu_isa() allows (BACKPROP_ISA caps it, as it does the kernel sets).
const NormalForms& active_normal_forms();

}  // namespace bp

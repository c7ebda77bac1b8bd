// The random fills' vector code at each ISA: the generator in 8 lanes (draw_lanes.inc) and the
// normals' arithmetic (normal_lanes.inc), and the widest set this CPU runs. Every set gives the same
// bits: lanes are independent, each draws its own stretch of the sequence and rounds as written.
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

// The generator's words (four xoshiro128** words, advanced past what is drawn) draw in 8 lanes:
// uniform: out[i] = (float)(low + span * u_i) for i < n (u_i = 24 bits / 2^24, in double).
using UniformFn = void (*)(uint32_t* words, long n, double low, double span, float* out);
// pairs: k[p] and then j[p] for p < n, 24 bits each, a k of 0 kept (the caller draws again).
using PairsFn = void (*)(uint32_t* words, long n, uint32_t* k, uint32_t* j);
// mask: out[i]'s bits keep_bits where draw i (24 bits) >= threshold, else 0, for i < n.
using MaskFn = void (*)(uint32_t* words, long n, uint32_t threshold, uint32_t keep_bits, float* out);

struct RandomForms {
  NormalsFn normals;
  PartsFn parts;
  UniformFn uniform;
  PairsFn pairs;
  MaskFn mask;
};

namespace random_generic {
extern const RandomForms forms;
// One pair's two normals, unrounded: sqrt(-2 ln(k / 2^24)) times cos and sin of 2 pi j / 2^24.
void pair(uint32_t k, uint32_t j, double* zc, double* zs);
}  // namespace random_generic

// The AVX2 and AVX-512 sets, or nullptr where they were not compiled.
const RandomForms* random_forms_avx2();
const RandomForms* random_forms_avx512();

// The widest set cpu_isa() allows (BACKPROP_ISA caps it, as it does the kernel sets).
const RandomForms& active_random_forms();

}  // namespace bp

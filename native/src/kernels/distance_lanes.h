// distances' rows in vector form (distances_avx2.cc), for distances.cc.
#pragma once

namespace bp {

// The distances (p 1, 2, or 0 for infinity) from `rows` rows of x1 (ld1 apart, `cols` long) to
// `rows2` rows of x2 packed eight to a panel ([ceil(rows2 / 8)][cols][8], zero past rows2) into out
// (ldo apart): distances.cc's scalar arithmetic, eight rows of x2 in the lanes.
using DistanceRun = void (*)(const float* x1, long ld1, long rows, const float* panel, long rows2, long cols, int p, float* out, long ldo);

// The AVX2 loop, or null where it was not compiled (not x86-64).
DistanceRun distance_rows_avx2();

// Gradient sums for one row a against `count` rows (distance_grad.inc's grad_rows; g and dist of
// the n-th pair at n * gd_step).
using DistanceGradRun = void (*)(const float* a, const float* others, long count, const float* g, const float* dist, long gd_step, int p,
                                 float* gr, long cols);

// grad_rows compiled for AVX2, or null.
DistanceGradRun distance_grad_rows_avx2();

}  // namespace bp

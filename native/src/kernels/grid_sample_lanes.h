// gridSample's forward over runs of points in vector form (grid_sample_avx2.cc), for grid_sample.cc.
#pragma once

namespace bp {

// One call's sizes and options as the vector loop reads them.
struct GridLanes {
  long c, h, w, plane, points;  // channels, the input's sides and plane, the output's points per plane
  int mode, padding;            // as grid_sample(); padding 0 or 1 only (reflection stays scalar)
  bool align;
};

// Samples `count` consecutive points of one image (grid: their (x, y) pairs; out: the first one's
// output in channel 0, channels `points` apart) eight at a time; returns how many it did (a
// multiple of 8), the rest left to the scalar loop.
using GridRun = long (*)(const float* image, const float* grid, long count, const GridLanes& g, float* out);

// The AVX2 loop, or null where it was not compiled (not x86-64).
GridRun grid_sample_run_avx2();

// The gradient of `count` consecutive points of one image from the output gradient go (the first
// point's, in channel 0), eight at a time in point order: the input's gradient added into gimage
// (null for none; the image's channels `plane` apart), the grid's written as (x, y) pairs into
// ggrid (null for none). Returns how many points it did (a multiple of 8).
using GridGradRun = long (*)(const float* image, const float* grid, const float* go, long count, const GridLanes& g,
                             float* gimage, float* ggrid);

// Its AVX2 loop, or null.
GridGradRun grid_sample_grad_run_avx2();

}  // namespace bp

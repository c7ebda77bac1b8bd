// Sampling NCHW images at the points of a grid (torch.nn.functional.grid_sample): bilinear or
// nearest, zeros / border / reflection padding. lib/backend/reference/grid_sample.ts is the
// specification, the same bits.
#pragma once

namespace bp {

// The sizes of a call: the input [n, c, h, w], the grid [n, ho, wo, 2] and the output [n, c, ho, wo].
struct GridGeometry {
  long n, c, h, w, ho, wo;
};

// mode: 0 bilinear, 1 nearest; padding: 0 zeros, 1 border, 2 reflection.
void grid_sample(const float* x, const float* grid, const GridGeometry& g, int mode, int padding, bool align, float* out);

// The gradients of grid_sample from gy [n, c, ho, wo]: gx (the input's, overwritten; null for none)
// and ggrid (the grid's, overwritten; zeros for nearest; null for none).
void grid_sample_grad(const float* gy, const float* x, const float* grid, const GridGeometry& g, int mode, int padding, bool align,
                      float* gx, float* ggrid);

}  // namespace bp

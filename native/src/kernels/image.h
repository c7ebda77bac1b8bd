// Sliding windows over NCHW images: patches as rows (im2col) for convolution, their gradient added
// back (col2im), and max pooling. lib/backend/reference/image.ts is the specification.
#pragma once
#include <cstdint>

namespace bp {

// The window geometry (lib/backend/backend.ts's IMAGE_GEOMETRY): batch, channels, height, width,
// kernel, stride, padding, dilation, output height and width. The addon checks it.
struct ImageGeometry {
  long n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

// rows[(b oh + i) ow + j, (k kh + u) kw + v] = x[b, c0 + k, i sh - ph + u dh, j sw - pw + v dw] for
// k in [0, cg), `pad` outside x.
void image_rows(const float* x, const ImageGeometry& g, long c0, long cg, float pad, float* rows);

// Channels [c0, c0 + cg) of gx overwritten with the sums of the entries of rows read from each
// position: one plane per task, in the order of the rows and then of the window.
void image_rows_grad(const float* rows, const ImageGeometry& g, long c0, long cg, float* gx);

// Max pooling: out and indices [n, c, oh, ow]; indices the offsets in x of the values taken; torch's
// rule for ties and NaN.
void max_pool2d(const float* x, const ImageGeometry& g, float* out, int32_t* indices);

}  // namespace bp

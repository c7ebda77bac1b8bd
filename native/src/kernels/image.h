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

// The windows as columns (torch's im2col layout), each image's block [cg kh kw, oh ow] after the
// last: cols[((b cg + k) kh + u) kw + v, i ow + j] = x[b, c0 + k, i sh - ph + u dh, j sw - pw + v dw],
// 0 outside x.
void image_columns(const float* x, const ImageGeometry& g, long c0, long cg, float* cols);

// Channels [c0, c0 + cg) of gx overwritten with the sums of the entries of cols read from each
// position, in the window's order (u, v): the sums of image_rows_grad, the same bits.
void image_columns_grad(const float* cols, const ImageGeometry& g, long c0, long cg, float* gx);

// Max pooling: out and indices [n, c, oh, ow]; indices the offsets in x of the values taken; torch's
// rule for ties and NaN.
void max_pool2d(const float* x, const ImageGeometry& g, float* out, int32_t* indices);

// The depth of 3-D windows (lib/backend/backend.ts's DEPTH_GEOMETRY): depth, kernel, stride,
// padding, dilation and output depth.
struct DepthGeometry {
  long d, kd, sd, pd, dd, od;
};

// Part of one row of one image's block of image_columns: out[t] = cols[r, p0 + t] for t < count, x
// the image's first float (g.n is not read). With dg a volume's windows in depth too (x [c, d, h, w];
// rows (c, kd, kh, kw), positions (od, oh, ow)); window_runs.h's kFlat for an image. sgemm makes a
// product's operand of such columns this way when it cannot pack them from the image (gemm.h).
void window_row(const float* x, const ImageGeometry& g, const DepthGeometry& dg, long c0, long r, long p0, long count,
                float* out);

// 3-D max pooling of x [n, c, d, h, w]: g's height and width windows and dg's depth windows; out and
// indices [n, c, od, oh, ow], each window scanned by depth, row and column with max_pool2d's rule.
void max_pool3d(const float* x, const ImageGeometry& g, const DepthGeometry& dg, float* out, int32_t* indices);


// Depthwise convolution (groups = channels; g.c the input's channels, m outputs per channel):
// out[b, o, i, j] = the sum over window elements (u, v), in order, of w[o, u, v] x[b, o / m, i sh -
// ph + u dh, j sw - pw + v dw], positions outside x left out. out is [n, c m, oh, ow], w [c m, kh, kw].
void depthwise_conv2d(const float* x, const ImageGeometry& g, const float* w, long m, float* out);

// Its gradient with respect to x: gx [n, c, h, w] overwritten, each plane summed over its m outputs
// in turn, each over (u, v) and then the output positions in order.
void depthwise_conv2d_grad_input(const float* gy, const ImageGeometry& g, const float* w, long m, float* gx);

// Its gradient with respect to w: gw [c m, kh, kw] overwritten, each entry the sum over images, rows
// and columns of gy x, the columns of a row dealt to 8 partial sums in turn ((j - first) mod 8),
// combined as ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)).
void depthwise_conv2d_grad_weight(const float* gy, const float* x, const ImageGeometry& g, long m, float* gw);

}  // namespace bp

// The discrete Fourier transform of rows of complex numbers: the twin of lib/backend/reference/fft.ts
// (radix-2 for powers of two, Bluestein's chirp-z otherwise, the inverse as the conjugate's forward
// transform conjugated), the same doubles in the same order. Compiled without fused multiply-adds
// (CMakeLists.txt) so that each product is rounded as the reference rounds it.
#include "fft.h"

#include <algorithm>
#include <vector>

#include "../runtime/thread_pool.h"

namespace bp {

long fft_convolution_length(long n) {
  if ((n & (n - 1)) == 0) return n;
  long m = 1;
  while (m < 2 * n - 1) m *= 2;
  return m;
}

long fft_plan_length(long n) {
  const long m = fft_convolution_length(n);
  return m + (m != n ? 2 * n + 2 * m : 0);
}

namespace {

// In-place forward radix-2 transform of re / im (length m) by the twiddles cos / sin (m / 2 each).
void radix2(double* re, double* im, long m, const double* cos, const double* sin) {
  for (long i = 1, j = 0; i < m; i++) {
    long bit = m >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  for (long len = 2; len <= m; len *= 2) {
    const long half = len / 2, stride = m / len;
    // Block by block, each block's butterflies in order: the arrays read in sequence (the twiddles
    // a stride apart), twice as fast as twiddle by twiddle; each butterfly's arithmetic is the same.
    for (long s0 = 0; s0 < m; s0 += len) {
      for (long k = 0; k < half; k++) {
        const double wr = cos[k * stride], wi = sin[k * stride];
        const long a = s0 + k, b = a + half;
        const double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

// Rows [r0, r1): each one's transform through scratch of the convolution length.
void transform_rows(const float* x, long n, long r0, long r1, bool inverse, const double* plan, float* out) {
  const long m = fft_convolution_length(n), half = m / 2;
  const double* cos = plan;
  const double* sin = plan + half;
  const bool bluestein = m != n;
  const double conj = inverse ? -1.0 : 1.0;
  std::vector<double> re(m), im(m);
  for (long r = r0; r < r1; r++) {
    const float* row = x + 2 * n * r;
    float* dst = out + 2 * n * r;
    if (!bluestein) {
      for (long k = 0; k < n; k++) {
        re[k] = row[2 * k];
        im[k] = conj * row[2 * k + 1];
      }
      radix2(re.data(), im.data(), m, cos, sin);
    } else {
      const double* chirp_re = plan + m;
      const double* chirp_im = plan + m + n;
      const double* kernel_re = plan + m + 2 * n;
      const double* kernel_im = plan + 2 * m + 2 * n;
      std::fill(re.begin(), re.end(), 0.0);
      std::fill(im.begin(), im.end(), 0.0);
      for (long k = 0; k < n; k++) {
        const double xr = row[2 * k], xi = conj * row[2 * k + 1];
        re[k] = xr * chirp_re[k] - xi * chirp_im[k];
        im[k] = xr * chirp_im[k] + xi * chirp_re[k];
      }
      radix2(re.data(), im.data(), m, cos, sin);
      for (long k = 0; k < m; k++) {
        const double pr = re[k] * kernel_re[k] - im[k] * kernel_im[k];
        im[k] = -(re[k] * kernel_im[k] + im[k] * kernel_re[k]);
        re[k] = pr;
      }
      radix2(re.data(), im.data(), m, cos, sin);
      for (long k = 0; k < n; k++) {
        const double cr = re[k] / (double)m, ci = -im[k] / (double)m;
        re[k] = cr * chirp_re[k] - ci * chirp_im[k];
        im[k] = cr * chirp_im[k] + ci * chirp_re[k];
      }
    }
    for (long k = 0; k < n; k++) {
      dst[2 * k] = (float)re[k];
      dst[2 * k + 1] = (float)(conj * im[k]);
    }
  }
}

}  // namespace

void fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out) {
  if (n == 0 || count == 0) return;
  // About 2^15 complex numbers of rows per chunk: a wake-up of the pool pays for itself past that.
  const long grain = std::max(1L, 32768 / fft_convolution_length(n));
  parallel_for((size_t)count, (size_t)grain, [&](size_t r0, size_t r1) { transform_rows(x, n, (long)r0, (long)r1, inverse, plan, out); });
}

}  // namespace bp

#pragma once

namespace bp {

// The length of the power-of-two transform a length-n row uses: n itself when n is a power of two,
// else Bluestein's convolution length, the least power of two at least 2n - 1.
long fft_convolution_length(long n);

// The number of doubles fftPlan(n) holds: m twiddles (m / 2 cosines, m / 2 sines), then for
// Bluestein 2n for the chirp and 2m for the kernel's transform.
long fft_plan_length(long n);

// The unscaled DFT (inverse: its conjugate) of each of `count` rows of n complex numbers at x
// (interleaved real and imaginary parts) into out, by the plan's tables (lib/backend/reference/fft.ts
// fftPlan). Doubles in the reference's order, each output rounded once: its bits, at any thread
// count (rows are cut across the pool; each row is one thread's).
void fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out);

}  // namespace bp

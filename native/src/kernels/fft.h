#pragma once

namespace bp {

// The radices of a direct length-n transform in pass order (fours, then a two, then odd primes
// ascending) into factors (room for 64); returns how many.
int fft_factors(long n, long* factors);

// The length of the direct transform a length-n row uses: n itself where its factors make that
// cheaper than Bluestein (pocketfft's estimate), else Bluestein's convolution length, the least
// power of two at least 2n - 1.
long fft_convolution_length(long n);

// Whether a length-n direct transform goes in four steps (lib/backend/reference/fft.ts
// fourStepSplit), and as which n1 x n2; else false, for its passes.
bool fft_four_step_split(long n, long* n1, long* n2);

// The number of doubles a direct length-n transform's tables take (per pass: an odd radix p's 2p
// roots, then 2 (p - 1)(ido - 1) twiddles; in four steps n1's, n2's and the twiddles, real and imaginary
// parts fft_four_step_half(n1, n2) each).
long fft_direct_plan_length(long n);

// The number of doubles fftPlan(n) holds: the direct tables of fft_convolution_length(n), then for
// Bluestein 2n for the chirp and 2m for the kernel's transform.
long fft_plan_length(long n);

// The unscaled DFT (inverse: its conjugate) of each of `count` rows of n complex numbers at x
// (interleaved real and imaginary parts) into out, by the plan's tables (lib/backend/reference/fft.ts
// fftPlan). Doubles in the reference's order, each output rounded once: its bits, at any thread
// count and kernel set (rows are cut across the pool; rows go through the passes several at a time,
// one per vector lane, each lane a row's scalar arithmetic; rows whose direct transform goes in four
// steps one at a time, their columns and rows in the lanes).
void fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out);

// The number of doubles realFftPlan(n) holds (n even): fftPlan(n / 2)'s, then n for cos and sin of
// 2 pi k / n, k < n / 2.
long real_fft_plan_length(long n);

// The one-sided DFT of real rows (lib/backend/reference/fft.ts realFftRows; n even), by a complex
// transform of half their length. Forward: count rows of n reals at x into n / 2 + 1 bins (pairs) a
// row at out. Inverse: count rows of n / 2 + 1 bins at x (the imaginary parts of the first and last
// ignored) into the n reals of each one's unscaled Hermitian inverse at out. The reference's bits
// as fft_rows gives them.
// With `block` > 0 (dividing count), the bins of each block of that many rows lie bins-major (the
// transposes of its rows: bin k of the block's row r at 2 (k block + r)), as stft returns them and
// istft takes them, where a copy of the spectrum turned them round (two threads, 201 bins of 410
// frames: 30 of stft's ~320 us). Forward, with hop > 0 the rows are frames of one signal, hop floats
// apart (x holds (count - 1) hop + n), and with a window each sample is first multiplied by its
// window[i] (a float product, as a multiply of the frames gives it): stft's frames read from the
// padded signal, where they were copied out and multiplied by the window in two passes.
void real_fft_rows(const float* x, long n, long count, bool inverse, const double* plan, float* out, long block = 0, long hop = 0,
                   const float* window = nullptr);

// What a row holds and becomes: complex rows forward or inverse, or real_fft_rows' two ways.
enum class FftKind { kForward, kInverse, kRealForward, kRealInverse };

// The floats a row of the kind takes in (in) and gives out (out), for rows of n (complex numbers, or
// for the real kinds reals).
struct FftRowLengths {
  long in, out;
};
FftRowLengths fft_row_lengths(FftKind kind, long n);
// Where the real kinds' rows lie besides back to back (real_fft_rows): bins bins-major (bin_stride
// > 0: bin k of row r at 2 r + k bin_stride), and forward, rows hop floats apart (hop > 0), each
// sample times window[i] first (window not null).
struct FftLayout {
  long bin_stride = 0, hop = 0;
  const float* window = nullptr;
};
// How far the next row's input and output start: fft_row_lengths, but 2 floats for bins that lie
// bins-major, and hop for frames.
FftRowLengths fft_row_steps(FftKind kind, long n, const FftLayout& layout);

// Transforms rows lanes at a time: the first (count / lanes) * lanes of count rows at x into out as
// fft_rows or real_fft_rows does for kind; returns how many it did.
// The layout as fft_row_steps takes it.
using FftRun = long (*)(const float* x, long n, long count, FftKind kind, const double* plan, float* out, const FftLayout& layout);

// The AVX2 set's run (four rows in a vector of doubles), or null where it was not compiled.
FftRun fft_run_avx2();

// The four steps' rows of twiddled columns are padded by this many complex numbers, so that rows a
// power of two apart do not put a column's elements in the same few cache sets.
constexpr long kFourStepPad = 4;

// The four steps' twiddles e^{-2 pi i j2 k1 / n} go by groups of four columns: group j2 / 4's n1 rows
// of four in turn, so that a group's twiddles are read in order with its columns' bins. (In n1 rows
// of n2, each group read a piece of every row, n2 apart: a 2^19 row 6.0-7.3 -> 4.8-5.4 ms, 131072 x
// 16 rows 13.5-14.3 -> 12.8-13.3 ms, at one thread; session 63.)
// fft_twiddle_at is the place of (k1, j2) among the real parts; the imaginary parts follow at the
// same places fft_four_step_half(n1, n2) on (the last group padded to four columns).
inline long fft_four_step_half(long n1, long n2) { return n1 * ((n2 + 3) / 4 * 4); }
inline long fft_twiddle_at(long k1, long j2, long n1) { return j2 / 4 * 4 * n1 + 4 * k1 + j2 % 4; }

// The doubles of working room fft_four_step takes: the twiddled columns' n1 rows of n2, padded.
inline long fft_four_step_room(long n1, long n2) { return 2 * n1 * (n2 + kFourStepPad); }

// Where fft_four_step's result goes: z's doubles, or where `floats` is set the row's floats there
// (interleaved pairs), the imaginary parts times conj first. A row alone is written by the last step
// itself (2^16 complex numbers 0.36 -> 0.34 ms at one thread; its input read by the first step was
// faster still for a row in cache, but 1.1-1.4x slower for a batch of rows, read from L3 a column at
// a time; session 63).
struct FftFourStepOut {
  float* floats = nullptr;
  double conj = 1.0;
};

// One row's length-n direct transform in four steps (n = n1 n2, fft_four_step_split's) by its tables
// at plan: z, n complex numbers (interleaved doubles), in, and out unless `out` says otherwise; t
// room for fft_four_step_room(n1, n2) doubles. Columns, then rows, several at a time in vector lanes
// and cut across the pool.
void fft_four_step(double* z, double* t, long n1, long n2, const double* plan, const FftFourStepOut& out = {});

// A set's part of fft_four_step: groups [g0, g1) of `lanes` columns (phase 0) or rows (phase 1).
struct FftFourStep {
  void (*groups)(int phase, long g0, long g1, double* z, double* t, long n1, long n2, const double* plan, const FftFourStepOut& out);
  long lanes;
};

// The AVX2 set's four steps (four columns a vector), or null groups where it was not compiled.
FftFourStep fft_four_step_avx2();

}  // namespace bp

// The machine's fp32 FMA peak: a register-only loop of independent FMAs (no memory traffic),
// run on N threads at once, with 256-bit (avx2, the default) or 512-bit (avx512) vectors: the peak
// of the kernel set in use. Prints GFLOP/s for the threads used.
// Build: cc -O2 -mavx2 -mfma -pthread fma_peak.c -o fma_peak ; run: ./fma_peak THREADS ITERS [avx2|avx512]
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static long iters = 200000000;
static float sink[128];

// One thread's loop, for a vector type and its intrinsics. 12 independent chains cover the FMA
// latency (4 cycles x 2 pipes = 8 in flight). Each chain starts from its own value: chains that
// start equal and update alike are one chain to the compiler, which folds them into a single
// latency-bound FMA per iteration (an earlier version did, and reported 1/4 of the real rate times
// the 10 FMAs it believed it ran: 126 instead of 101).
#define FMA_LOOP(ATTR, NAME, VEC, P, LANES)                                         \
  ATTR static void* NAME(void* arg) {                                               \
    VEC acc[12];                                                                    \
    for (int i = 0; i < 12; i++) acc[i] = P##_set1_ps(1.0f + 0.001f * i);           \
    const VEC m = P##_set1_ps(0.999999f), c = P##_set1_ps(1e-7f);                   \
    for (long i = 0; i < iters; i++) {                                              \
      acc[0] = P##_fmadd_ps(acc[0], m, c); acc[1] = P##_fmadd_ps(acc[1], m, c);     \
      acc[2] = P##_fmadd_ps(acc[2], m, c); acc[3] = P##_fmadd_ps(acc[3], m, c);     \
      acc[4] = P##_fmadd_ps(acc[4], m, c); acc[5] = P##_fmadd_ps(acc[5], m, c);     \
      acc[6] = P##_fmadd_ps(acc[6], m, c); acc[7] = P##_fmadd_ps(acc[7], m, c);     \
      acc[8] = P##_fmadd_ps(acc[8], m, c); acc[9] = P##_fmadd_ps(acc[9], m, c);     \
      acc[10] = P##_fmadd_ps(acc[10], m, c); acc[11] = P##_fmadd_ps(acc[11], m, c); \
    }                                                                               \
    VEC s = acc[0];                                                                 \
    for (int i = 1; i < 12; i++) s = P##_add_ps(s, acc[i]);                         \
    P##_storeu_ps(sink + LANES * (long)arg, s);                                     \
    return NULL;                                                                    \
  }

FMA_LOOP(, run, __m256, _mm256, 8)
FMA_LOOP(__attribute__((target("avx512f"))), run512, __m512, _mm512, 16)

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 8) threads = 1;
  if (argc > 2) iters = atol(argv[2]);
  const int wide = argc > 3 && strcmp(argv[3], "avx512") == 0;
  pthread_t t[8];
  double t0 = now();
  for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, wide ? run512 : run, (void*)i);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  double s = now() - t0;
  // 12 FMAs x 8 (or 16) lanes x 2 flops per iteration per thread.
  printf("%.2f\n", threads * (double)iters * 12 * (wide ? 16 : 8) * 2 / s / 1e9);
  return sink[0] == 12345.0f;
}

// The machine's fp32 FMA peak: a register-only loop of independent FMAs (no memory traffic),
// run on N threads at once. Prints GFLOP/s for the threads used.
// Build: cc -O2 -mavx2 -mfma -pthread fma_peak.c -o fma_peak ; run: ./fma_peak THREADS SECONDS
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static long iters = 200000000;
static float sink[64];

static void* run(void* arg) {
  // 10 independent accumulators hide the FMA latency (4-5 cycles x 2 ports).
  __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iters; i++) {
    a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c); a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c); a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c); a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(_mm256_add_ps(a6, a7), _mm256_add_ps(a8, a9))));
  _mm256_storeu_ps(sink + 8 * (long)arg, s);
  return NULL;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 8) threads = 1;
  if (argc > 2) iters = atol(argv[2]);
  pthread_t t[8];
  double t0 = now();
  for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, (void*)i);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  double s = now() - t0;
  // 10 FMAs x 8 lanes x 2 flops per iteration per thread.
  printf("%.2f\n", threads * (double)iters * 10 * 8 * 2 / s / 1e9);
  return sink[0] == 12345.0f;
}

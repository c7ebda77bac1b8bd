// Read bandwidth from the last-level cache: N threads each sum their share of a buffer the size of
// W5's weights (784x1024 + 1024x1024 + 1024x10 floats, 7.4 MiB, resident in the 32 MiB L3), over and
// over, four streams per thread (a batch-1 layer streams four weight rows at once). Prints GB/s.
// A batch-1 forward pass reads every weight once, so bytes / this rate bounds its latency.
// Build: cc -O2 -mavx2 -pthread l3_read.c -o l3_read ; run: ./l3_read THREADS PASSES
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FLOATS ((784L * 1024 + 1024L * 1024 + 1024L * 10 + 63) / 64 * 64)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float* buf;
static int threads;
static long passes;
static float sink[64][64];  // every lane of every accumulator is stored: nothing can be folded away

static void* run(void* arg) {
  const long id = (long)arg;
  const long lo = FLOATS * id / threads / 64 * 64, hi = FLOATS * (id + 1) / threads / 64 * 64;
  const long quarter = (hi - lo) / 4 / 32 * 32;
  __m256 acc[8];
  for (int j = 0; j < 8; j++) acc[j] = _mm256_setzero_ps();
  for (long p = 0; p < passes; p++) {
    const float *q0 = buf + lo, *q1 = q0 + quarter, *q2 = q1 + quarter, *q3 = q2 + quarter;
    for (long i = 0; i < quarter; i += 16) {
      acc[0] = _mm256_add_ps(acc[0], _mm256_load_ps(q0 + i));
      acc[1] = _mm256_add_ps(acc[1], _mm256_load_ps(q0 + i + 8));
      acc[2] = _mm256_add_ps(acc[2], _mm256_load_ps(q1 + i));
      acc[3] = _mm256_add_ps(acc[3], _mm256_load_ps(q1 + i + 8));
      acc[4] = _mm256_add_ps(acc[4], _mm256_load_ps(q2 + i));
      acc[5] = _mm256_add_ps(acc[5], _mm256_load_ps(q2 + i + 8));
      acc[6] = _mm256_add_ps(acc[6], _mm256_load_ps(q3 + i));
      acc[7] = _mm256_add_ps(acc[7], _mm256_load_ps(q3 + i + 8));
    }
  }
  for (int j = 0; j < 8; j++) _mm256_storeu_ps(&sink[id][8 * j], acc[j]);
  return NULL;
}

// run() on every thread, the calling one included.
static void run_all(void) {
  pthread_t th[64];
  for (long i = 1; i < threads; i++) pthread_create(&th[i], NULL, run, (void*)i);
  run(0);
  for (long i = 1; i < threads; i++) pthread_join(th[i], NULL);
}

int main(int argc, char** argv) {
  threads = argc > 1 ? atoi(argv[1]) : 1;
  passes = argc > 2 ? atol(argv[2]) : 4000;
  if (threads < 1 || threads > 64 || passes < 1) return 1;
  buf = aligned_alloc(64, FLOATS * sizeof(float));
  for (long i = 0; i < FLOATS; i++) buf[i] = 1.0f;
  const long timed = passes;
  passes = 200;  // bring the buffer into the cache and the cores up to speed
  run_all();
  passes = timed;
  const double t0 = now();
  run_all();
  const double dt = now() - t0;
  // Bytes actually read: each thread reads 4 quarters of its share (the rounding leaves a few out).
  double bytes = 0;
  for (long id = 0; id < threads; id++) {
    const long lo = FLOATS * id / threads / 64 * 64, hi = FLOATS * (id + 1) / threads / 64 * 64;
    bytes += 4.0 * ((hi - lo) / 4 / 32 * 32) * sizeof(float);
  }
  printf("%.2f\n", bytes * passes / dt / 1e9);
  return 0;
}

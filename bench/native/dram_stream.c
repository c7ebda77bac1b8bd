// Memory bandwidth of an optimizer step: N threads each update their contiguous share of W3's
// parameters with Adam's memory traffic (read p, g, m, v; write p, m, v: 28 bytes per element, 30 MiB
// of state), after streaming 64 MiB of other data through their caches first, as a training step's
// products do between two updates. Prints GB/s, the best of PASSES passes. On the development VM one
// core already takes all the bandwidth there is: the same figure at 1 and 2 threads.
// Build: cc -O2 -mavx2 -mfma -pthread dram_stream.c -o dram_stream ; run: ./dram_stream THREADS PASSES
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "on_threads.h"

#define FLOATS ((784L * 1024 + 1024L * 1024 + 1024L * 10 + 1024 + 1024 + 10 + 63) / 64 * 64)
#define JUNK_FLOATS (16L << 20)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *p, *g, *m, *v;
static int threads;
static pthread_barrier_t barrier;
static double started, best = 1e30;
static float sink[64][8];

static void* run(void* arg) {
  const long id = (long)arg;
  const long lo = FLOATS * id / threads / 8 * 8, hi = FLOATS * (id + 1) / threads / 8 * 8;
  float* junk = aligned_alloc(64, JUNK_FLOATS * sizeof(float));
  for (long i = 0; i < JUNK_FLOATS; i++) junk[i] = 1.0f;
  __m256 acc = _mm256_setzero_ps();
  const __m256 b1 = _mm256_set1_ps(0.9f), b2 = _mm256_set1_ps(0.999f), lr = _mm256_set1_ps(1e-3f);
  for (int pass = 0; pass < (int)(long)sink[63][0]; pass++) {
    for (long i = 0; i < JUNK_FLOATS; i += 16) acc = _mm256_add_ps(acc, _mm256_load_ps(junk + i));
    pthread_barrier_wait(&barrier);
    if (id == 0) started = now();
    for (long i = lo; i < hi; i += 8) {
      const __m256 gi = _mm256_load_ps(g + i);
      const __m256 mi = _mm256_fmadd_ps(b1, _mm256_load_ps(m + i), gi);
      const __m256 vi = _mm256_fmadd_ps(b2, _mm256_load_ps(v + i), _mm256_mul_ps(gi, gi));
      _mm256_store_ps(m + i, mi);
      _mm256_store_ps(v + i, vi);
      _mm256_store_ps(p + i, _mm256_fnmadd_ps(lr, _mm256_mul_ps(mi, vi), _mm256_load_ps(p + i)));
    }
    pthread_barrier_wait(&barrier);
    if (id == 0 && now() - started < best) best = now() - started;
  }
  _mm256_storeu_ps(sink[id], acc);
  free(junk);
  return NULL;
}

int main(int argc, char** argv) {
  threads = argc > 1 ? atoi(argv[1]) : 1;
  const long passes = argc > 2 ? atol(argv[2]) : 5;
  if (threads < 1 || threads > 63 || passes < 1) return 1;
  sink[63][0] = (float)passes;  // read by every thread: the pass count
  float** arrays[] = {&p, &g, &m, &v};
  for (int a = 0; a < 4; a++) {
    *arrays[a] = aligned_alloc(64, FLOATS * sizeof(float));
    for (long i = 0; i < FLOATS; i++) (*arrays[a])[i] = a == 1 ? 1e-3f : 0.0f;
  }
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  run_on_threads(run, threads);
  printf("%.2f\n", 28.0 * FLOATS / best / 1e9);
  return 0;
}

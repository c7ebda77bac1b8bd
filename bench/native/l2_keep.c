// Can part of W5's weights stay in each core's L2 between batch-1 passes if the rest streams past it?
// Each thread reads its share of the weights (7.1 MiB in all) once a pass, the threads meeting at a
// spin barrier between passes as a pass's layers do; the first KEEP_KIB of each share are fetched
// ahead with ordinary (T0) prefetches, the rest with PREFETCHNTA (MODE 1), or all with T0 (MODE 0).
// Were the NTA lines kept out of the L2, the kept part would be read from there (about 1.8x the L3's
// rate on Zen 5) and a pass would shorten as KEEP_KIB grows. Prints the best of five runs, us a pass.
// Not run by the bench: issue 4's W5 arithmetic (docs/performance.md, session 70) quotes it.
// Build: cc -O2 -mavx2 -pthread l2_keep.c -o l2_keep ; run: ./l2_keep THREADS PASSES KEEP_KIB MODE
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "on_threads.h"
#define FLOATS ((784L * 1024 + 1024L * 1024 + 1024L * 10 + 63) / 64 * 64)
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static float* buf; static int threads, mode; static long passes, keep; static float sink[64][64];
static volatile int arrived; static volatile int generation;
static void spin_barrier(void) {
  const int g = generation;
  if (__sync_add_and_fetch(&arrived, 1) == threads) { arrived = 0; __sync_synchronize(); generation = g + 1; }
  else while (generation == g) __builtin_ia32_pause();
}
__attribute__((target("avx512f"))) static void* run(void* arg) {
  const long id = (long)arg;
  const long lo = FLOATS * id / threads / 128 * 128, hi = FLOATS * (id + 1) / threads / 128 * 128;
  const long split = lo + (mode ? keep / 512 * 128 : 0);
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (long p = 0; p < passes; p++) {
    spin_barrier();  // a pass at a time, as the layers' barriers
    for (const float* q = buf + lo; q + 128 <= buf + hi; q += 128) {
      if (q < buf + split) { for (int k = 0; k < 8; k++) _mm_prefetch((const char*)(q + 256 + 16 * k), _MM_HINT_T0); }
      else { for (int k = 0; k < 8; k++) _mm_prefetch((const char*)(q + 256 + 16 * k), _MM_HINT_NTA); }
      a0 = _mm512_add_ps(a0, _mm512_load_ps(q)); a1 = _mm512_add_ps(a1, _mm512_load_ps(q + 16));
      a2 = _mm512_add_ps(a2, _mm512_load_ps(q + 32)); a3 = _mm512_add_ps(a3, _mm512_load_ps(q + 48));
      a4 = _mm512_add_ps(a4, _mm512_load_ps(q + 64)); a5 = _mm512_add_ps(a5, _mm512_load_ps(q + 80));
      a6 = _mm512_add_ps(a6, _mm512_load_ps(q + 96)); a7 = _mm512_add_ps(a7, _mm512_load_ps(q + 112));
    }
  }
  _mm512_storeu_ps(&sink[id][0], _mm512_add_ps(_mm512_add_ps(a0, a4), _mm512_add_ps(a1, a5)));
  _mm512_storeu_ps(&sink[id][16], _mm512_add_ps(_mm512_add_ps(a2, a6), _mm512_add_ps(a3, a7)));
  return NULL;
}
static void run_all(void) { run_on_threads(run, threads); }
int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: l2_keep THREADS PASSES KEEP_KIB MODE\n");
    return 1;
  }
  threads = atoi(argv[1]); long timed = atol(argv[2]); keep = atol(argv[3]) * 1024; mode = atoi(argv[4]);
  buf = aligned_alloc(64, FLOATS * sizeof(float));
  for (long i = 0; i < FLOATS; i++) buf[i] = 1.0f;
  passes = 300; run_all();
  double best = 1e9;
  for (int r = 0; r < 5; r++) { passes = timed; const double t0 = now(); run_all(); const double dt = (now() - t0) / timed; if (dt < best) best = dt; }
  printf("threads %d keep %ld KiB mode %d: %.1f us a pass\n", threads, keep / 1024, mode, best * 1e6);
  return 0;
}

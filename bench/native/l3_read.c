// Read bandwidth from the last-level cache: N threads each sum their share of a buffer the size of
// W5's weights (784x1024 + 1024x1024 + 1024x10 floats, 7.4 MiB, resident in the 32 MiB L3), over and
// over, and the fastest of the ways of reading it is printed (GB/s): four streams per thread of
// 256-bit loads (a batch-1 layer streams four weight rows at once, native/src/kernels/dot4.inc),
// and, with `avx512`, one stream of 512-bit loads fetched 1 KiB ahead by software. On one Zen 5
// core the second read 78-79 GB/s where the first read 69-71 (two cores: 156-162 against 140-144;
// three alternated runs, session 35), so the four streams alone overstated the time a pass must take.
// A batch-1 forward pass reads every weight once, so bytes / this rate bounds its latency.
// Build: cc -O2 -mavx2 -pthread l3_read.c -o l3_read ; run: ./l3_read THREADS PASSES [avx2|avx512]
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "on_threads.h"

#define FLOATS ((784L * 1024 + 1024L * 1024 + 1024L * 10 + 63) / 64 * 64)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float* buf;
static int threads;
static int wide_stream;  // read as one 512-bit stream fetched ahead (else four 256-bit streams)
static long passes;
static float sink[64][64];  // every lane of every accumulator is stored: nothing can be folded away

static void* run4(void* arg) {
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

// One stream per thread, 512-bit loads, each line fetched 256 floats (1 KiB) before it is read.
// Written out: as loops over an array of accumulators GCC kept them in memory.
__attribute__((target("avx512f"))) static void* run512(void* arg) {
  const long id = (long)arg;
  const long lo = FLOATS * id / threads / 64 * 64, hi = FLOATS * (id + 1) / threads / 64 * 64;
  const long end = lo + (hi - lo) / 4 / 32 * 32 * 4;  // the floats run4 reads
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (long p = 0; p < passes; p++) {
    for (const float* q = buf + lo; q + 128 <= buf + end; q += 128) {
      _mm_prefetch((const char*)(q + 256), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 272), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 288), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 304), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 320), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 336), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 352), _MM_HINT_T0);
      _mm_prefetch((const char*)(q + 368), _MM_HINT_T0);
      a0 = _mm512_add_ps(a0, _mm512_load_ps(q));
      a1 = _mm512_add_ps(a1, _mm512_load_ps(q + 16));
      a2 = _mm512_add_ps(a2, _mm512_load_ps(q + 32));
      a3 = _mm512_add_ps(a3, _mm512_load_ps(q + 48));
      a4 = _mm512_add_ps(a4, _mm512_load_ps(q + 64));
      a5 = _mm512_add_ps(a5, _mm512_load_ps(q + 80));
      a6 = _mm512_add_ps(a6, _mm512_load_ps(q + 96));
      a7 = _mm512_add_ps(a7, _mm512_load_ps(q + 112));
    }
  }
  _mm512_storeu_ps(&sink[id][0], _mm512_add_ps(a0, a4));
  _mm512_storeu_ps(&sink[id][16], _mm512_add_ps(a1, a5));
  _mm512_storeu_ps(&sink[id][32], _mm512_add_ps(a2, a6));
  _mm512_storeu_ps(&sink[id][48], _mm512_add_ps(a3, a7));
  return NULL;
}

static void* run(void* arg) { return wide_stream ? run512(arg) : run4(arg); }

// run() on every thread, the calling one included.
static void run_all(void) { run_on_threads(run, threads); }

int main(int argc, char** argv) {
  threads = argc > 1 ? atoi(argv[1]) : 1;
  passes = argc > 2 ? atol(argv[2]) : 4000;
  if (threads < 1 || threads > 64 || passes < 1) return 1;
  buf = aligned_alloc(64, FLOATS * sizeof(float));
  for (long i = 0; i < FLOATS; i++) buf[i] = 1.0f;
  const int ways = argc > 3 && strcmp(argv[3], "avx512") == 0 ? 2 : 1;
  const long timed = passes;
  double dt = 0;
  for (wide_stream = 0; wide_stream < ways; wide_stream++) {
    passes = 200;  // bring the buffer into the cache and the cores up to speed
    run_all();
    passes = timed;
    const double t0 = now();
    run_all();
    const double took = now() - t0;
    if (wide_stream == 0 || took < dt) dt = took;
  }
  // Bytes actually read: each thread reads 4 quarters of its share (the rounding leaves a few out).
  double bytes = 0;
  for (long id = 0; id < threads; id++) {
    const long lo = FLOATS * id / threads / 64 * 64, hi = FLOATS * (id + 1) / threads / 64 * 64;
    bytes += 4.0 * ((hi - lo) / 4 / 32 * 32) * sizeof(float);
  }
  printf("%.2f\n", bytes * passes / dt / 1e9);
  return 0;
}

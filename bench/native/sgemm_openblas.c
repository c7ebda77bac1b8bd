// OpenBLAS SGEMM, the best known kernel, timed the way bench/gemm.ts times ours: REWARM seconds of
// untimed products (bench/timing.ts's REWARM_SECONDS: a core that sat idle runs slower for ~100 ms),
// then the median of REPS timed ones, each of INNER products. Prints GFLOP/s. Threads come from
// OPENBLAS_NUM_THREADS.
// Build: cc -O2 sgemm_openblas.c -lopenblas -o sgemm_openblas
// Run:   ./sgemm_openblas N REPS [TA TB M K REWARM INNER]
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void product(int ta, int tb, int m, int n, int k, const float* a, const float* b, float* c) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
              ta ? m : k, b, tb ? k : n, 0.0f, c, n);
}

static float* line_alloc(size_t floats) {
  return aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 512;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  int ta = argc > 3 ? atoi(argv[3]) : 0, tb = argc > 4 ? atoi(argv[4]) : 0;
  int m = argc > 5 ? atoi(argv[5]) : n, k = argc > 6 ? atoi(argv[6]) : n;
  double rewarm = argc > 7 ? atof(argv[7]) : 0.0;
  int inner = argc > 8 ? atoi(argv[8]) : 1;
  // Operands start on a 64-byte cache line, as the library's large tensors do (lib/storage.ts).
  float* a = line_alloc((size_t)m * k);
  float* b = line_alloc((size_t)k * n);
  float* c = line_alloc((size_t)m * n);
  for (long i = 0; i < (long)m * k; i++) a[i] = (float)rand() / RAND_MAX;
  for (long i = 0; i < (long)k * n; i++) b[i] = (float)rand() / RAND_MAX;
  double* t = malloc(sizeof(double) * reps);
  double w0 = now();
  do product(ta, tb, m, n, k, a, b, c); while (now() - w0 < rewarm);
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    for (int i = 0; i < inner; i++) product(ta, tb, m, n, k, a, b, c);
    t[r] = (now() - t0) / inner;
  }
  qsort(t, reps, sizeof(double), cmp);
  printf("%.2f\n", 2.0 * m * n * k / t[reps / 2] / 1e9);
  return c[0] == -1.0f;
}

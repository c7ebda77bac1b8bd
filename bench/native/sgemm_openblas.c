// OpenBLAS SGEMM, the best known kernel, timed the way bench/gemm.ts times ours: one warm-up, then
// the median of REPS runs. Prints GFLOP/s. Threads come from OPENBLAS_NUM_THREADS.
// Build: cc -O2 sgemm_openblas.c -lopenblas -o sgemm_openblas ; run: ./sgemm_openblas N REPS [TA TB M K]
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

static float* line_alloc(size_t floats) {
  return aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 512;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  int ta = argc > 3 ? atoi(argv[3]) : 0, tb = argc > 4 ? atoi(argv[4]) : 0;
  int m = argc > 5 ? atoi(argv[5]) : n, k = argc > 6 ? atoi(argv[6]) : n;
  // Operands start on a 64-byte cache line, as the library's large tensors do (lib/storage.ts).
  float* a = line_alloc((size_t)m * k);
  float* b = line_alloc((size_t)k * n);
  float* c = line_alloc((size_t)m * n);
  for (long i = 0; i < (long)m * k; i++) a[i] = (float)rand() / RAND_MAX;
  for (long i = 0; i < (long)k * n; i++) b[i] = (float)rand() / RAND_MAX;
  double* t = malloc(sizeof(double) * reps);
  for (int r = -1; r < reps; r++) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
                ta ? m : k, b, tb ? k : n, 0.0f, c, n);
    if (r >= 0) t[r] = now() - t0;
  }
  qsort(t, reps, sizeof(double), cmp);
  printf("%.2f\n", 2.0 * m * n * k / t[reps / 2] / 1e9);
  return c[0] == -1.0f;
}

/*
 * One BLAS library opened with dlopen (never linked), and the three calls the kernel contract needs,
 * made row-major through CBLAS when the library exports it, else through Fortran BLAS with the
 * operands swapped (row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ).
 */
#ifndef CHIMERA_BLAS_LIBRARY_H
#define CHIMERA_BLAS_LIBRARY_H

#include <stddef.h>

typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                               float, float *, int);
typedef void (*cblas_sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float,
                               float *, int);
typedef float (*cblas_sdot_fn)(int, const float *, int, const float *, int);
/* gfortran ABI: every argument by reference, hidden character lengths appended. */
typedef void (*f77_sgemm_fn)(const char *, const char *, const int *, const int *, const int *, const float *,
                             const float *, const int *, const float *, const int *, const float *, float *,
                             const int *, size_t, size_t);
typedef void (*f77_sgemv_fn)(const char *, const int *, const int *, const float *, const float *, const int *,
                             const float *, const int *, const float *, float *, const int *, size_t);
typedef float (*f77_sdot_fn)(const int *, const float *, const int *, const float *, const int *);

typedef struct blas_library {
  void *handle;
  char path[4096];
  /* 0: CBLAS symbols; 1: Fortran symbols only. */
  int fortran;
  cblas_sgemm_fn cblas_sgemm;
  cblas_sgemv_fn cblas_sgemv;
  cblas_sdot_fn cblas_sdot;
  f77_sgemm_fn sgemm;
  f77_sgemv_fn sgemv;
  f77_sdot_fn sdot;
} blas_library;

/* Opens `path` (RTLD_NOW | RTLD_LOCAL) and resolves the symbols; returns 0, or -1 with `err` filled. */
int blas_library_open(blas_library *lib, const char *path, char *err, size_t errlen);

/* Sets the library's thread count through whichever setter it exports; returns 1 if one existed. */
int blas_library_set_threads(const blas_library *lib, int threads);

/* Row-major gemm / gemv / dot. Arguments are assumed valid (checked by the caller). */
void blas_sgemm(const blas_library *lib, int trans_a, int trans_b, int m, int n, int k, float alpha,
                const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
void blas_sgemv(const blas_library *lib, int trans_a, int m, int n, float alpha, const float *a, int lda,
                const float *x, int incx, float beta, float *y, int incy);
float blas_sdot(const blas_library *lib, int n, const float *x, int incx, const float *y, int incy);

#endif

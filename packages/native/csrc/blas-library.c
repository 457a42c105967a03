/* See blas-library.h. */
#define _GNU_SOURCE
#include "blas-library.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* CBLAS enum values (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112. */
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

int blas_library_open(blas_library *lib, const char *path, char *err, size_t errlen) {
  memset(lib, 0, sizeof *lib);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(err, errlen, "dlopen(%s) failed: %s", path, dlerror());
    return -1;
  }
  /* Adapters built by this package (cuBLAS) load their own dependencies here and say why they cannot. */
  const char *(*init)(void) = (const char *(*)(void))dlsym(h, "chimera_library_init");
  const char *why = init ? init() : NULL;
  if (why) {
    snprintf(err, errlen, "%s: %s", path, why);
    dlclose(h);
    return -1;
  }
  lib->handle = h;
  snprintf(lib->path, sizeof lib->path, "%s", path);
  lib->cblas_sgemm = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
  lib->cblas_sgemv = (cblas_sgemv_fn)dlsym(h, "cblas_sgemv");
  lib->cblas_sdot = (cblas_sdot_fn)dlsym(h, "cblas_sdot");
  if (lib->cblas_sgemm && lib->cblas_sgemv && lib->cblas_sdot) return 0;
  lib->fortran = 1;
  lib->sgemm = (f77_sgemm_fn)dlsym(h, "sgemm_");
  lib->sgemv = (f77_sgemv_fn)dlsym(h, "sgemv_");
  lib->sdot = (f77_sdot_fn)dlsym(h, "sdot_");
  if (lib->sgemm && lib->sgemv && lib->sdot) return 0;
  snprintf(err, errlen, "%s exports neither cblas_sgemm/cblas_sgemv/cblas_sdot nor sgemm_/sgemv_/sdot_", path);
  dlclose(h);
  lib->handle = NULL;
  return -1;
}

int blas_library_set_threads(const blas_library *lib, int threads) {
  /* OpenBLAS, BLIS and MKL each have their own setter; the first one found wins. */
  static const char *setters[] = {"openblas_set_num_threads", "bli_thread_set_num_threads",
                                  "MKL_Set_Num_Threads"};
  for (size_t i = 0; i < sizeof setters / sizeof setters[0]; i++) {
    void (*set)(int) = (void (*)(int))dlsym(lib->handle, setters[i]);
    if (set) {
      set(threads);
      return 1;
    }
  }
  return 0;
}

void blas_sgemm(const blas_library *lib, int trans_a, int trans_b, int m, int n, int k, float alpha,
                const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
  if (!lib->fortran) {
    lib->cblas_sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda,
                     b, ldb, beta, c, ldc);
    return;
  }
  /* Row-major C(m×n) = op(A)·op(B) is column-major Cᵀ(n×m) = op(B)ᵀ·op(A)ᵀ: swap operands and dims. */
  const char ta = trans_a ? 'T' : 'N', tb = trans_b ? 'T' : 'N';
  lib->sgemm(&tb, &ta, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc, 1, 1);
}

void blas_sgemv(const blas_library *lib, int trans_a, int m, int n, float alpha, const float *a, int lda,
                const float *x, int incx, float beta, float *y, int incy) {
  if (!lib->fortran) {
    lib->cblas_sgemv(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, m, n, alpha, a, lda, x, incx, beta, y, incy);
    return;
  }
  /* A row-major m×n is column-major n×m (Aᵀ): flip the transpose and swap the dims. */
  const char t = trans_a ? 'N' : 'T';
  lib->sgemv(&t, &n, &m, &alpha, a, &lda, x, &incx, &beta, y, &incy, 1);
}

float blas_sdot(const blas_library *lib, int n, const float *x, int incx, const float *y, int incy) {
  if (!lib->fortran) return lib->cblas_sdot(n, x, incx, y, incy);
  /* gfortran returns REAL in xmm0 as a float; f2c-built libraries (returning double) are not supported. */
  return lib->sdot(&n, x, &incx, y, &incy);
}

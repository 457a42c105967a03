/* LD_PRELOAD shim: logs every Fortran sgemm_/sgemv_/sdot_ call's arguments to stderr, then forwards. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
typedef void gemm_t(const char*, const char*, const int*, const int*, const int*, const float*, const float*, const int*,
                    const float*, const int*, const float*, float*, const int*);
typedef void gemv_t(const char*, const int*, const int*, const float*, const float*, const int*, const float*, const int*,
                    const float*, float*, const int*);
typedef float dot_t(const int*, const float*, const int*, const float*, const int*);
static void *lib(const char *name) {
  static void *h; if (!h) h = dlopen("libblas.so.3", RTLD_NOW | RTLD_LOCAL);
  return h ? dlsym(h, name) : 0;
}
static const char *where(void *f) { Dl_info i; return f && dladdr(f, &i) ? i.dli_fname : "?"; }
void sgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const float *alpha, const float *a,
            const int *lda, const float *b, const int *ldb, const float *beta, float *c, const int *ldc) {
  static gemm_t *next; if (!next) next = (gemm_t *)lib("sgemm_");
  fprintf(stderr, "sgemm_(%c,%c,m=%d,n=%d,k=%d,alpha=%g,lda=%d,ldb=%d,beta=%g,ldc=%d) c[0]=%g -> %s\n", *ta, *tb, *m, *n, *k,
          *alpha, *lda, *ldb, *beta, *ldc, (double)c[0], where((void *)next));
  next(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void sgemv_(const char *t, const int *m, const int *n, const float *alpha, const float *a, const int *lda, const float *x,
            const int *incx, const float *beta, float *y, const int *incy) {
  static gemv_t *next; if (!next) next = (gemv_t *)lib("sgemv_");
  fprintf(stderr, "sgemv_(%c,m=%d,n=%d,alpha=%g,lda=%d,incx=%d,beta=%g,incy=%d) -> %s\n", *t, *m, *n, *alpha, *lda, *incx, *beta, *incy, where((void *)next));
  next(t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
float sdot_(const int *n, const float *x, const int *incx, const float *y, const int *incy) {
  static dot_t *next; if (!next) next = (dot_t *)lib("sdot_");
  fprintf(stderr, "sdot_(n=%d,incx=%d,incy=%d) -> %s\n", *n, *incx, *incy, where((void *)next));
  return next(n, x, incx, y, incy);
}

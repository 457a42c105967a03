/*
 * cuBLAS behind the three CBLAS entry points the bridge calls, built as its own shared object
 * (chimera_cublas.node) so the bridge treats it like any other library. It needs no CUDA headers or
 * link-time CUDA: libcudart and libcublas are opened with dlopen when the bridge calls
 * chimera_library_init(), whose error string becomes the backend's start-up error on a machine
 * without them. Paths: CHIMERA_CUDART / CHIMERA_CUBLAS (set by the worker's environment), else the
 * sonames. Precision: CUBLAS_PEDANTIC_MATH (no TF32, no reduced-precision reductions); atomics stay
 * off (the default), so repeated calls give the same bits.
 *
 * Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: the operands are swapped, as for
 * Fortran BLAS. Every call copies the operand spans to device memory and C (or y) back.
 *
 * Status: written against the CUDA 11/12 runtime and cuBLAS v2 APIs; not run here (no GPU).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

typedef int (*malloc_fn)(void **, size_t);
typedef int (*free_fn)(void *);
typedef int (*memcpy_fn)(void *, const void *, size_t, int);
typedef const char *(*error_string_fn)(int);
typedef int (*create_fn)(void **);
typedef int (*set_math_fn)(void *, int);
typedef int (*version_fn)(void *, int *);
typedef int (*sgemm_fn)(void *, int, int, int, int, int, const float *, const float *, int, const float *, int,
                        const float *, float *, int);
typedef int (*sgemv_fn)(void *, int, int, int, const float *, const float *, int, const float *, int, const float *,
                        float *, int);
typedef int (*sdot_fn)(void *, int, const float *, int, const float *, int, float *);

enum { H2D = 1, D2H = 2, OP_N = 0, OP_T = 1, PEDANTIC_MATH = 2 };

static struct {
  malloc_fn dmalloc;
  free_fn dfree;
  memcpy_fn dmemcpy;
  error_string_fn error_string;
  sgemm_fn sgemm;
  sgemv_fn sgemv;
  sdot_fn sdot;
  void *handle;
  int version;
  char error[512];
} cu;

static void *open_first(const char *env, const char *const *names) {
  const char *override = getenv(env);
  if (override && *override) return dlopen(override, RTLD_NOW | RTLD_LOCAL);
  for (; *names; names++) {
    void *h = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
    if (h) return h;
  }
  return NULL;
}

/* Returns NULL when cuBLAS is ready, else why not. */
EXPORT const char *chimera_library_init(void) {
  if (cu.handle) return NULL;
  static const char *const cudart[] = {"libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", NULL};
  static const char *const cublas[] = {"libcublas.so", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11", NULL};
  void *rt = open_first("CHIMERA_CUDART", cudart), *bl = open_first("CHIMERA_CUBLAS", cublas);
  if (!rt || !bl) {
    snprintf(cu.error, sizeof cu.error, "cannot dlopen %s: %s", rt ? "libcublas" : "libcudart", dlerror());
    return cu.error;
  }
  cu.dmalloc = (malloc_fn)dlsym(rt, "cudaMalloc");
  cu.dfree = (free_fn)dlsym(rt, "cudaFree");
  cu.dmemcpy = (memcpy_fn)dlsym(rt, "cudaMemcpy");
  cu.error_string = (error_string_fn)dlsym(rt, "cudaGetErrorString");
  create_fn create = (create_fn)dlsym(bl, "cublasCreate_v2");
  set_math_fn set_math = (set_math_fn)dlsym(bl, "cublasSetMathMode");
  version_fn version = (version_fn)dlsym(bl, "cublasGetVersion_v2");
  cu.sgemm = (sgemm_fn)dlsym(bl, "cublasSgemm_v2");
  cu.sgemv = (sgemv_fn)dlsym(bl, "cublasSgemv_v2");
  cu.sdot = (sdot_fn)dlsym(bl, "cublasSdot_v2");
  if (!cu.dmalloc || !cu.dfree || !cu.dmemcpy || !create || !set_math || !cu.sgemm || !cu.sgemv || !cu.sdot) {
    snprintf(cu.error, sizeof cu.error, "libcudart/libcublas lack an expected symbol (CUDA 11 or newer needed)");
    return cu.error;
  }
  void *h = NULL;
  int st = create(&h);
  if (st != 0) {
    snprintf(cu.error, sizeof cu.error, "cublasCreate failed with status %d (no usable GPU?)", st);
    return cu.error;
  }
  if ((st = set_math(h, PEDANTIC_MATH)) != 0) {
    snprintf(cu.error, sizeof cu.error, "cublasSetMathMode(PEDANTIC) failed with status %d", st);
    return cu.error;
  }
  if (version) version(h, &cu.version);
  cu.handle = h;
  return NULL;
}

/* cuBLAS version as major*10000 + minor*100 + patch (after a successful init). */
EXPORT int chimera_cublas_version(void) { return cu.version; }

/* Device copies of up to three host spans; returns 0 or -1 (everything freed on failure). */
static int upload(float **d, const float *const *h, const size_t *n, int count) {
  for (int i = 0; i < count; i++) {
    d[i] = NULL;
    size_t bytes = (n[i] ? n[i] : 1) * sizeof(float);
    if (cu.dmalloc((void **)&d[i], bytes) != 0 || (n[i] && cu.dmemcpy(d[i], h[i], n[i] * sizeof(float), H2D) != 0)) {
      for (int j = 0; j <= i; j++) if (d[j]) cu.dfree(d[j]);
      return -1;
    }
  }
  return 0;
}

static size_t span(int rows, int cols, int ld) { return rows <= 0 || cols <= 0 ? 0 : (size_t)(rows - 1) * ld + cols; }

EXPORT void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                        const float *b, int ldb, float beta, float *c, int ldc) {
  if (order != 101 || m <= 0 || n <= 0 || chimera_library_init()) return;
  const int trans_a = ta == 112, trans_b = tb == 112;
  const float *host[3] = {a, b, c};
  size_t len[3] = {span(trans_a ? k : m, trans_a ? m : k, lda), span(trans_b ? n : k, trans_b ? k : n, ldb), span(m, n, ldc)};
  float *d[3];
  if (upload(d, host, len, 3)) return;
  cu.sgemm(cu.handle, trans_b ? OP_T : OP_N, trans_a ? OP_T : OP_N, n, m, k, &alpha, d[1], ldb, d[0], lda, &beta, d[2], ldc);
  cu.dmemcpy(c, d[2], len[2] * sizeof(float), D2H);
  for (int i = 0; i < 3; i++) cu.dfree(d[i]);
}

EXPORT void cblas_sgemv(int order, int ta, int m, int n, float alpha, const float *a, int lda, const float *x, int incx,
                        float beta, float *y, int incy) {
  if (order != 101 || chimera_library_init()) return;
  const int trans = ta == 112, lx = trans ? m : n, ly = trans ? n : m;
  if (ly <= 0) return;
  const float *host[3] = {a, x, y};
  size_t len[3] = {span(m, n, lda), lx > 0 ? (size_t)(lx - 1) * incx + 1 : 0, (size_t)(ly - 1) * incy + 1};
  float *d[3];
  if (upload(d, host, len, 3)) return;
  /* Row-major A (m×n) is column-major Aᵀ (n×m): flip the transpose, swap the dims. */
  cu.sgemv(cu.handle, trans ? OP_N : OP_T, n, m, &alpha, d[0], lda, d[1], incx, &beta, d[2], incy);
  cu.dmemcpy(y, d[2], len[2] * sizeof(float), D2H);
  for (int i = 0; i < 3; i++) cu.dfree(d[i]);
}

EXPORT float cblas_sdot(int n, const float *x, int incx, const float *y, int incy) {
  float r = 0.0f;
  if (n <= 0 || chimera_library_init()) return r;
  const float *host[2] = {x, y};
  size_t len[2] = {(size_t)(n - 1) * incx + 1, (size_t)(n - 1) * incy + 1};
  float *d[2];
  if (upload(d, host, len, 2)) return r;
  cu.sdot(cu.handle, n, d[0], incx, d[1], incy, &r); /* default pointer mode: result to host */
  cu.dfree(d[0]);
  cu.dfree(d[1]);
  return r;
}

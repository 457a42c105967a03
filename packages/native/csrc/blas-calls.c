/*
 * The N-API functions that call a library: gemm, gemv, dot, and timeGemm (the same gemm looped inside
 * C, so a benchmark can tell the library's time from the bridge's). Arguments are re-checked here
 * even though TypeScript validated them: a bad call throws, it never reaches the library. gemm
 * operands reach the library 64-byte aligned: in place when they already are (worker operands in the
 * shared region), else through aligned scratch; gemv and dot always go through scratch.
 */
#include "addon.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

typedef struct gemm_args {
  const blas_library *lib;
  int trans_a, trans_b;
  int64_t m, n, k, lda, ldb, ldc, a_off, b_off, c_off;
  float alpha, beta;
  float *a, *b, *c;
  size_t a_len, b_len, c_len;
} gemm_args;

#define DIM_MAX 0x7fffffffLL

/* gemm(lib, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) */
static int read_gemm(napi_env env, napi_value *v, const char *op, gemm_args *g) {
  int64_t h;
  if (arg_int(env, v[0], op, "library", 0, DIM_MAX, &h)) return -1;
  if (!(g->lib = library_at(env, op, (int)h))) return -1;
  if (arg_bool(env, v[1], op, "transA", &g->trans_a) || arg_bool(env, v[2], op, "transB", &g->trans_b) ||
      arg_int(env, v[3], op, "m", 0, DIM_MAX, &g->m) || arg_int(env, v[4], op, "n", 0, DIM_MAX, &g->n) ||
      arg_int(env, v[5], op, "k", 0, DIM_MAX, &g->k) || arg_float(env, v[6], op, "alpha", &g->alpha) ||
      arg_f32array(env, v[7], op, "a", &g->a, &g->a_len) || arg_int(env, v[8], op, "aOffset", 0, DIM_MAX, &g->a_off) ||
      arg_int(env, v[9], op, "lda", 1, DIM_MAX, &g->lda) || arg_f32array(env, v[10], op, "b", &g->b, &g->b_len) ||
      arg_int(env, v[11], op, "bOffset", 0, DIM_MAX, &g->b_off) || arg_int(env, v[12], op, "ldb", 1, DIM_MAX, &g->ldb) ||
      arg_float(env, v[13], op, "beta", &g->beta) || arg_f32array(env, v[14], op, "c", &g->c, &g->c_len) ||
      arg_int(env, v[15], op, "cOffset", 0, DIM_MAX, &g->c_off) || arg_int(env, v[16], op, "ldc", 1, DIM_MAX, &g->ldc))
    return -1;
  if (check_matrix(env, op, "A", g->a_len, g->a_off, g->trans_a ? g->k : g->m, g->trans_a ? g->m : g->k, g->lda) ||
      check_matrix(env, op, "B", g->b_len, g->b_off, g->trans_b ? g->n : g->k, g->trans_b ? g->k : g->n, g->ldb) ||
      check_matrix(env, op, "C", g->c_len, g->c_off, g->m, g->n, g->ldc))
    return -1;
  return 0;
}

static int is_aligned(const float *p) { return ((uintptr_t)p % SCRATCH_ALIGN) == 0; }

/* The operand as the library will see it: in place when it already starts on a 64-byte boundary
 * (worker operands in the shared region always do), else copied into aligned scratch. Either way the
 * library gets the same layout at the same alignment, so the bits cannot differ. NULL when out of memory. */
static float *stage(aligned_scratch *s, float *src, int64_t span) {
  if (is_aligned(src)) return src;
  float *p = scratch_reserve(s, (size_t)span);
  if (p) memcpy(p, src, (size_t)span * sizeof(float));
  return p;
}

/* Stages the operands (see stage()); returns 0, or -1 after throwing. */
static int stage_gemm(napi_env env, const char *op, const gemm_args *g, float **a, float **b, float **c) {
  int64_t sa = matrix_span(g->trans_a ? g->k : g->m, g->trans_a ? g->m : g->k, g->lda);
  int64_t sb = matrix_span(g->trans_b ? g->n : g->k, g->trans_b ? g->k : g->n, g->ldb);
  int64_t sc = matrix_span(g->m, g->n, g->ldc);
  *a = stage(&scratch_a, g->a + g->a_off, sa);
  *b = stage(&scratch_b, g->b + g->b_off, sb);
  *c = stage(&scratch_c, g->c + g->c_off, sc);
  if (!*a || !*b || !*c) {
    throw_error(env, op, "out of memory for aligned scratch (%lld + %lld + %lld floats)", (long long)sa,
                (long long)sb, (long long)sc);
    return -1;
  }
  return 0;
}

static void call_gemm(const gemm_args *g, const float *a, const float *b, float *c) {
  blas_sgemm(g->lib, g->trans_a, g->trans_b, (int)g->m, (int)g->n, (int)g->k, g->alpha, a, (int)g->lda, b,
             (int)g->ldb, g->beta, c, (int)g->ldc);
}

napi_value native_gemm(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value v[17];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  if (argc != 17) return throw_error(env, "gemm", "expected 17 arguments, got %zu", argc);
  gemm_args g;
  if (read_gemm(env, v, "gemm", &g)) return NULL;
  if (g.m == 0 || g.n == 0) return NULL; /* nothing is read or written */
  float *a, *b, *c;
  if (stage_gemm(env, "gemm", &g, &a, &b, &c)) return NULL;
  call_gemm(&g, a, b, c);
  /* Copy back only the m×n elements: the padding between rows of C belongs to the caller. */
  if (c != g.c + g.c_off)
    for (int64_t i = 0; i < g.m; i++) memcpy(g.c + g.c_off + i * g.ldc, c + i * g.ldc, (size_t)g.n * sizeof(float));
  return NULL;
}

/* timeGemm(...gemm arguments, reps): seconds per library call, measured around a loop inside C. */
napi_value native_time_gemm(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value v[18];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  if (argc != 18) return throw_error(env, "timeGemm", "expected 18 arguments, got %zu", argc);
  gemm_args g;
  int64_t reps;
  if (read_gemm(env, v, "timeGemm", &g) || arg_int(env, v[17], "timeGemm", "reps", 1, DIM_MAX, &reps)) return NULL;
  float *a, *b, *c;
  if (g.m == 0 || g.n == 0) return throw_error(env, "timeGemm", "m and n must be > 0");
  /* Time on private copies so C's owner never sees reps partial results (and in-place staging
   * cannot make the timed loop read its own output). */
  if (stage_gemm(env, "timeGemm", &g, &a, &b, &c)) return NULL;
  if (c == g.c + g.c_off) {
    int64_t sc = matrix_span(g.m, g.n, g.ldc);
    if (!(c = scratch_reserve(&scratch_c, (size_t)sc))) return throw_error(env, "timeGemm", "out of memory");
    memcpy(c, g.c + g.c_off, (size_t)sc * sizeof(float));
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int64_t r = 0; r < reps; r++) call_gemm(&g, a, b, c);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  napi_value out;
  napi_create_double(env, s / (double)reps, &out);
  return out;
}

/* gemv(lib, transA, m, n, alpha, a, aOff, lda, x, xOff, incx, beta, y, yOff, incy) */
napi_value native_gemv(napi_env env, napi_callback_info info) {
  const char *op = "gemv";
  size_t argc = 15;
  napi_value v[15];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  if (argc != 15) return throw_error(env, op, "expected 15 arguments, got %zu", argc);
  int64_t h, m, n, a_off, lda, x_off, incx, y_off, incy;
  int trans;
  float alpha, beta, *a, *x, *y;
  size_t a_len, x_len, y_len;
  if (arg_int(env, v[0], op, "library", 0, DIM_MAX, &h)) return NULL;
  const blas_library *lib = library_at(env, op, (int)h);
  if (!lib) return NULL;
  if (arg_bool(env, v[1], op, "transA", &trans) || arg_int(env, v[2], op, "m", 0, DIM_MAX, &m) ||
      arg_int(env, v[3], op, "n", 0, DIM_MAX, &n) || arg_float(env, v[4], op, "alpha", &alpha) ||
      arg_f32array(env, v[5], op, "a", &a, &a_len) || arg_int(env, v[6], op, "aOffset", 0, DIM_MAX, &a_off) ||
      arg_int(env, v[7], op, "lda", 1, DIM_MAX, &lda) || arg_f32array(env, v[8], op, "x", &x, &x_len) ||
      arg_int(env, v[9], op, "xOffset", 0, DIM_MAX, &x_off) || arg_int(env, v[10], op, "incx", 1, DIM_MAX, &incx) ||
      arg_float(env, v[11], op, "beta", &beta) || arg_f32array(env, v[12], op, "y", &y, &y_len) ||
      arg_int(env, v[13], op, "yOffset", 0, DIM_MAX, &y_off) || arg_int(env, v[14], op, "incy", 1, DIM_MAX, &incy))
    return NULL;
  int64_t lx = trans ? m : n, ly = trans ? n : m;
  if (check_matrix(env, op, "A", a_len, a_off, m, n, lda) || check_vector(env, op, "x", x_len, x_off, lx, incx) ||
      check_vector(env, op, "y", y_len, y_off, ly, incy))
    return NULL;
  if (ly == 0) return NULL;
  int64_t sa = matrix_span(m, n, lda), sx = vector_span(lx, incx), sy = vector_span(ly, incy);
  float *sa_p = scratch_reserve(&scratch_a, (size_t)sa), *sx_p = scratch_reserve(&scratch_b, (size_t)sx),
        *sy_p = scratch_reserve(&scratch_c, (size_t)sy);
  if (!sa_p || !sx_p || !sy_p) return throw_error(env, op, "out of memory for aligned scratch");
  memcpy(sa_p, a + a_off, (size_t)sa * sizeof(float));
  memcpy(sx_p, x + x_off, (size_t)sx * sizeof(float));
  memcpy(sy_p, y + y_off, (size_t)sy * sizeof(float));
  blas_sgemv(lib, trans, (int)m, (int)n, alpha, sa_p, (int)max64(lda, 1), sx_p, (int)incx, beta, sy_p, (int)incy);
  for (int64_t i = 0; i < ly; i++) y[y_off + i * incy] = sy_p[i * incy];
  return NULL;
}

/* dot(lib, n, x, xOff, incx, y, yOff, incy) -> number */
napi_value native_dot(napi_env env, napi_callback_info info) {
  const char *op = "dot";
  size_t argc = 8;
  napi_value v[8];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  if (argc != 8) return throw_error(env, op, "expected 8 arguments, got %zu", argc);
  int64_t h, n, x_off, incx, y_off, incy;
  float *x, *y;
  size_t x_len, y_len;
  if (arg_int(env, v[0], op, "library", 0, DIM_MAX, &h)) return NULL;
  const blas_library *lib = library_at(env, op, (int)h);
  if (!lib) return NULL;
  if (arg_int(env, v[1], op, "n", 0, DIM_MAX, &n) || arg_f32array(env, v[2], op, "x", &x, &x_len) ||
      arg_int(env, v[3], op, "xOffset", 0, DIM_MAX, &x_off) || arg_int(env, v[4], op, "incx", 1, DIM_MAX, &incx) ||
      arg_f32array(env, v[5], op, "y", &y, &y_len) || arg_int(env, v[6], op, "yOffset", 0, DIM_MAX, &y_off) ||
      arg_int(env, v[7], op, "incy", 1, DIM_MAX, &incy))
    return NULL;
  if (check_vector(env, op, "x", x_len, x_off, n, incx) || check_vector(env, op, "y", y_len, y_off, n, incy))
    return NULL;
  float r = 0.0f;
  if (n > 0) {
    int64_t sx = vector_span(n, incx), sy = vector_span(n, incy);
    float *px = scratch_reserve(&scratch_a, (size_t)sx), *py = scratch_reserve(&scratch_b, (size_t)sy);
    if (!px || !py) return throw_error(env, op, "out of memory for aligned scratch");
    memcpy(px, x + x_off, (size_t)sx * sizeof(float));
    memcpy(py, y + y_off, (size_t)sy * sizeof(float));
    r = blas_sdot(lib, (int)n, px, (int)incx, py, (int)incy);
  }
  napi_value out;
  napi_create_double(env, (double)r, &out);
  return out;
}

/*
 * Reading N-API call arguments defensively. TypeScript validates every call first; these checks are
 * the second line: a bad value throws a JS TypeError/RangeError naming the op and argument, never a crash.
 * Each reader returns 0 on success, -1 after throwing.
 */
#ifndef CHIMERA_NAPI_ARGS_H
#define CHIMERA_NAPI_ARGS_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* Throws `Error(op: message)` unless an exception is already pending. Returns NULL for convenience. */
napi_value throw_error(napi_env env, const char *op, const char *fmt, ...);

/* An integer-valued number in [lo, hi]. */
int arg_int(napi_env env, napi_value v, const char *op, const char *name, int64_t lo, int64_t hi, int64_t *out);
/* A boolean. */
int arg_bool(napi_env env, napi_value v, const char *op, const char *name, int *out);
/* A number that is not NaN, converted to binary32 (the TS layer already checks it is representable). */
int arg_float(napi_env env, napi_value v, const char *op, const char *name, float *out);
/* A Float32Array; yields its data pointer and element count. */
int arg_f32array(napi_env env, napi_value v, const char *op, const char *name, float **data, size_t *len);
/* A string copied into buf (truncation is an error). */
int arg_string(napi_env env, napi_value v, const char *op, const char *name, char *buf, size_t cap);

/* Checks that a stored rows×cols matrix with leading dimension ld from offset fits in len elements. */
int check_matrix(napi_env env, const char *op, const char *name, size_t len, int64_t off, int64_t rows,
                 int64_t cols, int64_t ld);
/* Checks that n elements with increment inc from offset fit in len elements. */
int check_vector(napi_env env, const char *op, const char *name, size_t len, int64_t off, int64_t n, int64_t inc);

/* Elements spanned by a stored matrix / strided vector (0 when empty). */
int64_t matrix_span(int64_t rows, int64_t cols, int64_t ld);
int64_t vector_span(int64_t n, int64_t inc);

#endif

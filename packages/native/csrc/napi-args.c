/* See napi-args.h. */
#include "napi-args.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

napi_value throw_error(napi_env env, const char *op, const char *fmt, ...) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return NULL;
  char msg[1024];
  int n = snprintf(msg, sizeof msg, "%s: ", op);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  napi_throw_error(env, "ERR_CHIMERA_NATIVE_ARGUMENT", msg);
  return NULL;
}

static const char *type_name(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "unknown";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_object: return "object";
    case napi_function: return "function";
    case napi_external: return "external";
    case napi_bigint: return "bigint";
  }
  return "unknown";
}

int arg_int(napi_env env, napi_value v, const char *op, const char *name, int64_t lo, int64_t hi, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    throw_error(env, op, "%s must be an integer number, got %s", name, type_name(env, v));
    return -1;
  }
  if (!(d == floor(d)) || d < (double)lo || d > (double)hi) {
    throw_error(env, op, "%s must be an integer in [%lld, %lld], got %g", name, (long long)lo, (long long)hi, d);
    return -1;
  }
  *out = (int64_t)d;
  return 0;
}

int arg_bool(napi_env env, napi_value v, const char *op, const char *name, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    throw_error(env, op, "%s must be a boolean, got %s", name, type_name(env, v));
    return -1;
  }
  *out = b ? 1 : 0;
  return 0;
}

int arg_float(napi_env env, napi_value v, const char *op, const char *name, float *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || isnan(d)) {
    throw_error(env, op, "%s must be a number (not NaN), got %s", name, type_name(env, v));
    return -1;
  }
  *out = (float)d;
  return 0;
}

int arg_f32array(napi_env env, napi_value v, const char *op, const char *name, float **data, size_t *len) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  napi_typedarray_type t;
  void *p = NULL;
  if (!is_ta || napi_get_typedarray_info(env, v, &t, len, &p, NULL, NULL) != napi_ok || t != napi_float32_array) {
    throw_error(env, op, "%s must be a Float32Array, got %s", name, is_ta ? "another typed array" : type_name(env, v));
    return -1;
  }
  *data = (float *)p;
  return 0;
}

int arg_string(napi_env env, napi_value v, const char *op, const char *name, char *buf, size_t cap) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, buf, cap, &n) != napi_ok) {
    throw_error(env, op, "%s must be a string, got %s", name, type_name(env, v));
    return -1;
  }
  if (n + 1 >= cap) {
    throw_error(env, op, "%s is too long (%zu bytes, at most %zu)", name, n, cap - 2);
    return -1;
  }
  return 0;
}

int64_t matrix_span(int64_t rows, int64_t cols, int64_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

int64_t vector_span(int64_t n, int64_t inc) { return n == 0 ? 0 : (n - 1) * inc + 1; }

int check_matrix(napi_env env, const char *op, const char *name, size_t len, int64_t off, int64_t rows,
                 int64_t cols, int64_t ld) {
  if (ld < (cols > 1 ? cols : 1)) {
    throw_error(env, op, "ld of %s must be >= max(1, %lld), got %lld", name, (long long)cols, (long long)ld);
    return -1;
  }
  int64_t need = off + matrix_span(rows, cols, ld);
  if (rows > 0 && cols > 0 && need > (int64_t)len) {
    throw_error(env, op, "%s needs %lld elements but has %zu", name, (long long)need, len);
    return -1;
  }
  return 0;
}

int check_vector(napi_env env, const char *op, const char *name, size_t len, int64_t off, int64_t n, int64_t inc) {
  int64_t need = off + vector_span(n, inc);
  if (n > 0 && need > (int64_t)len) {
    throw_error(env, op, "%s needs %lld elements but has %zu", name, (long long)need, len);
    return -1;
  }
  return 0;
}

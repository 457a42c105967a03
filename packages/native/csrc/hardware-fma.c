/*
 * The CPU's own fused multiply-add, elementwise over Float32Arrays: the oracle that the pure-TypeScript
 * fma32 (packages/kernels/src/fp32/fma.ts) is tested against. The function is compiled for the FMA
 * extension so __builtin_fmaf is one vfmadd instruction (no libm fallback); the addon loads only
 * where the CPU has it (hardwareFma() checks __builtin_cpu_supports first).
 */
#include <string.h>
#include "addon.h"
#include "napi-args.h"

__attribute__((target("fma"))) static void fma_loop(const float *a, const float *b, const float *c, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = __builtin_fmaf(a[i], b[i], c[i]);
}

/* fmaf(a, b, c, out): out[i] = fma(a[i], b[i], c[i]) rounded once to binary32, on the CPU's FMA unit. */
napi_value native_fmaf(napi_env env, napi_callback_info info) {
  const char *op = "fmaf";
  size_t argc = 4;
  napi_value v[4];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  if (argc != 4) return throw_error(env, op, "expected 4 arguments (a, b, c, out), got %zu", argc);
  float *p[4];
  size_t len[4];
  const char *names[4] = {"a", "b", "c", "out"};
  for (int i = 0; i < 4; i++) if (arg_f32array(env, v[i], op, names[i], &p[i], &len[i])) return NULL;
  for (int i = 1; i < 4; i++) {
    if (len[i] != len[0]) return throw_error(env, op, "%s has %zu elements, a has %zu", names[i], len[i], len[0]);
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("fma")) return throw_error(env, op, "this CPU has no FMA instruction");
  fma_loop(p[0], p[1], p[2], p[3], len[0]);
  return NULL;
}

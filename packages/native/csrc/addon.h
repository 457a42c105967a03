/* Declarations shared by the addon's translation units (one N-API function group per file). */
#ifndef CHIMERA_ADDON_H
#define CHIMERA_ADDON_H

#include "aligned-scratch.h"
#include "blas-library.h"
#include "napi-args.h"

/* Operand scratch, reused across calls, one set per OS thread: Node worker threads may call in-process libraries at the same time, each staging its
 * own operands (a process-wide scratch let one thread's copy overwrite another's mid-call). */
extern _Thread_local aligned_scratch scratch_a, scratch_b, scratch_c;

/* The library opened under handle `h`, or NULL after throwing. */
const blas_library *library_at(napi_env env, const char *op, int h);

/* library-table.c */
napi_value native_open(napi_env env, napi_callback_info info);
napi_value native_set_threads(napi_env env, napi_callback_info info);
napi_value native_library_info(napi_env env, napi_callback_info info);
/* blas-calls.c */
napi_value native_gemm(napi_env env, napi_callback_info info);
napi_value native_time_gemm(napi_env env, napi_callback_info info);
napi_value native_gemv(napi_env env, napi_callback_info info);
napi_value native_dot(napi_env env, napi_callback_info info);
napi_value native_fmaf(napi_env env, napi_callback_info info);
/* fifo-io.c */
napi_value native_mkfifo(napi_env env, napi_callback_info info);
napi_value native_set_blocking(napi_env env, napi_callback_info info);
napi_value native_wait_readable(napi_env env, napi_callback_info info);
napi_value native_set_pipe_size(napi_env env, napi_callback_info info);
/* shared-memory.c */
napi_value native_map_shared(napi_env env, napi_callback_info info);
/* cpu-features.c */
napi_value native_cpu_features(napi_env env, napi_callback_info info);

#endif

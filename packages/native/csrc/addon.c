/*
 * chimera_native.node: the N-API entry point. It exports the functions of library-table.c,
 * blas-calls.c, fifo-io.c, shared-memory.c and cpu-features.c; packages/native/src/addon.ts types them.
 */
#include "addon.h"

#define EXPORT_FN(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      EXPORT_FN("open", native_open),
      EXPORT_FN("setThreads", native_set_threads),
      EXPORT_FN("libraryInfo", native_library_info),
      EXPORT_FN("gemm", native_gemm),
      EXPORT_FN("timeGemm", native_time_gemm),
      EXPORT_FN("gemv", native_gemv),
      EXPORT_FN("dot", native_dot),
      EXPORT_FN("fmaf", native_fmaf),
      EXPORT_FN("mkfifo", native_mkfifo),
      EXPORT_FN("setBlocking", native_set_blocking),
      EXPORT_FN("waitReadable", native_wait_readable),
      EXPORT_FN("setPipeSize", native_set_pipe_size),
      EXPORT_FN("mapShared", native_map_shared),
      EXPORT_FN("cpuFeatures", native_cpu_features),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

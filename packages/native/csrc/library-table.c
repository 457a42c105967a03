/*
 * The table of opened libraries (a process opens each file once; dlopen would hand back the same
 * copy anyway), and what a library says about itself: OpenBLAS's core name, BLIS's configuration,
 * MKL's version, and which shared objects are loaded (MKL picks its code path by loading
 * libmkl_<path>.so on the first call).
 */
#define _GNU_SOURCE
#include "addon.h"

#include <dlfcn.h>
#include <pthread.h>
#ifdef __linux__
#include <link.h>
#endif
#include <stdio.h>
#include <string.h>

#define MAX_LIBRARIES 64

_Thread_local aligned_scratch scratch_a, scratch_b, scratch_c;
/* Shared by every thread of the process: entries are only appended, under open_lock. */
static blas_library libraries[MAX_LIBRARIES];
static int library_count;
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

const blas_library *library_at(napi_env env, const char *op, int h) {
  if (h < 0 || h >= library_count) {
    throw_error(env, op, "library handle %d is not open (%d open)", h, library_count);
    return NULL;
  }
  return &libraries[h];
}

/* open(path) -> handle */
napi_value native_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v[1];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  char path[4096];
  if (argc != 1 || arg_string(env, v[0], "open", "path", path, sizeof path)) return throw_error(env, "open", "path must be a string");
  int h = -1;
  char err[4600];
  err[0] = '\0';
  pthread_mutex_lock(&open_lock);
  for (int i = 0; i < library_count; i++)
    if (strcmp(libraries[i].path, path) == 0) h = i;
  if (h < 0) {
    if (library_count == MAX_LIBRARIES) snprintf(err, sizeof err, "too many libraries open (%d)", MAX_LIBRARIES);
    else if (blas_library_open(&libraries[library_count], path, err, sizeof err) == 0) h = library_count++;
  }
  pthread_mutex_unlock(&open_lock);
  if (h < 0) return throw_error(env, "open", "%s", err);
  napi_value out;
  napi_create_int32(env, h, &out);
  return out;
}

/* setThreads(handle, n) -> whether the library has a thread setter */
napi_value native_set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value v[2];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  int64_t h, n;
  if (argc != 2) return throw_error(env, "setThreads", "expected 2 arguments, got %zu", argc);
  if (arg_int(env, v[0], "setThreads", "library", 0, MAX_LIBRARIES, &h) ||
      arg_int(env, v[1], "setThreads", "threads", 1, 1024, &n))
    return NULL;
  const blas_library *lib = library_at(env, "setThreads", (int)h);
  if (!lib) return NULL;
  napi_value out;
  napi_get_boolean(env, blas_library_set_threads(lib, (int)n) != 0, &out);
  return out;
}

static void set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value s;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, key, s);
}

#ifdef __linux__
typedef struct loaded_list {
  napi_env env;
  napi_value array;
  uint32_t count;
} loaded_list;

static int add_loaded(struct dl_phdr_info *i, size_t size, void *data) {
  (void)size;
  loaded_list *l = (loaded_list *)data;
  if (!i->dlpi_name || !i->dlpi_name[0]) return 0;
  napi_value s;
  napi_create_string_utf8(l->env, i->dlpi_name, NAPI_AUTO_LENGTH, &s);
  napi_set_element(l->env, l->array, l->count++, s);
  return 0;
}
#endif

/* libraryInfo(handle) -> { path, abi, openblasCorename?, openblasConfig?, blisArch?, blisVersion?,
 * mklVersion?, eigenBuild?, eigenCacheSizes?, cublasVersion?, loadedObjects } */
napi_value native_library_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v[1];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  int64_t h;
  if (argc != 1 || arg_int(env, v[0], "libraryInfo", "library", 0, MAX_LIBRARIES, &h)) return throw_error(env, "libraryInfo", "expected a library handle");
  const blas_library *lib = library_at(env, "libraryInfo", (int)h);
  if (!lib) return NULL;
  napi_value obj;
  napi_create_object(env, &obj);
  set_string(env, obj, "path", lib->path);
  set_string(env, obj, "abi", lib->fortran ? "fortran" : "cblas");
  const char *(*str_fn)(void);
  if ((str_fn = (const char *(*)(void))dlsym(lib->handle, "openblas_get_corename"))) set_string(env, obj, "openblasCorename", str_fn());
  if ((str_fn = (const char *(*)(void))dlsym(lib->handle, "openblas_get_config"))) set_string(env, obj, "openblasConfig", str_fn());
  if ((str_fn = (const char *(*)(void))dlsym(lib->handle, "bli_info_get_version_str"))) set_string(env, obj, "blisVersion", str_fn());
  int (*arch_id)(void) = (int (*)(void))dlsym(lib->handle, "bli_arch_query_id");
  const char *(*arch_str)(int) = (const char *(*)(int))dlsym(lib->handle, "bli_arch_string");
  if (arch_id && arch_str) set_string(env, obj, "blisArch", arch_str(arch_id()));
  if ((str_fn = (const char *(*)(void))dlsym(lib->handle, "chimera_eigen_build"))) set_string(env, obj, "eigenBuild", str_fn());
  void (*eigen_caches)(long *) = (void (*)(long *))dlsym(lib->handle, "chimera_eigen_cache_sizes");
  if (eigen_caches) { /* l1, l2, l3 as Eigen's manage_caching_sizes holds them (its GEBP blocking reads these) */
    long sizes[3] = {0, 0, 0};
    eigen_caches(sizes);
    napi_value arr;
    napi_create_array(env, &arr);
    for (uint32_t i = 0; i < 3; i++) {
      napi_value x;
      napi_create_int64(env, sizes[i], &x);
      napi_set_element(env, arr, i, x);
    }
    napi_set_named_property(env, obj, "eigenCacheSizes", arr);
  }
  int (*cublas_ver)(void) = (int (*)(void))dlsym(lib->handle, "chimera_cublas_version");
  if (cublas_ver) {
    char buf[32];
    int v = cublas_ver();
    snprintf(buf, sizeof buf, "%d.%d.%d", v / 10000, (v / 100) % 100, v % 100);
    set_string(env, obj, "cublasVersion", buf);
  }
  void (*mkl_ver)(char *, int) = (void (*)(char *, int))dlsym(lib->handle, "mkl_get_version_string");
  if (mkl_ver) {
    char buf[256] = {0};
    mkl_ver(buf, (int)sizeof buf - 1);
    for (int i = (int)strlen(buf) - 1; i >= 0 && buf[i] == ' '; i--) buf[i] = 0;
    set_string(env, obj, "mklVersion", buf);
  }
  napi_value loaded_objects;
  napi_create_array(env, &loaded_objects);
#ifdef __linux__ /* dl_iterate_phdr is glibc's; elsewhere the list stays empty */
  loaded_list l = {env, loaded_objects, 0};
  dl_iterate_phdr(add_loaded, &l);
#endif
  napi_set_named_property(env, obj, "loadedObjects", loaded_objects);
  return obj;
}

/*
 * Shared memory for the worker transport: a file (under /dev/shm) mapped MAP_SHARED by the parent and
 * its worker, exposed to JavaScript as an external ArrayBuffer. Operands are written into it by the
 * parent and read in place by the worker, so only a 128-byte header crosses the FIFO. The mapping is
 * released when the ArrayBuffer is garbage-collected.
 */
#define _GNU_SOURCE
#include "addon.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

/* mapShared(path, bytes, create) -> ArrayBuffer over the file's first `bytes` bytes */
napi_value native_map_shared(napi_env env, napi_callback_info info) {
  const char *op = "mapShared";
  size_t argc = 3;
  napi_value v[3];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  char path[4096];
  int64_t bytes;
  int create;
  if (argc != 3 || arg_string(env, v[0], op, "path", path, sizeof path) ||
      arg_int(env, v[1], op, "bytes", 64, (int64_t)1 << 40, &bytes) || arg_bool(env, v[2], op, "create", &create))
    return throw_error(env, op, "expected (path, bytes, create)");
  int fd = open(path, create ? O_RDWR | O_CREAT | O_EXCL : O_RDWR, 0600);
  if (fd < 0) return throw_error(env, op, "open(%s): %s", path, strerror(errno));
  if (create && ftruncate(fd, (off_t)bytes) != 0) {
    int e = errno;
    close(fd);
    return throw_error(env, op, "ftruncate(%s, %lld): %s", path, (long long)bytes, strerror(e));
  }
  void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int e = errno;
  close(fd);
  if (p == MAP_FAILED) return throw_error(env, op, "mmap(%s, %lld): %s", path, (long long)bytes, strerror(e));
  napi_value out;
  if (napi_create_external_arraybuffer(env, p, (size_t)bytes, unmap, (void *)(uintptr_t)bytes, &out) != napi_ok) {
    munmap(p, (size_t)bytes);
    return throw_error(env, op, "external ArrayBuffers are not supported by this runtime");
  }
  return out;
}

/*
 * The few POSIX calls node's fs module lacks, for the synchronous worker transport: mkfifo, switching
 * O_NONBLOCK, waiting for a descriptor with poll() and a timeout, and growing a pipe's buffer.
 */
#define _GNU_SOURCE
#include "addon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>

/* mkfifo(path) */
napi_value native_mkfifo(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v[1];
  char path[4096];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  if (argc != 1 || arg_string(env, v[0], "mkfifo", "path", path, sizeof path)) return throw_error(env, "mkfifo", "path must be a string");
  if (mkfifo(path, 0600) != 0) return throw_error(env, "mkfifo", "%s: %s", path, strerror(errno));
  return NULL;
}

/* setBlocking(fd, blocking) */
napi_value native_set_blocking(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value v[2];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  int64_t fd;
  int blocking;
  if (argc != 2 || arg_int(env, v[0], "setBlocking", "fd", 0, 1 << 30, &fd) || arg_bool(env, v[1], "setBlocking", "blocking", &blocking))
    return throw_error(env, "setBlocking", "expected (fd, blocking)");
  int flags = fcntl((int)fd, F_GETFL);
  if (flags < 0 || fcntl((int)fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK) < 0)
    return throw_error(env, "setBlocking", "fd %lld: %s", (long long)fd, strerror(errno));
  return NULL;
}

/* waitReadable(fd, timeoutMs) -> "readable" | "hangup" | "timeout" */
napi_value native_wait_readable(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value v[2];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  int64_t fd, timeout;
  if (argc != 2 || arg_int(env, v[0], "waitReadable", "fd", 0, 1 << 30, &fd) ||
      arg_int(env, v[1], "waitReadable", "timeoutMs", -1, 0x7fffffff, &timeout))
    return throw_error(env, "waitReadable", "expected (fd, timeoutMs)");
  struct pollfd p = {(int)fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, (int)timeout); while (r < 0 && errno == EINTR);
  if (r < 0) return throw_error(env, "waitReadable", "poll(fd %lld): %s", (long long)fd, strerror(errno));
  const char *state = r == 0 ? "timeout" : (p.revents & POLLIN) ? "readable" : "hangup";
  napi_value out;
  napi_create_string_utf8(env, state, NAPI_AUTO_LENGTH, &out);
  return out;
}

/* setPipeSize(fd, bytes) -> the size the kernel granted (Linux F_SETPIPE_SZ; -1 where unsupported) */
napi_value native_set_pipe_size(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value v[2];
  napi_get_cb_info(env, info, &argc, v, NULL, NULL);
  int64_t fd, bytes;
  if (argc != 2 || arg_int(env, v[0], "setPipeSize", "fd", 0, 1 << 30, &fd) ||
      arg_int(env, v[1], "setPipeSize", "bytes", 4096, 1 << 30, &bytes))
    return throw_error(env, "setPipeSize", "expected (fd, bytes)");
  int got = -1;
#ifdef F_SETPIPE_SZ
  got = fcntl((int)fd, F_SETPIPE_SZ, (int)bytes);
  if (got < 0) got = fcntl((int)fd, F_GETPIPE_SZ);
#endif
  napi_value out;
  napi_create_int32(env, got, &out);
  return out;
}

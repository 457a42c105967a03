import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";
import { loadAddon } from "./addon.js";
import type { NativeOps } from "./native-kernel.js";

/**
 * NativeOps on a library loaded into this process. Used by the worker for its one library, and by
 * the parent for files without load-time settings (netlib, ATLAS, Eigen). A file is opened once per
 * process; `threads` is applied with the library's own setter when it has one.
 */
export function inProcessOps(path: string, threads: number): NativeOps {
  const addon = loadAddon();
  const h = addon.open(path);
  if (threads !== 1 && !addon.setThreads(h, threads)) {
    throw new Error(`${path}: the library has no thread-count setter, cannot run ${threads} threads`);
  }
  const gemmArgs = (c: GemmCall) => [
    h, c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.a, c.aOffset ?? 0, c.lda, c.b, c.bOffset ?? 0, c.ldb, c.beta, c.c,
    c.cOffset ?? 0, c.ldc,
  ] as const;
  return {
    gemm: (c: GemmCall) => addon.gemm(...gemmArgs(c)),
    timeGemm: (c: GemmCall, reps: number) => addon.timeGemm(...gemmArgs(c), reps),
    gemv: (c: GemvCall) => addon.gemv(h, c.transA, c.m, c.n, c.alpha, c.a, c.aOffset ?? 0, c.lda, c.x, c.xOffset ?? 0,
      c.incx, c.beta, c.y, c.yOffset ?? 0, c.incy),
    dot: (c: DotCall) => addon.dot(h, c.n, c.x, c.xOffset ?? 0, c.incx, c.y, c.yOffset ?? 0, c.incy),
    report: () => addon.libraryInfo(h),
    pid: process.pid,
    dispose: () => {}, // dlclose is never safe with threaded BLAS libraries; the file stays loaded
  };
}

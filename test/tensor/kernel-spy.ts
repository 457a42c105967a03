import type { GemmCall, Kernel } from "@chimera/kernels";

/** Shape of one recorded gemm call (arrays and offsets left out). */
export interface GemmRecord {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  lda: number;
  ldb: number;
  beta: number;
  ldc: number;
}

/** Wraps a kernel and records the arguments of every gemm it receives. */
export function spyKernel(inner: Kernel): { kernel: Kernel; calls: GemmRecord[] } {
  const calls: GemmRecord[] = [];
  const kernel: Kernel = {
    info: inner.info,
    gemm(c: GemmCall) {
      calls.push({ transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, lda: c.lda, ldb: c.ldb, beta: c.beta, ldc: c.ldc });
      inner.gemm(c);
    },
    gemv: (c) => inner.gemv(c),
    dot: (c) => inner.dot(c),
  };
  return { kernel, calls };
}

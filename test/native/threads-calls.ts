import type { GemmCall } from "@chimera/kernels";

/** A gemm call with inputs from `seed` (8x37x300, B stored NxK, bias in C). */
export function seededCall(seed: number): GemmCall {
  let s = seed >>> 0;
  const fill = (n: number) => Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), Math.fround(s / 2 ** 31 - 1)));
  const m = 8, n = 37, k = 300;
  return { transA: false, transB: true, m, n, k, alpha: 1, a: fill(m * k), lda: k, b: fill(n * k), ldb: k, beta: 1, c: fill(m * n), ldc: n };
}

import type { GemmCall } from "@chimera/kernels";

/**
 * The seeded inputs the golden fixtures were recorded on: one LCG (s := 1664525·s + 1013904223 mod 2^32,
 * value fround(s / 2^31 − 1)) fills A, then B, then C, each in storage order.
 */
export function seededCall(c: {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  lda: number; ldb: number; ldc: number; alpha: number; beta: number; seed: number;
}): GemmCall {
  let s = c.seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  };
  const fill = (len: number) => {
    const x = new Float32Array(len);
    for (let i = 0; i < len; i++) x[i] = next();
    return x;
  };
  const a = fill((c.transA ? c.k : c.m) * c.lda);
  const b = fill((c.transB ? c.n : c.k) * c.ldb);
  const out = fill(c.m * c.ldc);
  return { transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a, lda: c.lda, b, ldb: c.ldb, beta: c.beta, c: out, ldc: c.ldc };
}

/** The binary32 bits of each value, as 8 hex digits each. */
export function hexBits(x: Float32Array): string {
  return Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length), (u) => u.toString(16).padStart(8, "0")).join("");
}

import type { GemmCall } from "@chimera/kernels";

/** binary32 unit roundoff (half an ulp of 1). */
export const EPS32 = 2 ** -24;

/**
 * The bound any summation order meets, fused or not: for one element of C = α·op(A)·op(B) + β·C,
 *   |computed − exact| <= α·γ(k)·Σ|a_ip·b_pj| + 2u·(|α·s| + |β·c|),  γ(k) = (k + 2)·u / (1 − (k + 2)·u),
 * (Higham, Accuracy and Stability, §3.1, plus the roundings of α, β and the final add). Two kernels
 * each within it differ by at most twice it, which is what `maxAllowedGap` returns, element by element.
 */
export function maxAllowedGap(call: GemmCall, c0: Float32Array): Float64Array {
  const { m, n, k, transA, transB, lda, ldb, ldc, alpha, beta, a, b } = call;
  const aOff = call.aOffset ?? 0, bOff = call.bOffset ?? 0, cOff = call.cOffset ?? 0;
  const u = EPS32, g = ((k + 2) * u) / (1 - (k + 2) * u);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let abs = 0, s = 0;
      for (let p = 0; p < k; p++) {
        const x = a[aOff + (transA ? p * lda + i : i * lda + p)]!, y = b[bOff + (transB ? j * ldb + p : p * ldb + j)]!;
        abs += Math.abs(x * y);
        s += x * y;
      }
      const cij = beta === 0 ? 0 : c0[cOff + i * ldc + j]!;
      out[i * n + j] = 2 * (Math.abs(alpha) * g * abs + 2 * u * (Math.abs(alpha * s) + Math.abs(beta * cij))) + 1e-38;
    }
  }
  return out;
}

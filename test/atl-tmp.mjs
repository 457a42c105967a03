import { discoverNativeBackends } from "@chimera/native";
const real = discoverNativeBackends().find((b) => b.id === "atlas-3.10.3-base").create();
export function isNC(M, N, K, ltA, ltB) {
  const m = N, n = M, k = K, transA = ltB, transB = ltA;
  const lda = transA ? m : k, ldb = transB ? k : n;
  const a = new Float32Array((transA ? k : m) * lda).fill(1), b = new Float32Array((transB ? n : k) * ldb).fill(1);
  a[0] = 2 ** 50; b[0] = 2 ** 50;
  const c = new Float32Array(m * n); c[0] = -(2 ** 100);
  real.gemm({ transA, transB, m, n, k, alpha: 1, a, lda, b, ldb, beta: 1, c, ldc: n });
  return c[0] !== 0;
}
export function dispose() { real.dispose(); }
function flip(M, N, ta, tb, lo, hi) { // first K in (lo,hi] with isNC true (chunked), assuming copy at lo
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (isNC(M, N, mid, ta, tb)) hi = mid; else lo = mid; }
  return hi;
}
for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]])
  console.log(ta, tb, [[128, 64], [200, 200], [128, 1], [48, 48], [1000, 3]].map(([M, N]) => `${M}x${N}:${flip(M, N, ta, tb, 600, 3000)}`).join(" "));
dispose();

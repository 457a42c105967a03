import { expect } from "chai";
import { regionValues, type GemmCall } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { withRealPair } from "./real-pair.js";

/**
 * MKL avx2's row-major NT with n = 2 or 3 (libraries/mkl-avx2.ts avx2SmallNt, orders/mkl-avx2-pair-dot.ts): the call's rows
 * in pairs, sixteen FMA lanes for the first, eight multiply-then-add lanes for the second, an odd last row without the
 * four-lane step, C := fma(β, C, fl(α·s)), for m·n ≤ 30; the blocked path past it. Whole outputs against the real
 * library: m = 1..17, k across the 8/16/32 steps and long, padded lda and ldb, four (α, β), wide and cancelling values.
 */
const scalars: ReadonlyArray<readonly [number, number]> = [[1, 0], [1, 1], [2.5, 0.7], [0.1, -0.3]];

function call(m: number, n: number, k: number, pad: number, alpha: number, beta: number, values: "wide" | "cancel", seed: number): GemmCall {
  const lda = k + pad, ldb = k + 2 * pad;
  return {
    transA: false, transB: true, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta),
    a: regionValues(m * lda, values, seed), lda, b: regionValues(n * ldb, values === "cancel" ? "near-one" : values, seed + 1), ldb,
    c: regionValues(m * n, "uniform", seed + 2), ldc: n,
  };
}

describe("MKL 2020.4 avx2 row-major NT with n <= 3 vs the real library", function () {
  this.timeout(180_000);
  const natives = discoverNativeBackends();
  const id = "mkl-2020.4-avx2", realId = fidelityPairs[id]!;
  it(`${id} equals ${realId} on NT m x {2, 3} x k (m = 1..17, k = 2..600, padded, four (alpha, beta), wide and cancelling)`, function () {
    withRealPair(this, natives, id, (emulated, real) => {
      const failing: string[] = [];
      let seed = 141000;
      for (const n of [2, 3]) for (let m = 1; m <= 17; m++) for (const k of [2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 48, 63, 64, 97, 437, 600]) {
        for (const values of ["wide", "cancel"] as const) {
          const [alpha, beta] = scalars[seed % scalars.length]!, pad = seed % 3;
          const mine = call(m, n, k, pad, alpha, beta, values, seed), theirs = call(m, n, k, pad, alpha, beta, values, seed);
          seed += 3;
          emulated.gemm(mine);
          real.gemm(theirs);
          let diff = 0;
          for (let i = 0; i < m * n; i++) if (!Object.is(mine.c[i], theirs.c[i])) diff++;
          if (diff > 0) failing.push(`NT ${m}x${n}x${k} pad ${pad} alpha ${alpha} beta ${beta} ${values}: ${diff} of ${m * n} differ`);
        }
      }
      expect(failing, failing.join("\n")).to.deep.equal([]);
    });
  });
});

import { expect } from "chai";
import { regionValues, type GemmCall } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { withRealPair } from "./real-pair.js";

/**
 * Two small corners of MKL's gemm. k = 1 on MKL's generic, SSE4.2 and AVX paths (mulAddK1 in libraries/mkl-generic.ts: C := fl(β·C) + fl(α·a)·b, α
 * on the row-major call's A, for m, n > 1; the m = 1 and n = 1 kernels keep their own) and avx2's fusedIntoC,
 * against the real library on whole outputs: m, n from 1 to 64, every layout, α, β in {1, 0}, {1, 1},
 * {2.5, 0.7}, {0.1, −0.3}, wide-exponent operands. And 1x1xK (a dot product through sgemm): row-major transA takes
 * the n = 1 axpy form (generic, sse42, avx: genN1Axpy; avx2: fmaAxpyRow), transA = false the m = 1 dot kernel,
 * for K = 1..300, every layout and (α, β), twelve draws each. Pending, with the reason, where MKL or the path cannot run here.
 */
const paths = ["mkl-2020.4-generic", "mkl-2020.4-sse42", "mkl-2020.4-avx", "mkl-2020.4-avx2"];
const sides = [1, 2, 3, 7, 8, 20, 64];
const scalars: ReadonlyArray<readonly [number, number]> = [[1, 0], [1, 1], [2.5, 0.7], [0.1, -0.3]];

function call(transA: boolean, transB: boolean, m: number, n: number, alpha: number, beta: number, seed: number, k = 1): GemmCall {
  return {
    transA, transB, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta),
    a: regionValues(m * k, "wide", seed), lda: transA ? m : k, b: regionValues(k * n, "wide", seed + 1), ldb: transB ? k : n,
    c: regionValues(m * n, "uniform", seed + 2), ldc: n,
  };
}

describe("MKL 2020.4 gemm with k = 1 vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  for (const id of paths) {
    const realId = fidelityPairs[id]!;
    it(`${id} equals ${realId} at k = 1 (${sides.length}^2 shapes x 4 layouts x ${scalars.length} (alpha, beta))`, function () {
      withRealPair(this, natives, id, (emulated, real) => {
        const failing: string[] = [];
        let seed = 95000;
        for (const m of sides) for (const n of sides) for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
          for (const [alpha, beta] of scalars) {
            const mine = call(transA, transB, m, n, alpha, beta, seed), theirs = call(transA, transB, m, n, alpha, beta, seed);
            seed += 3;
            emulated.gemm(mine);
            real.gemm(theirs);
            let diff = 0;
            for (let i = 0; i < m * n; i++) if (!Object.is(mine.c[i], theirs.c[i])) diff++;
            if (diff > 0) failing.push(`${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x${n}x1 alpha ${alpha} beta ${beta}: ${diff} of ${m * n} differ`);
          }
        }
        expect(failing, failing.slice(0, 20).join("\n")).to.deep.equal([]);
      });
    });
    it(`${id} equals ${realId} on 1x1xK (K = 1..300, 4 layouts x ${scalars.length} (alpha, beta) x 12 draws)`, function () {
      withRealPair(this, natives, id, (emulated, real) => {
        const failing: string[] = [];
        let seed = 97000;
        for (const k of [1, 2, 3, 5, 8, 17, 40, 100, 300]) for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
          for (const [alpha, beta] of scalars) for (let draw = 0; draw < 12; draw++) {
            const mine = call(transA, transB, 1, 1, alpha, beta, seed, k), theirs = call(transA, transB, 1, 1, alpha, beta, seed, k);
            seed += 3;
            emulated.gemm(mine);
            real.gemm(theirs);
            if (!Object.is(mine.c[0], theirs.c[0])) failing.push(`${transA ? "T" : "N"}${transB ? "T" : "N"} 1x1x${k} alpha ${alpha} beta ${beta} draw ${draw}: ${mine.c[0]} vs ${theirs.c[0]}`);
          }
        }
        expect(failing, failing.slice(0, 20).join("\n")).to.deep.equal([]);
      });
    });
  }
});

import { expect } from "chai";
import { regionValues, type GemmCall } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs, pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";
import { withRealPair } from "./real-pair.js";
import { expectGemvLikeReal, type GemvCase } from "./gemv-vs-real.js";

/**
 * sgemv of several rows with incx or incy > 1, and gemm with n = 1 and padded leading dimensions (MKL's sgemm hands
 * such calls to the same kernels, ldb and ldc as the strides), on MKL's generic, sse42, avx and avx2 paths, against
 * the real library. The rows after the groups of four are where the strides show: libmkl_def takes its one-output
 * strided kernel for each of them (genN1Dot); libmkl_mc3 and libmkl_avx take them alone with incy > 1 and align
 * their heads on the row the kernel ends on with incx > 1 (n1Rest in libraries/mkl-sse.ts).
 */
const paths = ["mkl-2020.4-generic", "mkl-2020.4-sse42", "mkl-2020.4-avx", "mkl-2020.4-avx2"];
const scalars: ReadonlyArray<readonly [number, number]> = [[1, 1], [2.5, 0.7], [0.1, -0.3]];

function gemvCalls(): GemvCase[] {
  const out: GemvCase[] = [];
  let seed = 131000;
  for (const transA of [false, true]) for (const rows of [2, 5, 6, 7, 10, 11, 37]) for (const len of [1, 3, 12, 16, 17, 21, 22, 23, 45, 100, 621]) {
    for (const [incx, incy] of [[1, 1], [2, 1], [1, 3], [3, 2]]) for (const pad of [0, 1, 3]) {
      const [alpha, beta] = scalars[seed % scalars.length]!;
      const s = seed, m = transA ? len : rows, n = transA ? rows : len, lda = n + pad;
      seed += 3;
      out.push({
        what: `${transA ? "T" : "N"} ${m}x${n} lda ${lda} incx ${incx} incy ${incy} alpha ${alpha} beta ${beta}`,
        call: () => ({ transA, m, n, alpha: Math.fround(alpha), beta: Math.fround(beta), a: regionValues(m * lda, "wide", s), lda,
          x: regionValues(1 + (len - 1) * incx, "wide", s + 1), incx, y: regionValues(1 + (rows - 1) * incy, "uniform", s + 2), incy }),
      });
    }
  }
  return out;
}

function n1Call(transA: boolean, transB: boolean, m: number, k: number, pads: readonly number[], alpha: number, beta: number, seed: number): GemmCall {
  const lda = (transA ? m : k) + pads[0]!, ldb = (transB ? k : 1) + pads[1]!, ldc = 1 + pads[2]!;
  return {
    transA, transB, m, n: 1, k, alpha: Math.fround(alpha), beta: Math.fround(beta),
    a: regionValues((transA ? k : m) * lda, "wide", seed), lda, b: regionValues((transB ? 1 : k) * ldb, "wide", seed + 1), ldb,
    c: regionValues(m * ldc, "uniform", seed + 2), ldc,
  };
}

describe("MKL 2020.4 strided sgemv of several rows and n = 1 gemm with padded strides vs the real library", function () {
  this.timeout(180_000);
  const natives = discoverNativeBackends();
  const calls = gemvCalls();
  for (const id of paths) {
    const realId = fidelityPairs[id]!;
    it(`${id} gemv equals ${realId} on ${calls.length} calls (rows 2..37, strides 1..3, padded lda)`, function () {
      requireOrSkip(this, pairedBackend(natives, realId)!); // MKL's auto path is libmkl_def only on a non-Intel CPU
      expectGemvLikeReal(this, natives, id, realId, calls);
    });
    it(`${id} gemm with n = 1 equals ${realId} with padded lda, ldb, ldc in every layout`, function () {
      withRealPair(this, natives, id, (emulated, real) => {
        const failing: string[] = [];
        let seed = 137000;
        for (const m of [2, 5, 6, 7, 11, 46]) for (const k of [3, 17, 22, 81, 219]) for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
          for (const pads of [[0, 0, 0], [2, 0, 0], [0, 2, 0], [0, 0, 3], [1, 3, 2]]) {
            const [alpha, beta] = scalars[seed % scalars.length]!;
            const mine = n1Call(transA, transB, m, k, pads, alpha, beta, seed), theirs = n1Call(transA, transB, m, k, pads, alpha, beta, seed);
            seed += 3;
            emulated.gemm(mine);
            real.gemm(theirs);
            let diff = 0;
            for (let i = 0; i < mine.c.length; i++) if (!Object.is(mine.c[i], theirs.c[i])) diff++;
            if (diff > 0) failing.push(`${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x1x${k} lda ${mine.lda} ldb ${mine.ldb} ldc ${mine.ldc} alpha ${alpha} beta ${beta}: ${diff} of ${m} differ`);
          }
        }
        expect(failing, failing.join("\n")).to.deep.equal([]);
      });
    });
  }
});

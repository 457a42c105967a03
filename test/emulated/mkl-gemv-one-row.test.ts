import { regionValues } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs, pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";
import { expectGemvLikeReal, type GemvCase } from "./gemv-vs-real.js";

/**
 * sgemv with one output (one row without transA, one column with it) on MKL's generic, sse42, avx and avx2 paths:
 * the 1x1xK routes of the declarations (libmkl_def's strided kernel: a head of 1, eight lanes summed in lane order,
 * for K >= 17 with incx or incy > 1; the n = 1 axpy forms with transA; avx2's 512-chunk strided kernel), against
 * the real library for lengths 1..1000, strides 1..3 and general alpha, beta, five draws each.
 */
function oneOutputCalls(): GemvCase[] {
  const out: GemvCase[] = [];
  let seed = 99000;
  for (const transA of [false, true]) for (const len of [1, 2, 5, 16, 17, 40, 100, 513, 1000]) for (const [incx, incy] of [[1, 1], [2, 1], [1, 3]]) {
    for (const [alpha, beta] of [[1, 0], [1, 1], [2.5, 0.7], [0.1, -0.3]]) for (let draw = 0; draw < 5; draw++) {
      const s = seed, m = transA ? len : 1, n = transA ? 1 : len;
      seed += 3;
      out.push({
        what: `${transA ? "T" : "N"} ${m}x${n} incx ${incx} incy ${incy} alpha ${alpha} beta ${beta} draw ${draw}`,
        call: () => ({ transA, m, n, alpha: Math.fround(alpha), beta: Math.fround(beta), a: regionValues(m * n, "wide", s), lda: n,
          x: regionValues(1 + (len - 1) * incx, "wide", s + 1), incx, y: regionValues(1, "uniform", s + 2), incy }),
      });
    }
  }
  return out;
}

describe("MKL 2020.4 sgemv with one output vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  const calls = oneOutputCalls();
  for (const id of ["mkl-2020.4-generic", "mkl-2020.4-sse42", "mkl-2020.4-avx", "mkl-2020.4-avx2"]) {
    it(`${id} gemv equals ${fidelityPairs[id]} on ${calls.length} one-output calls`, function () {
      requireOrSkip(this, pairedBackend(natives, fidelityPairs[id]!)!); // MKL's auto path is libmkl_def only on a non-Intel CPU
      expectGemvLikeReal(this, natives, id, fidelityPairs[id]!, calls);
    });
  }
});

import { regionValues } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { expectGemvLikeReal, type GemvCase } from "./gemv-vs-real.js";

/**
 * OpenBLAS 0.3.21's sgemv_n_4.c (the row-major gemv with transA) ends with the y rows mod 4 in C; when lda
 * equals that row count and x is contiguous, its loops are unrolled over i < (n & -4), by pairs of columns
 * (rows 2, 3) or fours (row 1). Every modelled core against its real library on lengths on both sides of
 * a multiple of 4 (the emulation once unrolled over one pair too few at n = 8, 12, …). Lengths stay above
 * 48 so that SkylakeX's sgemv_kernel_n_128 does not take the call.
 */
const cores = ["haswell", "zen", "sandybridge", "nehalem", "skylakex", "cooperlake"];

function restCalls(): GemvCase[] {
  const out: GemvCase[] = [];
  let seed = 47000;
  for (const rows of [1, 2, 3]) for (const len of [52, 53, 56, 64, 66, 101]) for (const incy of [1, 2]) {
    const s = seed++, alpha = Math.fround(incy === 1 ? 1 : 0.7), beta = Math.fround(incy === 1 ? 0 : -0.3);
    out.push({
      what: `T m=${len} n=${rows} lda=${rows} incy=${incy} alpha=${alpha} beta=${beta}`,
      call: () => ({ transA: true, m: len, n: rows, alpha, a: regionValues(len * rows, "uniform", s), lda: rows, x: regionValues(len, "uniform", s + 1),
        incx: 1, beta, y: regionValues(1 + (rows - 1) * incy, "uniform", s + 2), incy }),
    });
  }
  return out;
}

describe("OpenBLAS sgemv_n's unrolled rest rows (rows mod 4 with lda = rows) vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  const calls = restCalls();
  for (const core of cores) {
    it(`openblas-0.3.21-${core} gemv equals openblas-0.3.21-${core}-serial on ${calls.length} calls`, function () {
      expectGemvLikeReal(this, natives, `openblas-0.3.21-${core}`, `openblas-0.3.21-${core}-serial`, calls);
    });
  }
});

import { regionValues } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { expectGemvLikeReal, type GemvCase } from "./gemv-vs-real.js";

/**
 * OpenBLAS 0.3.21's SkylakeX / Cooperlake sgemv kernels (libraries/openblas-avx512-gemv.ts) against the
 * real library, call by call: sgemv_t's small kernels (row-major gemv without transA, n = len ≤ 8 with
 * lda = n: every row block of sgemv_kernel_t_1 … _8), the general sgemv_t route next to them (lda = n + 1,
 * n = 9), sgemv_kernel_n_128 (transA, len = m ≤ 48, m ≠ 4), and sgemv_n_4.c past it (sgemv_kernel_n_64 for
 * the m mod 8 ≥ 2 columns; the rows mod 4 in contracted C, unrolled when lda = rows). Strided x and y,
 * general α and β. The real library needs AVX-512 (Cooperlake also AVX512_BF16): elsewhere the test is
 * pending with the reason.
 */
const ALPHA_BETA = [[1, 0], [0.7, 0.3], [-1.3, 1]].map(([a, b]) => [Math.fround(a!), Math.fround(b!)] as const);

function gemvCases(): GemvCase[] {
  const out: GemvCase[] = [];
  let seed = 31000;
  const add = (transA: boolean, m: number, n: number, pad: number, i: number) => {
    const [alpha, beta] = ALPHA_BETA[i % ALPHA_BETA.length]!, incx = 1 + (i % 2), incy = 1 + ((i >> 1) % 3), s = seed++;
    const values = i % 4 === 3 ? "cancel" : "uniform";
    const lda = n + pad, xl = transA ? m : n, yl = transA ? n : m;
    out.push({
      what: `${transA ? "T" : "N"} m=${m} n=${n} lda=${lda} incx=${incx} incy=${incy} alpha=${alpha} beta=${beta} ${values}`,
      call: () => ({ transA, m, n, alpha, a: regionValues(m * lda, values, s), lda, x: regionValues(1 + (xl - 1) * incx, values, s + 1),
        incx, beta, y: regionValues(1 + (yl - 1) * incy, "uniform", s + 2), incy }),
    });
  };
  let i = 0;
  // sgemv_t: outputs crossing every row block edge (128, 64, 32, 16, 8, 4, 2, the odd last one).
  for (const len of [1, 2, 3, 4, 5, 6, 7, 8, 9]) for (const rows of [1, 2, 3, 5, 7, 13, 19, 35, 70, 133]) {
    add(false, rows, len, 0, i++);
    if (rows % 5 === 0) add(false, rows, len, 1, i++);
  }
  // sgemv_n: len (m) on both sides of the n_128 limit and of 4; rows mod 4 with lda = rows (pad 0) and not.
  for (const len of [1, 2, 3, 4, 5, 8, 11, 47, 48, 49, 50, 51, 61]) for (const rows of [1, 2, 3, 5, 17, 130]) {
    add(true, len, rows, i % 2, i++);
  }
  return out;
}

describe("OpenBLAS SkylakeX / Cooperlake sgemv kernels vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  const cases = gemvCases();
  for (const variant of ["skylakex", "cooperlake"]) {
    it(`openblas-0.3.21-${variant} gemv equals openblas-0.3.21-${variant}-serial on ${cases.length} calls (small sgemv_t kernels, n_128, n_64, contracted C)`, function () {
      expectGemvLikeReal(this, natives, `openblas-0.3.21-${variant}`, `openblas-0.3.21-${variant}-serial`, cases);
    });
  }
});

import { expect } from "chai";
import { regionValues, type GemmCall } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { withRealPair } from "./real-pair.js";

/**
 * libmkl_mc3's blocked path (row-major m >= 8, n >= 4; libraries/mkl-sse.ts sse42Blocked): the n mod 4 edge columns take
 * four SSE lanes per k-block, but in the call's last m mod 4 rows the small-m pairs kernel's lanes (one edge column eight
 * lanes, two eight then four in steps of 8, three four in steps of 8). libmkl_avx's (avx1Blocked) the same on 256-bit
 * registers with n mod 8 edge columns, whose k-blocks put more than 4 leftover products in the lanes. Whole outputs against the real library in every
 * layout, padded, for four (alpha, beta).
 */
const shapes: ReadonlyArray<readonly [number, number, number]> = [
  [19, 7, 14], [17, 5, 44], [17, 6, 44], [17, 7, 44], [18, 5, 20], [23, 6, 300], [66, 21, 212], [10, 61, 308], [22, 81, 108],
  [34, 77, 564], [99, 6, 291], [37, 37, 2304], [13, 10, 512], [227, 9, 435], [18, 9, 300], [18, 10, 300], [18, 11, 300],
  [16, 9, 205], [229, 61, 94], [31, 13, 30],
];
const scalars: ReadonlyArray<readonly [number, number]> = [[1, 0], [1, 1], [0.1, -0.3], [2.5, 0.7]];
/** k = 2, 3 where the blocked path would run (row-major m, n >= 8): NN and TN take the axpy form from β·C as k = 1 does
 * (probe NN 60x9x2, 60x9x3: ((0 C) 1)); NT and TT (a chain, then C; general α, β not modelled) are left out. */
const k23: ReadonlyArray<readonly [number, number, number]> = [[60, 9, 2], [60, 9, 3], [98, 36, 3], [145, 25, 3], [64, 12, 2], [200, 80, 3]];

function call(transA: boolean, transB: boolean, m: number, n: number, k: number, pad: number, alpha: number, beta: number, seed: number): GemmCall {
  const lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
  return {
    transA, transB, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta),
    a: regionValues((transA ? k : m) * lda, "wide", seed), lda, b: regionValues((transB ? n : k) * ldb, "wide", seed + 1), ldb,
    c: regionValues(m * ldc, "uniform", seed + 2), ldc,
  };
}

describe("MKL 2020.4 sse42 and avx blocked-path edge rows vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  for (const id of ["mkl-2020.4-sse42", "mkl-2020.4-avx"]) it(`${id} equals ${fidelityPairs[id]} on ${shapes.length} shapes x 4 layouts and ${k23.length} NN/TN with k = 2, 3, x ${scalars.length} (alpha, beta), padded or not`, function () {
    withRealPair(this, natives, id, (emulated, real) => {
      const failing: string[] = [];
      let seed = 151000;
      const cases = [...shapes.flatMap(([m, n, k]) => ([[false, false], [false, true], [true, false], [true, true]] as const).map(([tA, tB]) => [m, n, k, tA, tB] as const)),
        ...k23.flatMap(([m, n, k]) => ([[false, false], [true, false]] as const).map(([tA, tB]) => [m, n, k, tA, tB] as const))];
      for (const [m, n, k, transA, transB] of cases) {
        for (const [alpha, beta] of scalars) {
          const pad = seed % 4;
          const mine = call(transA, transB, m, n, k, pad, alpha, beta, seed), theirs = call(transA, transB, m, n, k, pad, alpha, beta, seed);
          seed += 3;
          emulated.gemm(mine);
          real.gemm(theirs);
          let diff = 0;
          for (let i = 0; i < mine.c.length; i++) if (!Object.is(mine.c[i], theirs.c[i])) diff++;
          if (diff > 0) failing.push(`${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x${n}x${k} pad ${pad} alpha ${alpha} beta ${beta}: ${diff} differ`);
        }
      }
      expect(failing, failing.join("\n")).to.deep.equal([]);
    });
  });
});

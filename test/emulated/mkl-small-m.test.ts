import { expect } from "chai";
import { emulatedKernels, regionValues, type GemmCall } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs, pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * The small-m products (row-major m < 8, libraries/mkl-sse.ts) of libmkl_mc3 and libmkl_avx in every layout
 * against the real library. mc3: NN and TN the axpy chain from β·C, TT the groups of four (a chain from C
 * when n, k <= 10 and α = β = 1), NT the pairs kernel. avx: NN and TN dot products (rows in fours one chain,
 * the rest even/odd pairs) for n <= 50 and k <= 128, else the axpy chain; TT one chain for n <= 30 and
 * k <= 128, else the groups of four; NT eight lanes with the rest in the lanes for n <= 30 and k <= 128, else
 * the pairs kernel. Whole outputs on wide-exponent values, for α, β in {1, 0}, {1, 1}, {0.1, −0.3}, {2.5, 0.7},
 * on shapes either side of each threshold (avx takes the same kernels for m >= 8 while k <= 128 and m, n <= 50 for NN, TN
 * or <= 30 for NT, TT; sse42 its small kernels for row-major n = 2, 3 whatever m). Pending, with the reason, where MKL or the path cannot run here.
 */
const shapes: ReadonlyArray<readonly [number, number, number]> = [
  [4, 115, 784], [2, 77, 248], [3, 37, 40], [7, 20, 100], [4, 8, 64], [2, 8, 16], [5, 3, 2000],
  [3, 5, 6], [7, 10, 9], [4, 9, 5], [7, 7, 8], [3, 11, 8], [6, 4, 10], [3, 10, 11],
  [3, 50, 128], [3, 51, 20], [3, 48, 129], [5, 30, 128], [5, 31, 20], [4, 19, 125], [3, 9, 200], [4, 12, 57], [3, 4, 7],
];
/** m >= 8, avx only: its small kernels while k <= 128 and m, n <= 30 (every layout here; NN and TN up to 50), and with n < 8. */
const avxLargerM: ReadonlyArray<readonly [number, number, number]> = [
  [20, 13, 30], [30, 13, 30], [29, 30, 100], [16, 30, 128],
  // ... and row-major n < 8 whatever m (TN's α moves to A_lib from m >= 50 with k >= 130)
  [90, 5, 120], [95, 6, 65], [54, 6, 298], [50, 6, 130], [50, 6, 129], [49, 6, 600], [73, 3, 247],
];
/** m >= 8, sse42 only: row-major n = 2, 3 takes its small kernels whatever m. */
const sse42LargerM: ReadonlyArray<readonly [number, number, number]> = [
  [11, 2, 437], [75, 2, 289], [28, 2, 62], [65, 3, 24], [8, 2, 40], [9, 3, 7], [10, 2, 10], [11, 2, 10], [107, 3, 7], [300, 3, 1000],
];
const scalars: ReadonlyArray<readonly [number, number]> = [[1, 0], [1, 1], [0.1, -0.3], [2.5, 0.7]];

function call(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, beta: number, seed: number): GemmCall {
  return {
    transA, transB, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta),
    a: regionValues(m * k, "wide", seed), lda: transA ? m : k, b: regionValues(k * n, "wide", seed + 1), ldb: transB ? k : n,
    c: regionValues(m * n, "uniform", seed + 2), ldc: n,
  };
}

describe("MKL 2020.4 sse42 and avx small-m gemm (every layout) vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  for (const path of ["sse42", "avx"]) it(`mkl-2020.4-${path} equals mkl-2020.4-${path}-sequential on ${shapes.length + (path === "avx" ? avxLargerM : sse42LargerM).length} shapes x 4 layouts x ${scalars.length} (alpha, beta)`, function () {
    const backend = natives.find((b) => b.id === `mkl-2020.4-${path}-sequential`);
    expect(backend, `mkl-2020.4-${path}-sequential is in the native catalog`).to.not.equal(undefined);
    requireOrSkip(this, backend!);
    const emulated = emulatedKernels.find((k) => k.info.id === `mkl-2020.4-${path}`)!;
    const real = backend!.create();
    try {
      const failing: string[] = [];
      let seed = 93000;
      for (const [m, n, k] of [...shapes, ...(path === "avx" ? avxLargerM : sse42LargerM)]) for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        for (const [alpha, beta] of scalars) {
          const mine = call(transA, transB, m, n, k, alpha, beta, seed), theirs = call(transA, transB, m, n, k, alpha, beta, seed);
          seed += 3;
          emulated.gemm(mine);
          real.gemm(theirs);
          let diff = 0;
          for (let i = 0; i < m * n; i++) if (!Object.is(mine.c[i], theirs.c[i])) diff++;
          if (diff > 0) failing.push(`${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x${n}x${k} alpha ${alpha} beta ${beta}: ${diff} of ${m * n} differ`);
        }
      }
      expect(failing, failing.join("\n")).to.deep.equal([]);
    } finally {
      real.dispose();
    }
  });
});

/**
 * libmkl_def's small products (not its blocked path: m < 4 or n < 12), libraries/mkl-generic.ts: NN and TN the axpy
 * chain from β·C (the elements each row of C peels to 16-byte alignment k in groups of eight, four chained apart),
 * TT one chain then α and β, NT the aligned SSE dot kernels.
 */
describe("MKL 2020.4 generic small products (every layout) vs the real library", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  const genericShapes: ReadonlyArray<readonly [number, number, number]> = [
    [2, 8, 16], [4, 8, 64], [3, 12, 40], [7, 8, 100], [2, 76, 248], [5, 4, 300], [3, 5, 6], [7, 10, 9], [4, 9, 5], [2, 77, 248], [6, 11, 182],
    [4, 7, 20], [4, 5, 20], [4, 2, 92], [37, 7, 2304], [8, 5, 154], [3, 6, 8], [59, 5, 33],
  ];
  it(`mkl-2020.4-generic equals mkl-2020.4-auto-sequential on small products, 4 layouts x ${scalars.length} (alpha, beta)`, function () {
    const backend = pairedBackend(natives, fidelityPairs["mkl-2020.4-generic"]!);
    expect(backend, "MKL's auto path is in the native catalog").to.not.equal(undefined);
    requireOrSkip(this, backend!);
    const emulated = emulatedKernels.find((k) => k.info.id === "mkl-2020.4-generic")!;
    const real = backend!.create();
    try {
      const failing: string[] = [];
      let seed = 94000;
      for (const [m, n, k] of genericShapes) for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        for (const [alpha, beta] of scalars) {
          const mine = call(transA, transB, m, n, k, alpha, beta, seed), theirs = call(transA, transB, m, n, k, alpha, beta, seed);
          seed += 3;
          emulated.gemm(mine);
          real.gemm(theirs);
          let diff = 0;
          for (let i = 0; i < m * n; i++) if (!Object.is(mine.c[i], theirs.c[i])) diff++;
          if (diff > 0) failing.push(`${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x${n}x${k} alpha ${alpha} beta ${beta}: ${diff} of ${m * n} differ`);
        }
      }
      expect(failing, failing.join("\n")).to.deep.equal([]);
    } finally {
      real.dispose();
    }
  });
});

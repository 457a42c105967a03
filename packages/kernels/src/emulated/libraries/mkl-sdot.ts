import type { DotRoute } from "../declaration.js";
import type { MklSdotAccumulation, MklSdotStep } from "../orders/mkl-sdot.js";
import { mulAddChain } from "./mkl-shared.js";

/*
 * MKL 2020.4's cblas_sdot on the code paths an AVX2 CPU runs (libmkl_def, libmkl_mc3, libmkl_avx,
 * libmkl_avx2), measured with the order probe on the real library (the bridge hands it x and y 64-byte
 * aligned), e.g. `npx chimera probe --backend mkl-2020.4-avx2-sequential --op dot --shape 1x1x100`, and with a
 * wrapper that spreads the probe's operands to incx, incy > 1; then held bit for bit on random inputs with
 * wide exponents (n = 1..200 and up to 10007, strides 1..7; test/emulated/mkl-sdot.test.ts).
 */

/** `count` steps: chunk i of the trip to register i mod 4. */
const roundRobin = (count: number, op: "mul-add" | "fma"): MklSdotStep[] => Array.from({ length: count }, (_, i) => ({ at: i, reg: i % 4, op }));

/** libmkl_def, unit strides: four SSE registers over 16 products a trip, then 8 at a time into registers 0
 * and 1, then one 4 into register 0; the n mod 4 rest multiplied and added into register 0's lane 0; the
 * registers summed ((r0 + r1) + r2) + r3 and folded (L0 + L2) + (L1 + L3); no FMA (probe, n = 11: ((chain[0,
 * 8..10, 4] (2 6)) ((1 5) (3 7))); n = 28: ((((0 16) 24) (4 20)) 8) 12 in lane 0). */
const generic: MklSdotAccumulation = {
  kind: "mkl-sdot", lanes: 4, registers: 4,
  loops: [
    { chunks: 4, repeat: true, steps: roundRobin(4, "mul-add") },
    { chunks: 2, repeat: true, steps: roundRobin(2, "mul-add") },
    { chunks: 1, repeat: true, steps: roundRobin(1, "mul-add") },
  ],
  rest: "lane0", restFused: false, combine: "sequential", fold: "movehl",
};

/** libmkl_mc3 and libmkl_avx (the same kernel, on xmm registers), unit strides: four registers over
 * 64·⌊n/64⌋ (16 products a step, chunk i to register i mod 4), then one register in steps of 4; summed
 * (r0 + r1) + (r2 + r3), folded hadd-style (L0 + L1) + (L2 + L3), the n mod 4 rest added after; no FMA
 * (probe: n = 40 four lanes chain[0..36:4]; n = 64 four registers; n = 100 register 0 takes 64..96). */
const sse: MklSdotAccumulation = {
  kind: "mkl-sdot", lanes: 4, registers: 4,
  loops: [
    { chunks: 16, repeat: true, steps: roundRobin(16, "mul-add") },
    { chunks: 1, repeat: true, steps: roundRobin(1, "mul-add") },
  ],
  rest: "after-fold", restFused: false, combine: "pairs", fold: "hadd",
};

/** libmkl_avx2, unit strides: four ymm registers; trips of 64 take per register j one fma-pair of chunks
 * j and j + 4 (register 0 fuses its first chunk onto the product of the second, registers 1..3 the second
 * onto the first), added to the register; then at most one 32 (chunk j FMA'd into register j), one 16
 * (registers 0, 1), one 8 (register 0), and the n mod 8 rest FMA'd into register 0's lanes 0, 1, …; summed
 * (r0 + r1) + (r2 + r3), folded ((L0 + L1) + (L4 + L5)) + ((L2 + L3) + (L6 + L7)) (probe: n = 128 lane 0
 * ((*0 32) (*64 96)), lane 8 ((8 *40) (72 *104)); n = 63, 100, 120, 129, 160; the fused pair sides
 * confirmed on random inputs, the other assignment misses from n = 64 on). */
const avx2: MklSdotAccumulation = {
  kind: "mkl-sdot", lanes: 8, registers: 4,
  loops: [
    { chunks: 8, repeat: true, steps: [{ at: [0, 4], reg: 0, op: "fma-pair" }, { at: [5, 1], reg: 1, op: "fma-pair" }, { at: [6, 2], reg: 2, op: "fma-pair" }, { at: [7, 3], reg: 3, op: "fma-pair" }] },
    { chunks: 4, repeat: false, steps: roundRobin(4, "fma") },
    { chunks: 2, repeat: false, steps: roundRobin(2, "fma") },
    { chunks: 1, repeat: false, steps: roundRobin(1, "fma") },
  ],
  rest: "lanes", restFused: true, combine: "pairs", fold: "hadd",
};

/** libmkl_avx2, incx or incy > 1: one xmm register; trips of 16 FMA their first two chunks of 4 and multiply
 * and add the other two; then chunks of 4 FMA'd; the n mod 4 rest FMA'd in pairs into lanes 0 and 1, a last
 * odd one into lane 0; folded (L0 + L1) + (L2 + L3) (probe with incx = 2: n = 11 lane 0 fma-chain[0..8:4, 10];
 * which chunks fuse, from every fused/unfused assignment tried on random inputs for n = 8..40). */
const avx2Strided: MklSdotAccumulation = {
  kind: "mkl-sdot", lanes: 4, registers: 1,
  loops: [
    { chunks: 4, repeat: true, steps: [0, 1, 2, 3].map((at) => ({ at, reg: 0, op: at < 2 ? "fma" : "mul-add" })) },
    { chunks: 1, repeat: true, steps: [{ at: 0, reg: 0, op: "fma" }] },
  ],
  rest: "pairs", restFused: true, combine: "pairs", fold: "hadd",
};

/** libmkl_def, libmkl_mc3, libmkl_avx with incx or incy > 1: one multiply-then-add chain from 0 (probe with
 * incx = 2, 3: chain[0..n-1]). */
const stridedChain = (path: string): DotRoute => ({ path: `${path} cblas_sdot, strided: one multiply-then-add chain`, accumulation: mulAddChain });

/** cblas_sdot on libmkl_def (what MKL runs on a non-Intel CPU). */
export const mklGenericDot = (_n: number, strided: boolean): DotRoute =>
  strided ? stridedChain("libmkl_def") : { path: "libmkl_def cblas_sdot: 4 SSE registers over 16, then 8, then 4; the rest into lane 0", accumulation: generic };

/** cblas_sdot on libmkl_mc3 (SSE4.2) and libmkl_avx. */
export const mklSseDot = (lib: "libmkl_mc3" | "libmkl_avx") => (_n: number, strided: boolean): DotRoute =>
  strided ? stridedChain(lib) : { path: `${lib} cblas_sdot: 4 SSE registers over 64·⌊n/64⌋, then one; the rest after the fold`, accumulation: sse };

/** cblas_sdot on libmkl_avx2. */
export const mklAvx2Dot = (_n: number, strided: boolean): DotRoute =>
  strided
    ? { path: "libmkl_avx2 cblas_sdot, strided: one xmm register, trips of 16 half FMA, the rest FMA'd", accumulation: avx2Strided }
    : { path: "libmkl_avx2 cblas_sdot: 4 ymm registers, fma-pairs over 64, then 32, 16, 8 FMA'd, the rest into the lanes", accumulation: avx2 };

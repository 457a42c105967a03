import type { EmulationDeclaration, GemmPlan, LibraryShape } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import type { MklAvx512Axpy8Accumulation, MklAvx512DotAccumulation, MklAvx512HornerAccumulation } from "../mkl-accumulation.js";
import { MKL_SOURCES, axpyAlphaOnA, fmaChain, quadsThenRest, quadColumnsThenRest, fusedIntoC } from "./mkl-shared.js";

// ---------------------------------------------------------------------------------------------------
// The Intel paths, which MKL runs here only with the bridge's Intel-path preload and
// MKL_ENABLE_INSTRUCTIONS (mkl-2020.4-<path>-sequential).

const avx512Quad: MklAvx512DotAccumulation = { kind: "mkl-avx512-dot", variant: "quad" };
const avx512PairFirst: MklAvx512DotAccumulation = { kind: "mkl-avx512-dot", variant: "pair-first" };
const avx512PairSecond: MklAvx512DotAccumulation = { kind: "mkl-avx512-dot", variant: "pair-second" };

/** m = 1 with transB = true: the dot kernels of MklAvx512DotAccumulation; C last (probe: 1x128x784
 * --trans-b --beta 1; the tree does not change with B's row padding, 1x4x40 and 1x2x40 with ldb = 41,
 * 42), stored as fma(α, s, fl(β·C)) (α = 2.55, β = −0.3 on the emulation's own s: NT 1x40x300 and
 * NN 40x1x300 every element; fl(α·s) + fl(β·C) 68-80%). */
const avx512M1: GemmPlan = {
  path: "libmkl_avx512, m = 1: 16-lane FMA dot kernels, rows in fours, then pairs",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", alphaFused: true },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, avx512Quad, (i) => (i % 2 === 0 ? avx512PairFirst : avx512PairSecond)),
};

/**
 * The blocked path: k-blocks of 384 with the ⌈rest/2⌉ rule (MklHalveOnceSplit "mkl-halve-ceil"), one FMA
 * chain per element and block, each block added to C in k order (probe: 64x128x784 --trans-b --beta 1
 * gives ((chain[0..383, 784] fma-chain[384..583]) fma-chain[584..783])).
 *
 * How β meets C (β ∉ {0, 1} only; the probe sees β = 1) was measured against the library with
 * β = −1.5 on whole outputs (scratch comparisons, transB = true, k ≤ 384): for row-major transB = true and
 * n < 192 with n ≤ m or n < k, the first block meets C as fma(β, C, fl(α·blk)) (64x16x100: 1,024 of
 * 1,024 elements, against 883 for fl(β·C) + blk; the edges: 64x191x207 fused, 64x192x207 not;
 * 16x49x50 fused, 16x50x50 not; 64x64x50 fused, 64x65x50 not; 100x100x20 fused, 100x101x20 not);
 * for row-major transB = false whenever m < 192 or n < 192 (α = 1.3, β = −0.3, k = 7 and 300, NN and TN:
 * 191x192 and 300x191 fused, 192x192 not; TN 39x75x7 fused, which the transB rule would not fuse);
 * otherwise C := fl(β·C) first and every block is added to it, α packed into A_lib (whole outputs with
 * α = 0.1, 1.3: TT 52x96x83 and NT 34x35x19 100%, fl(α·blk) 12-44%); with β fused, α multiplies the
 * block's sum (fma(β, C, fl(α·blk)): every call of a 100-call sweep with general α, β).
 */
function avx512Blocked(s: LibraryShape): GemmPlan {
  const fusedBeta = s.transA ? (s.M <= s.N || s.M < s.K) && s.M < 192 : s.M < 192 || s.N < 192;
  return {
    path: `libmkl_avx512, blocked gemm: kc = 384, one FMA chain per element and block${fusedBeta ? ", β fused into the first block" : ""}`,
    nc: { kind: "whole" },
    kc: { kind: "mkl-halve-ceil", size: 384 },
    mc: { kind: "whole" },
    meetC: fusedBeta ? { kind: "fma-beta-first-block" } : { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" },
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => fmaChain),
  };
}

/** m = 1 with transB = false: rows of C_lib in blocks of 16 take MklAvx512Axpy8Accumulation, the M mod 16
 * rest one FMA chain each, both starting from β·C (probe: 1x40x20 --beta 1 gives rows 0..31 the
 * groups-of-8 tree with C under product 6, rows 32..39 chain[0, 20, 1..19]; 1x24x20 the same with 16
 * rows; the profile of 1x8x12 --beta 1 marks every product fused, C first). */
const axpy8: MklAvx512Axpy8Accumulation = { kind: "mkl-avx512-axpy8" };
const avx512M1Axpy: GemmPlan = {
  path: "libmkl_avx512, m = 1, transB = false: axpy form, rows in blocks of 16",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  *tiles(ctx) {
    const m16 = ctx.mBlock - (ctx.mBlock % 16);
    if (m16 > 0) yield { r0: 0, r1: m16, s0: 0, s1: ctx.nBlock, accumulation: axpy8 };
    if (m16 < ctx.mBlock) yield { r0: m16, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation: fmaChain };
  },
};

/** Row-major n = 1 (C_lib one row): the m = 1 kernels over C_lib's columns: with transA = false the dot
 * kernels, in fours then pairs (probe: 21x1x40 --beta 1: rows 0..19 the quad tree, row 20 the first of a
 * pair); with transA = true the axpy form, columns in blocks of 16 then one FMA chain each (21x1x40
 * --trans-a --beta 1). */
const avx512N1 = (s: LibraryShape): GemmPlan => s.transB ? {
  ...avx512M1Axpy,
  path: "libmkl_avx512, n = 1, transA = true: axpy form, C's rows in blocks of 16",
  meetC: axpyAlphaOnA,
  *tiles(ctx) {
    const n16 = ctx.nBlock - (ctx.nBlock % 16);
    if (n16 > 0) yield { r0: 0, r1: ctx.mBlock, s0: 0, s1: n16, accumulation: axpy8 };
    if (n16 < ctx.nBlock) yield { r0: 0, r1: ctx.mBlock, s0: n16, s1: ctx.nBlock, accumulation: fmaChain };
  },
} : {
  ...avx512M1,
  path: "libmkl_avx512, n = 1: 16-lane FMA dot kernels over C's rows, in fours, then pairs",
  tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, avx512Quad, (i) => (i % 2 === 0 ? avx512PairFirst : avx512PairSecond)),
};

const hornerPair: MklAvx512HornerAccumulation = { kind: "mkl-avx512-horner", variant: "pair" };
const hornerOdd: MklAvx512HornerAccumulation = { kind: "mkl-avx512-horner", variant: "odd" };

/** Small m with long k (row-major 2 ≤ m < 16 and 24·m ≤ k; probe `--trans-b`: 2x4x64, 3x37x127,
 * 4x4x96, 9x4x256 and 12x4x784 take it, 3x37x65, 4x4x65, 5x4x96, 12x4x256 and 16x4x784 do not):
 * MklAvx512HornerAccumulation, op(A)'s rows in pairs, a last odd row its own kernel; C last (probe
 * with --beta 1), stored as fma(α, s, fl(β·C)) (NT 3x26x189, α = 2.55, β = −0.3: 78 of 78 elements,
 * fl(α·s) + fl(β·C) 53). */
const avx512SmallM: GemmPlan = {
  path: "libmkl_avx512, small m, long k: 16 lanes, 64-product chunks nested from the end",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", alphaFused: true },
  *tiles(ctx) {
    for (let c = 0; c < ctx.nBlock; c++) {
      yield { r0: 0, r1: ctx.mBlock, s0: c, s1: c + 1, accumulation: c % 2 === 0 && c + 1 === ctx.nBlock ? hornerOdd : hornerPair };
    }
  },
};

/**
 * MKL 2020.4's AVX-512 code path (libmkl_avx512). Not modelled: the small-m path for layouts other
 * than row-major transB = true.
 */
export const mklAvx512: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "avx512",
  description:
    "libmkl_avx512: m=1 16-lane FMA dot products (rows in fours: product 0 heads lane 0, full vectors, halving sum, then the rest in a masked pass; M mod 4 rows: two or one accumulators, product 0 added last); small m with k >= 24m 16 lanes over 64-product chunks nested from the end; otherwise k-blocks of 384 (384<rest<768 takes ceil(rest/2)) with one FMA chain each, added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-avx512-sequential (the whole default suite); the small-m path for layouts other than transB=true unverified",
  sources: MKL_SOURCES,
  plan: (s) => (s.N === 1 && s.transA ? avx512M1
    : s.N === 1 && s.M > 1 ? avx512M1Axpy
    : s.M === 1 && s.N > 1 ? avx512N1(s)
    : s.K === 1 ? fusedIntoC(s)
    : s.N < 16 && 24 * s.N <= s.K && s.M > 1 && s.transA ? avx512SmallM
    : avx512Blocked(s)),
};

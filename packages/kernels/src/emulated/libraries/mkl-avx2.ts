import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import type { MklAvx2DotAccumulation, MklAvx2PairDotAccumulation } from "../mkl-accumulation.js";
import { mklAvx2Dot } from "./mkl-sdot.js";
import { MKL_SOURCES, fmaChain, quadsThenRest, quadColumnsThenRest, fusedIntoC, fmaAxpy, fmaAxpyRow } from "./mkl-shared.js";

const avx2Quad: MklAvx2DotAccumulation = { kind: "mkl-avx2-dot", variant: "quad" };
const avx2Single: MklAvx2DotAccumulation = { kind: "mkl-avx2-dot", variant: "single" };

/** m = 1 with transB = true: MklAvx2DotAccumulation, rows in fours then single rows; C last
 * (probe: 1x5x40 --trans-b: rows 0..3 quad, row 4 single; 1x2x40 and 1x3x40: all single), stored as
 * fma(α, s, fl(β·C)) here and in avx2N1Dot (α = 2.55, β = −0.3 on the emulation's own s: NT 1x40x300 and
 * NN 40x1x300 every element; fl(α·s) + fl(β·C) 72-92%). */
const avx2M1: GemmPlan = {
  path: "libmkl_avx2, m = 1: 8-lane FMA dot kernels in 16-product chunks",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", alphaFused: true },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, avx2Quad, () => avx2Single),
};

/** Row-major n = 1 with transA = false (C_lib one row, op(B_lib)'s columns contiguous: EfficientNet's
 * squeeze-excitation products): the m = 1 dot kernels over C_lib's columns, in fours then singles; C last
 * (probe: 16x1x256, 16x1x40 and 17x1x40 --beta 1). */
const avx2N1Dot: GemmPlan = {
  path: "libmkl_avx2, n = 1: 8-lane FMA dot kernels over C's rows",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", alphaFused: true },
  tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, avx2Quad, () => avx2Single),
};

/**
 * sgemv without transA and with a strided x (incx > 1; as a gemm: M = 1, A_lib = xᵀ with lda = incx): the
 * dot kernels of avx2N1Dot over x in chunks of 512, each chunk a kernel call of its own, stored as
 * fma(α, s, fl(β·y)) for the first and fma(α, s, y) after (measured against the library, 16 rows, incx = 2:
 * the strided call equals the contiguous one up to n = 512 and differs from 513 on; every element of
 * 16x513..16x1000 and of the broad suite's strided NN gemvs matches so).
 */
const avx2GemvStridedX: GemmPlan = {
  ...avx2N1Dot,
  path: "libmkl_avx2, sgemv, transA = false, incx > 1: the n = 1 dot kernels over 512-element chunks of x",
  kc: { kind: "fixed", size: 512 },
  meetC: { kind: "fma-beta-first-block" },
  *tiles(ctx) {
    for (const t of quadColumnsThenRest(ctx.mBlock, ctx.nBlock, avx2Quad, () => avx2Single)) yield { ...t, fmaAlphaStore: true };
  },
};

/** Two alternating FMA accumulators (even k, odd k), added, the rest FMA'd on; unrolled by 4 on large
 * calls, by 2 on others (probe: fma-chain[0..38:2] and fma-chain[1..39:2] joined at the top, 64x24x40
 * --trans-b rows 16..23; see MklEvenOddAccumulation). */
const evenOddFma4: Accumulation = { kind: "mkl-even-odd", unroll: 4 };
const evenOddFma2: Accumulation = { kind: "mkl-even-odd", unroll: 2 };
/** Without FMA over 2⌊len/2⌋, the odd last product multiplied and added after: the N-edge columns
 * (probe: 7x128x40 --trans-b column 6, 32x128x16 columns 30..31; 7x16x11 and 7x16x17 for odd K). */
const evenOddMulAdd: Accumulation = { kind: "lanes", fused: false, lanes: 2, minLength: 0, reduce: "sequential", tail: "mul-add-chain" };

/**
 * The avx2 blocked path's micro-tiles, as far as measured (`--shape NxMxK --trans-b`, rows grouped by
 * tree): C_lib rows in tiles of 24 then at most one of 16 on large NT calls, of 16 on others (row-major
 * transB only, n ≥ 48 with m > 48: 64x72 has no edge, 56x372 ends 360 + 12; 48x372 ends 368 + 4,
 * 64x40 ends 32 + 8; NN 64x128x10 has no edge); up to 8 rows left after the tiles (or 12 after 24-row
 * tiles) alternate two FMA accumulators (64x60: 48 + 12, 64x66: 64 + 2, 64x76: 72 + 4, 64x8, 16x4),
 * other rests are one chain each (64x10, 16x12, 16x9, 29x204x431: 192 + 12). Columns in sixes, an edge of 1 or 2 columns alternates two
 * multiply-add accumulators (7x128, 8x10, 32x128), one of 3 columns two FMA accumulators (45x40x63); with row-major m > 48 the edge
 * columns are ordinary tiles (the suite's random shapes with m mod 6 = 1 or 3, and the TN call
 * 128x784x64, match only so).
 * Everything else is one FMA chain per element.
 */
function* avx2Tiles(M: number, N: number, big: boolean): Iterable<Tile> {
  if (big) {
    yield* avx2LargeTiles(M, N);
    return;
  }
  const nRest = N % 6, nMain = nRest >= 1 && nRest <= 3 ? N - nRest : N;
  const mMain = M - (M % 16), evenOdd = M - mMain <= 8 ? M - mMain : 0;
  if (nMain > 0) {
    if (mMain > 0) yield { r0: 0, r1: mMain, s0: 0, s1: nMain, accumulation: fmaChain };
    if (evenOdd > 0) yield { r0: mMain, r1: M, s0: 0, s1: nMain, accumulation: evenOddFma2 };
    else if (mMain < M) yield { r0: mMain, r1: M, s0: 0, s1: nMain, accumulation: fmaChain };
  }
  // The multiply-then-add edge meets C without FMA too: fl(fl(α·blk) + fl(β·C)) (β = 1.5, −0.3: NN 76x66x20
  // and TN 37x43x108 miss only on those columns with fma(β, C, ·), match with this).
  if (nMain < N) yield nRest === 3 ? { r0: 0, r1: M, s0: nMain, s1: N, accumulation: evenOddFma2 } : { r0: 0, r1: M, s0: nMain, s1: N, accumulation: evenOddMulAdd, betaUnfused: true };
}

/**
 * The large calls' micro-tiles (probe, NN and NT, 72xMx100 for M = 73..95 and 74..81xMx100 for M = 79, 100):
 * C_lib rows in tiles of 24, then at most one of 16; of the rows left, the even part alternates two FMA
 * accumulators and an odd last row is a chain (79: 72 + 6 + 1; 91: 72 + 16 + 2 + 1). Columns in fours: an
 * edge of 2 or 3 columns starts with two columns of chains over every row, and an odd last column takes the
 * alternating accumulators on every row left after the tiles, its odd last one included.
 */
function* avx2LargeTiles(M: number, N: number): Iterable<Tile> {
  let mMain = M - (M % 24);
  if (M - mMain >= 16) mMain += 16;
  const evenOdd = (M - mMain) & ~1, n4 = N - (N % 4), nPair = N - n4 >= 2 ? n4 + 2 : n4;
  if (mMain > 0) yield { r0: 0, r1: mMain, s0: 0, s1: N, accumulation: fmaChain };
  if (n4 > 0 && evenOdd > 0) yield { r0: mMain, r1: mMain + evenOdd, s0: 0, s1: n4, accumulation: evenOddFma4 };
  if (n4 > 0 && mMain + evenOdd < M) yield { r0: mMain + evenOdd, r1: M, s0: 0, s1: n4, accumulation: fmaChain };
  if (nPair > n4 && mMain < M) yield { r0: mMain, r1: M, s0: n4, s1: nPair, accumulation: fmaChain };
  if (nPair < N && mMain < M) yield { r0: mMain, r1: M, s0: nPair, s1: N, accumulation: evenOddFma4 };
}

/** Large NT calls (row-major transB = true, m > 48 and n ≥ 48) take 24-row tiles and kc = 192 (MklHalveOnceSplit
 * "mkl-whole-halve-fixed"), smaller ones 16-row tiles and kc = 256 with the ⌈rest/2⌉ rule (probe,
 * `--trans-b`: 64x64x600 and 64x128x600 give 192-blocks, 64x32x600, 32x128x600 and 16x256x600 give
 * 256, 172, 172). */
function avx2Blocked(s: LibraryShape): GemmPlan {
  // With op(B_lib) transposed (row-major transA = true) 16-row tiles and kc = 96 with the ⌈rest/2⌉ rule
  // (probe --trans-a: 19x41x530 gives 96 × 4, 73, 73; 64x72x600 gives 96 × 5, 60, 60 and ends 64 + 8).
  const big = s.transA ? s.N >= 56 && s.M >= 56 : s.N >= 72 && s.M >= 72;
  const kc = s.transB ? 96 : big ? 192 : 256;
  return {
    path: `libmkl_avx2, blocked gemm: kc = ${kc}, FMA micro-tiles of ${big ? 24 : 16} rows`,
    nc: big ? { kind: "whole" } : { kind: "mkl-halve-late", size: s.transA ? 96 : 48 },
    kc: big ? { kind: "mkl-whole-halve-fixed", whole: 256, size: 192 } : { kind: "mkl-halve-ceil", size: kc },
    mc: { kind: "whole" },
    // β = −1.5 against the library on whole outputs (scratch comparisons, one k-block): large calls
    // scale C first (64x72x50, 128x240x207: fl(β·C) + blk on every element), smaller ones fuse β into
    // the first block (16x236x207, 48x240x50: fma(β, C, blk) on every element). α: the large calls pack it
    // into A_lib (TT 88x82x360 with α = 0.1: 100% against 11% for fl(α·blk)), the others multiply each
    // block's sum by it (the fused store fma(β, C, fl(α·blk)) matched every sweep call).
    meetC: big ? { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" } : { kind: "fma-beta-first-block" },
    tiles: (ctx) => avx2Tiles(ctx.mBlock, ctx.nBlock, big),
  };
}

/**
 * Row-major NT with n = 2 or 3 and m·n ≤ 30 (library M ≤ 3, M·N ≤ 30, transA): dot kernels over the call's rows in
 * pairs, the first of a pair sixteen FMA accumulators, the second eight multiply-then-add ones, an odd last row the
 * first's without its four-lane step (MklAvx2PairDotAccumulation; probe --trans-b --beta 1: 4x2x20, 8x2x20, 4x2x40,
 * 5x2x40, 7x3x40, 2x2xK and 3x2xK for K = 2..97); then C := fma(β, C, fl(α·s)) (α = 2.5, 0.1, 1.3 with β = 0.7,
 * −0.3, −2 on whole outputs, forty draws: every element; fl(α·s) + fl(β·C) missed 1 in 500, fma(α, s, fl(β·C)) 5-17%).
 * Whole outputs against the library for m = 2..15 (n = 2) and 2..10 (n = 3), k = 2..2000: every element; m = 16
 * with n = 2 and m = 11 with n = 3 take the blocked path (which matches them).
 */
const pairDot = (row: MklAvx2PairDotAccumulation["row"]): MklAvx2PairDotAccumulation => ({ kind: "mkl-avx2-pair-dot", row });
const pairDots = { first: pairDot("first"), second: pairDot("second"), single: pairDot("single") };
const avx2SmallNt: GemmPlan = {
  path: "libmkl_avx2, row-major NT with n <= 3 and m·n <= 30: dot kernels, the call's rows in pairs (FMA, then not)",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", betaFused: true },
  *tiles(ctx) {
    for (let c = 0; c < ctx.nBlock; c++) yield { r0: 0, r1: ctx.mBlock, s0: c, s1: c + 1, accumulation: c % 2 === 1 ? pairDots.second : c + 1 < ctx.nBlock ? pairDots.first : pairDots.single, init: -0 };
  },
};

/**
 * MKL 2020.4's AVX2 code path (libmkl_avx2): m = 1 (both layouts) and the blocked path, which small m
 * takes too (the suite's 3x37xK all match); K = 1 as fusedIntoC. Not modelled: tile rests other than
 * those measured.
 */
export const mklAvx2: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "avx2",
  description:
    "libmkl_avx2: m=1 8-lane FMA dot products over 16-product chunks (rows in fours; the rest FMA'd, or for single rows first multiplied and added); m=1 transB=false one FMA chain from C; row-major NT with n <= 3 and m·n <= 30 dot kernels over the rows in pairs (16 FMA lanes, 8 multiply-add lanes); otherwise k-blocks of 192 with one FMA chain per element (edge tiles: two alternating accumulators), added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-avx2-sequential (the default suite but beta not in {0, 1} on one-column edges); NT with n <= 3, strided sgemv and n = 1 with padded strides checked on whole outputs (test/emulated/mkl-avx2-small-nt.test.ts, mkl-gemv-strided.test.ts)",
  sources: MKL_SOURCES,
  gemvPlan: (s) => (s.M === 1 && !s.transB && (s.lda ?? 1) > 1 ? avx2GemvStridedX : mklAvx2.plan(s)),
  plan: (s) => (s.M === 1 && s.N === 1 ? (s.transB ? fmaAxpyRow : avx2M1) : s.N === 1 && s.transA ? avx2M1 : s.N === 1 && s.M > 1 ? fmaAxpy
    : s.M === 1 && s.N > 1 ? (s.transB ? fmaAxpyRow : avx2N1Dot)
    : s.K === 1 ? fusedIntoC(s) : s.transA && !s.transB && s.M <= 3 && s.M * s.N <= 30 ? avx2SmallNt : avx2Blocked(s)),
  dot: mklAvx2Dot,
};

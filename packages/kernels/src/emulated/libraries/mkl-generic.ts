import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import type { MklSseAccumulation } from "../mkl-accumulation.js";
import { mklGenericDot } from "./mkl-sdot.js";
import { MKL_SOURCES, axpyAlphaOnA, fmaChain, mulAddChain, quadsThenRest, quadColumnsThenRest } from "./mkl-shared.js";

// ---------------------------------------------------------------------------------------------------
// The generic path (libmkl_def), what MKL runs on a non-Intel CPU such as this AMD Zen 5.

/**
 * m = 1: rows of A_lib in groups of four; a scalar head, then four lanes, then a scalar tail of
 * (K − lda) mod 4 products (lda: A_lib's leading dimension, the call's ldb); the head is
 * ((K' − 1) mod 4) + 1 products of the K' = K − tail before the tail (never 0), so the lanes take a
 * multiple of 4. Measured by the probe with B's rows padded (scratch wrapper around
 * `probe()`; 1x4xK --trans-b for K = 16..24, ldb = K..K+3): e.g. K = 17, ldb = 18 gives head 0..1,
 * lanes over 2..13, tail 14..16. The tree is the same for every row whatever its own alignment.
 */
export function gen1Quad(s: LibraryShape): MklSseAccumulation {
  const tail = (s.K - (s.lda ?? s.K)) & 3, kq = s.K - tail;
  return { kind: "mkl-sse", lanes: 4, step: 4, head: { fixed: kq >= 1 ? ((kq - 1) & 3) + 1 : s.K } };
}
/** m = 1, the M mod 4 rows, in pairs: the first of a pair (and a last single row) two SSE registers
 * over steps of 8 after a head of 4, the rest after the fold (probe: 1x2xK for K = 5..29). */
export const gen1PairFirst: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 4 } };
/** ... the second of a pair: one SSE register, the same steps of 8. */
export const gen1PairSecond: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 8, head: { fixed: 4 } };
/** m > 1 (dot path): head up to the 16-byte boundary of op(A)'s row, four lanes in steps of 4, the
 * rest after the fold (probe: 2x8x17 --trans-b: op(A) row 1 starts at element 17 and peels 3). */
const genDotQuad: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 4, head: "align-b" };
/** m > 1, the M mod 4 rows: two SSE registers in steps of 8 (probe: 2x2x21, 64x10x128 --trans-b). */
const genDotRest: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: "align-b" };
/** The dot paths write C := fl(α·s) (β = 0) or fl(fl(α·s) + fl(β·C)) (probe with --beta 1: C is the last leaf). */
export const genM1 = (s: LibraryShape): GemmPlan => ({
  path: "libmkl_def, m = 1 (gemv-like): 4-row SSE kernel with a k-mod-4 head, 1-2 row kernels for M mod 4",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, gen1Quad(s), (i) => (i % 2 === 0 ? gen1PairFirst : gen1PairSecond)),
});

/** m = 1 with op(B) = B (row-major transB = false, layer dX's layout): y := β·y, then y += x_p·B(p, :) for
 * p = 0, 1, …: one multiply-then-add chain per element that starts at C (probe: 1x784x128 --beta 1 gives
 * chain[0, 128, 1..127], C next to the first product; 1x8x1000 --beta 1 shows no k-blocking). */
export const genM1Axpy: GemmPlan = {
  path: "libmkl_def, m = 1, transB = false: axpy form, C first",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => ({ kind: "chain", fused: false })),
};
/** genM1Axpy over C_lib's one row (row-major n = 1 with transA = true): α on A_lib, the vector. */
export const genN1Axpy: GemmPlan = { ...genM1Axpy, path: "libmkl_def, n = 1, transA = true: axpy form, C first", meetC: axpyAlphaOnA };

/** k = 1 on the generic, SSE4.2 and AVX paths, whatever the shape and layout: C := fl(fl(β·C) + fl(fl(α·a)·b)),
 * α on the row-major call's A (B_lib): genM1Axpy's form (α = 2.5, 0.1 with β = 0.7, −0.3, against the library on
 * whole outputs of NN 20x30x1, 7x22x1, TT 64x64x1, 5x40x1, NT 4x7x1, 9x9x1, TN 6x37x1, 3x20x1: every element; α on
 * B 80-95%, on the product 83-97%). */
export const mulAddK1: GemmPlan = { ...genM1Axpy, path: "k = 1: C := fl(β·C) + fl(α·a)·b (measured)" };

/** One output (sgemv of one row, transA = false) with incx or incy > 1: for K ≥ 17 the first product alone, then eight SSE
 * lanes over 8·⌊(K − 1)/8⌋ summed in lane order, the rest after; for K ≤ 16 one chain; no FMA; then fl(α·s) + fl(β·y)
 * (probe of the gemv with x or y spread, incx = 2 or incy = 3: K = 17 (((0 1) 9) (2 10)) … (8 16); K = 40, 100 the
 * same with 33..39, 97..99 after; K = 5..16 chain). */
const genStridedDotLanes: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 1 }, fold: "sequential" };
const genStridedDot = (s: LibraryShape): GemmPlan => ({
  path: "libmkl_def, one output, strided x or y: a head of 1, eight lanes summed in order, the rest after",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => (s.K <= 16 ? mulAddChain : genStridedDotLanes)),
});

const genDot: GemmPlan = {
  path: "libmkl_def, small m > 1: per op(A) row, SSE dot products peeled to 16-byte alignment",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, genDotQuad, () => genDotRest),
};

/** k-blocks of 192 (probe: 64x128x400 → 192, 192, 16; 4x12x207 → 103, 103, 1; see MklHalveOnceSplit), each block one FMA
 * chain added to C in k order (probe with --beta 1: C joins after the first block). */
const genBlocked: GemmPlan = {
  path: "libmkl_def, blocked gemm: kc = 192, one FMA chain per element and block",
  nc: { kind: "whole" },
  kc: { kind: "mkl-halve-once", size: 192, align: 1 },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => fmaChain),
};

/** Row-major n = 1 with transA = false (C_lib one row, op(B_lib)'s columns contiguous): the m = 1 kernels
 * over C_lib's columns, the tail read from op(B_lib)'s leading dimension (probe: 16x1x40, 17x1x40 --beta 1).
 * With incx or incy > 1 (an sgemv N; A_lib's lda without transA, C_lib's ldc) the N mod 4 columns after the fours each take the
 * one-output strided kernel, genStridedDot's (probe of the gemv with x or y spread: 6x1x20 incy 3, 7x1x33 incx 2 rows
 * 4.. a head of 1 then eight lanes summed in order, 7x1x12 a chain; the fours unchanged). */
const genN1Dot = (s: LibraryShape): GemmPlan => {
  const strided = (!s.transA && (s.lda ?? 1) > 1) || (s.ldc ?? 1) > 1;
  return {
    ...genM1(s),
    path: `libmkl_def, n = 1: 4-column SSE kernel with a k-mod-4 head, ${strided ? "the strided one-output kernel" : "1-2 column kernels"} for N mod 4`,
    tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, gen1Quad({ ...s, lda: s.ldb }), (i) => (strided ? (s.K <= 16 ? mulAddChain : genStridedDotLanes) : i % 2 === 0 ? gen1PairFirst : gen1PairSecond)),
  };
};

/** Which generic path a call takes: m = 1; the blocked path for m ≥ 4 and n ≥ 12 (probe: 3x128x784 and
 * 64x11x64 are dot paths, 4x12x64 and 4x128x64 blocked); the dot path otherwise. */
export function genericPlan(s: LibraryShape): GemmPlan {
  if (s.K === 1 && s.M > 1 && s.N > 1) return mulAddK1;
  // 1x1xK with row-major transA (library transB): the n = 1 axpy form (TN, TT 1x1xK for K = 1..300 against the library).
  if (s.N === 1 && s.M === 1 && s.transB) return genN1Axpy;
  if (s.N === 1 && s.M === 1 && !s.transA && ((s.lda ?? 1) > 1 || (s.ldc ?? 1) > 1)) return genStridedDot(s);
  if (s.N === 1) return s.transA || s.M === 1 ? genM1(s) : genM1Axpy;
  if (s.M === 1) return s.transB ? genN1Axpy : genN1Dot(s);
  if (s.N >= 4 && s.M >= 12) return genBlocked;
  if (!s.transA) return genSmallAxpy(s);
  return s.transB ? genSmallChain : genDot;
}

/** Small products (not the blocked path) with op(A_lib) = A_lib (row-major NN, TN): the axpy form, one multiply-then-add
 * chain per element from β·C, α on B_lib (probe --beta 1: 2x8x20, 3x27x6, 7x4x9 NN; 2x8x20, 3x12x41 --trans-a:
 * chain[0, C, 1..]; α, β on random shapes, m 2..10). The elements before the first 16-byte boundary of each row of C
 * (the bridge hands C 64-byte aligned, so row i peels (−i·ldc) mod 4 of them, when at least four are left for the
 * vector loop; otherwise the row is all chains: 4x5x20 peels (3, 0) only) take k in groups of eight: the first four
 * added to the running value, the other four chained apart and then added; the k mod 8 rest after (probe NN 4x7xK,
 * K = 8..33: (1, 0), (2, 0..1), (3, 0..2) give (chain[0, C, 1..3] chain[4..7]) 8 9 10 11 chain[12..15] …). */
const genPeeled: Accumulation = { kind: "group-tree", group: 8, tree: "c 0 + 1 + 2 + 3 + 4 5 + 6 + 7 + +" };
const genSmallAxpy = (s: LibraryShape): GemmPlan => ({
  ...genM1Axpy,
  path: "libmkl_def, small m, transB = false: axpy form, C first, C's rows peeled to alignment",
  *tiles(ctx) {
    const ldc = s.ldc ?? ctx.mBlock;
    for (let c = 0; c < ctx.nBlock; c++) {
      const p = (4 - ((c * ldc) & 3)) & 3, peel = ctx.mBlock - p >= 4 ? p : 0;
      if (peel > 0) yield { r0: 0, r1: peel, s0: c, s1: c + 1, accumulation: genPeeled };
      if (peel < ctx.mBlock) yield { r0: peel, r1: ctx.mBlock, s0: c, s1: c + 1, accumulation: mulAddChain };
    }
  },
});
/** Small products with row-major TT: one multiply-then-add chain, then fl(α·s) + fl(β·C) (probe --trans-a --trans-b
 * --beta 1: 2x8x20, 4x7x170, 3x12x41: chain[0..k−1, C]; α, β on random shapes). */
const genSmallChain: GemmPlan = {
  path: "libmkl_def, small m, TT: one multiply-then-add chain",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => mulAddChain),
};

/**
 * MKL 2020.4's generic code path (libmkl_def), which `mkl-2020.4-auto-sequential` runs on AMD CPUs
 * whatever MKL_ENABLE_INSTRUCTIONS says.
 */
export const mklGeneric: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "generic",
  description:
    "libmkl_def: m=1 SSE dot products (rows in fours: scalar head of ((k-1) mod 4)+1 then 4 lanes folded (L0+L2)+(L1+L3); M mod 4 rows: head 4, 8 or 4 lanes in steps of 8, scalar tail); small m>1 the same with the head peeled to op(A)'s 16-byte alignment (NN/TN the axpy chain from C, the elements peeled to C's row alignment in k-groups of 8; TT one chain); m>=4, n>=12 k-blocks of 192 with one FMA chain each, added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-auto-sequential (100% of the default suite, all four layouts); small products, k = 1, 1x1xK, one-output sgemv and sdot checked on whole outputs (test/emulated/mkl-*.test.ts); sgemv of several rows with incx or incy > 1 and n = 1 gemm with padded ldb, ldc too (test/emulated/mkl-gemv-strided.test.ts); the broad suite 100% on seeds 4242, 7, 99, 20261208, 20261210 and at full scale",
  sources: MKL_SOURCES,
  plan: genericPlan,
  dot: mklGenericDot,
};

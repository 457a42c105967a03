import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import type { MklAvx2DotAccumulation, MklAvx512Axpy8Accumulation, MklAvx512DotAccumulation, MklAvx512HornerAccumulation, MklSseAccumulation } from "../mkl-accumulation.js";

/*
 * Intel MKL 2020.4 (Debian libmkl-rt, libmkl_rt.so with MKL_THREADING_LAYER=SEQUENTIAL). MKL is closed
 * source: every rule and constant below was measured by the order probe through the native bridge
 * (which hands MKL 64-byte-aligned operands), e.g.
 *   npx chimera probe --backend mkl-2020.4-auto-sequential --shape 1x10x128 --trans-b --beta 1
 * and then checked bit for bit with `npx chimera fidelity`. Shapes are in library coordinates
 * (LibraryShape: M = n, N = m of the row-major call).
 */

const MKL_SOURCES = [
  "closed source: orders measured with `chimera probe --backend mkl-2020.4-<path>-sequential` (Debian libmkl-rt 2020.4.304-4)",
];

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
function gen1Quad(s: LibraryShape): MklSseAccumulation {
  const tail = (s.K - (s.lda ?? s.K)) & 3, kq = s.K - tail;
  return { kind: "mkl-sse", lanes: 4, step: 4, head: { fixed: kq >= 1 ? ((kq - 1) & 3) + 1 : s.K } };
}
/** m = 1, the M mod 4 rows, in pairs: the first of a pair (and a last single row) two SSE registers
 * over steps of 8 after a head of 4, the rest after the fold (probe: 1x2xK for K = 5..29). */
const gen1PairFirst: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 4 } };
/** ... the second of a pair: one SSE register, the same steps of 8. */
const gen1PairSecond: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 8, head: { fixed: 4 } };
/** m > 1 (dot path): head up to the 16-byte boundary of op(A)'s row, four lanes in steps of 4, the
 * rest after the fold (probe: 2x8x17 --trans-b: op(A) row 1 starts at element 17 and peels 3). */
const genDotQuad: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 4, head: "align-b" };
/** m > 1, the M mod 4 rows: two SSE registers in steps of 8 (probe: 2x2x21, 64x10x128 --trans-b). */
const genDotRest: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: "align-b" };
/** The blocked path: one FMA chain per k-block (probe: 4x128x64, 64x128x784 --trans-b: fma-chain). */
const fmaChain: Accumulation = { kind: "chain", fused: true };

/** Rows [0, 4⌊M/4⌋) with `quad`, each remaining row with rest(i) (i = its index among them). */
function* quadsThenRest(M: number, N: number, quad: Accumulation, rest: (i: number) => Accumulation): Iterable<Tile> {
  const m4 = M - (M % 4);
  if (m4 > 0) yield { r0: 0, r1: m4, s0: 0, s1: N, accumulation: quad };
  for (let r = m4; r < M; r++) yield { r0: r, r1: r + 1, s0: 0, s1: N, accumulation: rest(r - m4) };
}

/** The dot paths write C := fl(α·s) (β = 0) or fl(fl(α·s) + fl(β·C)) (probe with --beta 1: C is the last leaf). */
const genM1 = (s: LibraryShape): GemmPlan => ({
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
const genM1Axpy: GemmPlan = {
  path: "libmkl_def, m = 1, transB = false: axpy form, C first",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => ({ kind: "chain", fused: false })),
};

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
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => fmaChain),
};

/** Row-major n = 1 with transA = false (C_lib one row, op(B_lib)'s columns contiguous): the m = 1 kernels
 * over C_lib's columns, the tail read from op(B_lib)'s leading dimension (probe: 16x1x40, 17x1x40 --beta 1). */
const genN1Dot = (s: LibraryShape): GemmPlan => ({
  ...genM1(s),
  path: "libmkl_def, n = 1: 4-column SSE kernel with a k-mod-4 head, 1-2 column kernels for N mod 4",
  tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, gen1Quad({ ...s, lda: s.ldb }), (i) => (i % 2 === 0 ? gen1PairFirst : gen1PairSecond)),
});

/** Which generic path a call takes: m = 1; the blocked path for m ≥ 4 and n ≥ 12 (probe: 3x128x784 and
 * 64x11x64 are dot paths, 4x12x64 and 4x128x64 blocked); the dot path otherwise. */
function genericPlan(s: LibraryShape): GemmPlan {
  if (s.N === 1) return s.transA || s.M === 1 ? genM1(s) : genM1Axpy;
  if (s.M === 1) return s.transB ? genM1Axpy : genN1Dot(s);
  if (s.N >= 4 && s.M >= 12) return genBlocked;
  return genDot;
}

/**
 * MKL 2020.4's generic code path (libmkl_def), which `mkl-2020.4-auto-sequential` runs on AMD CPUs
 * whatever MKL_ENABLE_INSTRUCTIONS says.
 */
export const mklGeneric: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "generic",
  description:
    "libmkl_def: m=1 SSE dot products (rows in fours: scalar head of ((k-1) mod 4)+1 then 4 lanes folded (L0+L2)+(L1+L3); M mod 4 rows: head 4, 8 or 4 lanes in steps of 8, scalar tail); small m>1 the same with the head peeled to op(A)'s 16-byte alignment; m>=4, n>=12 k-blocks of 192 with one FMA chain each, added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-auto-sequential (100% of the default suite, all four layouts); small m > 1 with transB=false or transA=true off the suite's shapes, and m=1 with transA=true and padded strides, still miss",
  sources: MKL_SOURCES,
  plan: genericPlan,
};

// ---------------------------------------------------------------------------------------------------
// The Intel paths, which MKL runs here only with the bridge's Intel-path preload and
// MKL_ENABLE_INSTRUCTIONS (mkl-2020.4-<path>-sequential).

const avx512Quad: MklAvx512DotAccumulation = { kind: "mkl-avx512-dot", variant: "quad" };
const avx512PairFirst: MklAvx512DotAccumulation = { kind: "mkl-avx512-dot", variant: "pair-first" };
const avx512PairSecond: MklAvx512DotAccumulation = { kind: "mkl-avx512-dot", variant: "pair-second" };

/** m = 1 with transB = true: the dot kernels of MklAvx512DotAccumulation; C := fl(α·s) (+ fl(β·C)), C last
 * (probe: 1x128x784 --trans-b --beta 1; the tree does not change with B's row padding, 1x4x40 and
 * 1x2x40 with ldb = 41, 42). */
const avx512M1: GemmPlan = {
  path: "libmkl_avx512, m = 1: 16-lane FMA dot kernels, rows in fours, then pairs",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, avx512Quad, (i) => (i % 2 === 0 ? avx512PairFirst : avx512PairSecond)),
};

/**
 * The blocked path: k-blocks of 384 with the ⌈rest/2⌉ rule (MklHalveOnceSplit "mkl-halve-ceil"), one FMA
 * chain per element and block, each block added to C in k order (probe: 64x128x784 --trans-b --beta 1
 * gives ((chain[0..383, 784] fma-chain[384..583]) fma-chain[584..783])).
 *
 * How β meets C (β ∉ {0, 1} only; the probe sees β = 1) was measured against the library with
 * β = −1.5 on whole outputs (scratch comparisons, transB = true, k ≤ 384): for row-major
 * n < 192 with n ≤ m or n < k, the first block meets C as fma(β, C, fl(α·blk)) (64x16x100: 1,024 of
 * 1,024 elements, against 883 for fl(β·C) + blk; the edges: 64x191x207 fused, 64x192x207 not;
 * 16x49x50 fused, 16x50x50 not; 64x64x50 fused, 64x65x50 not; 100x100x20 fused, 100x101x20 not);
 * otherwise C := fl(β·C) first and every block is added to it. Whether α is fused into later blocks
 * is unmeasured (α = 0.5, the suite's, is exact either way).
 */
function avx512Blocked(s: LibraryShape): GemmPlan {
  const fusedBeta = (s.M <= s.N || s.M < s.K) && s.M < 192;
  return {
    path: `libmkl_avx512, blocked gemm: kc = 384, one FMA chain per element and block${fusedBeta ? ", β fused into the first block" : ""}`,
    nc: { kind: "whole" },
    kc: { kind: "mkl-halve-ceil", size: 384 },
    mc: { kind: "whole" },
    meetC: fusedBeta ? { kind: "fma-beta-first-block" } : { kind: "scale-then-add-blocks", fusedAlpha: false },
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
 * with --beta 1). */
const avx512SmallM: GemmPlan = {
  path: "libmkl_avx512, small m, long k: 16 lanes, 64-product chunks nested from the end",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  *tiles(ctx) {
    for (let c = 0; c < ctx.nBlock; c++) {
      yield { r0: 0, r1: ctx.mBlock, s0: c, s1: c + 1, accumulation: c % 2 === 0 && c + 1 === ctx.nBlock ? hornerOdd : hornerPair };
    }
  },
};

/**
 * K = 1 with more than one row (library N > 1) on the avx2 and avx512 paths: the library computes
 * fma(a, b, β·C), the product fused into C (probe: 3x37x1 and 64x37x1, --trans-b or not, --beta 1 give
 * (*0 1); 1x37x1 gives (0 1), the m = 1 route). Modelled as a fused chain that starts from β·C; α ≠ 1
 * and β ∉ {0, 1} unverified.
 */
const fusedIntoC: GemmPlan = {
  path: "k = 1: C := fma(a, b, β·C) (measured)",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => ({ kind: "chain", fused: true })),
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
    : s.K === 1 ? fusedIntoC
    : s.N < 16 && 24 * s.N <= s.K && s.M > 1 && s.transA ? avx512SmallM
    : avx512Blocked(s)),
};

const avx2Quad: MklAvx2DotAccumulation = { kind: "mkl-avx2-dot", variant: "quad" };
const avx2Single: MklAvx2DotAccumulation = { kind: "mkl-avx2-dot", variant: "single" };

/** m = 1 with transB = true: MklAvx2DotAccumulation, rows in fours then single rows; C last
 * (probe: 1x5x40 --trans-b: rows 0..3 quad, row 4 single; 1x2x40 and 1x3x40: all single). */
const avx2M1: GemmPlan = {
  path: "libmkl_avx2, m = 1: 8-lane FMA dot kernels in 16-product chunks",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, avx2Quad, () => avx2Single),
};

/** Columns of C_lib [0, 4⌊N/4⌋) with `quad`, each remaining column with rest(i) (i = its index among them):
 * the dot kernels of the m = 1 paths run over C_lib's columns when C_lib is one row (row-major n = 1). */
function* quadColumnsThenRest(M: number, N: number, quad: Accumulation, rest: (i: number) => Accumulation): Iterable<Tile> {
  const n4 = N - (N % 4);
  if (n4 > 0) yield { r0: 0, r1: M, s0: 0, s1: n4, accumulation: quad };
  for (let c = n4; c < N; c++) yield { r0: 0, r1: M, s0: c, s1: c + 1, accumulation: rest(c - n4) };
}

/** Row-major n = 1 with transA = false (C_lib one row, op(B_lib)'s columns contiguous: EfficientNet's
 * squeeze-excitation products): the m = 1 dot kernels over C_lib's columns, in fours then singles; C last
 * (probe: 16x1x256, 16x1x40 and 17x1x40 --beta 1). */
const avx2N1Dot: GemmPlan = {
  path: "libmkl_avx2, n = 1: 8-lane FMA dot kernels over C's rows",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, avx2Quad, () => avx2Single),
};

/** m = 1 with transB = false: one FMA chain per element starting from β·C (the profile of 1x8x12 and
 * 1x784x12 --beta 1 marks every product fused, C first). */
const fmaAxpy: GemmPlan = {
  path: "m = 1, transB = false: axpy form, one FMA chain from C",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => fmaChain),
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
  if (nMain < N) yield { r0: 0, r1: M, s0: nMain, s1: N, accumulation: nRest === 3 ? evenOddFma2 : evenOddMulAdd };
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
    // the first block (16x236x207, 48x240x50: fma(β, C, blk) on every element).
    meetC: big ? { kind: "scale-then-add-blocks", fusedAlpha: false } : { kind: "fma-beta-first-block" },
    tiles: (ctx) => avx2Tiles(ctx.mBlock, ctx.nBlock, big),
  };
}

/**
 * MKL 2020.4's AVX2 code path (libmkl_avx2): m = 1 (both layouts) and the blocked path, which small m
 * takes too (the suite's 3x37xK all match); K = 1 as fusedIntoC. Not modelled: how β ∉ {0, 1} meets
 * one-column edges; tile rests other than those measured.
 */
export const mklAvx2: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "avx2",
  description:
    "libmkl_avx2: m=1 8-lane FMA dot products over 16-product chunks (rows in fours; the rest FMA'd, or for single rows first multiplied and added); m=1 transB=false one FMA chain from C; otherwise k-blocks of 192 with one FMA chain per element (edge tiles: two alternating accumulators), added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-avx2-sequential (the default suite but beta not in {0, 1} on one-column edges)",
  sources: MKL_SOURCES,
  plan: (s) => (s.N === 1 && s.transA ? avx2M1 : s.N === 1 && s.M > 1 ? fmaAxpy
    : s.M === 1 && s.N > 1 ? (s.transB ? fmaAxpy : avx2N1Dot)
    : s.K === 1 ? fusedIntoC : avx2Blocked(s)),
};

/** The M mod 4 rows of the SSE4.2 blocked path: four SSE lanes per k-block, no FMA, no scalar head
 * (probe: 16x13x301 --trans-b row 12: per block of 152 and 149, lanes over 4⌊len/4⌋ folded
 * (L0+L2)+(L1+L3), the rest after; with rows of op(A) off 16-byte alignment, the suite's padded NT
 * call matches only without a head). */
const sseEdge: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 4, head: { fixed: 0 } };
const mulAddChain: Accumulation = { kind: "chain", fused: false };

/** libmkl_mc3's blocked path, for row-major m ≥ 8 (probe: 8xNx40 and 8xNx300 --trans-b are blocked,
 * m ≤ 7 are not): kc = 256 (halved once below 512, aligned to 4); rows in fours, one multiply-then-add
 * chain per element and block; each block added to C (probe: 64x128x784 --trans-b --beta 1 gives
 * (((chain[0..255, 784] chain[256..511]) chain[512..767]) chain[768..783])). */
const sse42Blocked: GemmPlan = {
  path: "libmkl_mc3, blocked gemm: kc = 256, multiply-then-add chains, SSE edge rows",
  nc: { kind: "whole" },
  kc: { kind: "mkl-halve-once", size: 256, align: 4 },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => quadsThenRest(ctx.mBlock, ctx.nBlock, mulAddChain, () => sseEdge),
};

/** Small m (2..7) on the SSE4.2 path: op(A)'s rows in pairs, the first two SSE registers in steps of 8,
 * the second one register in steps of 8, a last odd row one register in steps of 4; no scalar head
 * (unaligned loads), the rest after the fold (probe: 4x12x207 --trans-b: rows 0 and 2 eight lanes over
 * 0..199, rows 1 and 3 four lanes over 0..199, then 200..206; 3x8x20: row 2 four lanes over 0..19). */
const sse42PairFirst: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 } };
const sse42PairSecond: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 8, head: { fixed: 0 } };
const sse42Single: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 4, head: { fixed: 0 } };
/** op(A)'s rows (C_lib's columns) in pairs: `first`, `second`; a last odd one C_lib's rows in fours with
 * `single`, the M mod 4 rows with `first` (probe: 3x5x20, 3x6x20, 3x7x20, 3x10x20 --trans-b). */
function* pairedColumns(M: number, N: number, first: Accumulation, second: Accumulation, single: Accumulation): Iterable<Tile> {
  const m4 = M - (M % 4);
  for (let c = 0; c < N; c++) {
    if (c % 2 === 1 || c + 1 < N) yield { r0: 0, r1: M, s0: c, s1: c + 1, accumulation: c % 2 === 1 ? second : first };
    else {
      if (m4 > 0) yield { r0: 0, r1: m4, s0: c, s1: c + 1, accumulation: single };
      if (m4 < M) yield { r0: m4, r1: M, s0: c, s1: c + 1, accumulation: first };
    }
  }
}
const sse42SmallM: GemmPlan = {
  path: "libmkl_mc3, small m: SSE dot products, op(A)'s rows in pairs",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => pairedColumns(ctx.mBlock, ctx.nBlock, sse42PairFirst, sse42PairSecond, sse42Single),
};

/**
 * MKL 2020.4's SSE4.2 code path (libmkl_mc3). m = 1 follows the generic path's kernels (the same
 * bits on the suite's batch-1 calls); small m (2..7) the pairs kernel above.
 */
export const mklSse42: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "sse42",
  description:
    "libmkl_mc3: m=1 as the generic path (SSE dot products with a scalar head); m from 2 to 7 SSE dot products with op(A)'s rows in pairs (8 and 4 lanes); m>=8 k-blocks of 256 (halved once below 512), rows in fours with one multiply-then-add chain per block, the M mod 4 rows four SSE lanes per block; each block added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-sse42-sequential (99.9996% of the default suite; NN, TN, TT padded layouts miss a few edge elements)",
  sources: MKL_SOURCES,
  plan: (s) => (s.N === 1 || s.M === 1 ? genericPlan(s) : s.N < 8 ? sse42SmallM : sse42Blocked),
};

// ---------------------------------------------------------------------------------------------------
// libmkl_avx: the SSE4.2 path's structure on 256-bit registers, no FMA.

/** m = 1, rows in fours: eight lanes in steps of 8 after a head that brings the fourth row of the four to
 * a 32-byte boundary, h = (−(4q + 3)·ldb) mod 8 for the q-th four (8 when 0; ldb: A_lib's leading
 * dimension, the call's ldb; the bridge's operands start 64-byte aligned), the rest after the fold (probe:
 * 1x4xK --trans-b for K = 17, 20, 24 with ldb = K..K+4, and 1x6xK for K = 41, 47, 49, 57: heads 5, 2, 7,
 * 4, 1 for ldb mod 8 = 1..5, 8 for 0; the later fours from 8x1x257 and 32x1x513, ldb odd). */
function avx1Quad(q: number, ld: number): MklSseAccumulation {
  const h = (8 - (((4 * q + 3) * ld) & 7)) & 7;
  return { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: h === 0 ? 8 : h } };
}
/** The fours of rows (or of columns, `byColumns`) of C_lib, each with its own head, then the pairs. */
function* avx1Quads(M: number, N: number, ld: number, byColumns: boolean): Iterable<Tile> {
  const count = byColumns ? N : M, c4 = count - (count % 4);
  const tile = (i0: number, i1: number, accumulation: Accumulation): Tile =>
    byColumns ? { r0: 0, r1: M, s0: i0, s1: i1, accumulation } : { r0: i0, r1: i1, s0: 0, s1: N, accumulation };
  for (let i = 0; i < c4; i += 4) yield tile(i, i + 4, avx1Quad(i / 4, ld));
  for (let i = c4; i < count; i++) yield tile(i, i + 1, (i - c4) % 2 === 0 ? avx1PairFirst : avx1PairSecond);
}
/** m = 1, the M mod 4 rows in pairs: head 8, then 16 lanes (first of a pair) or 8 lanes (second) in
 * steps of 16, the rest after the fold (probe: 1x6xK --trans-b, K = 17..57, rows 4 and 5). */
const avx1PairFirst: MklSseAccumulation = { kind: "mkl-sse", lanes: 16, step: 16, head: { fixed: 8 } };
const avx1PairSecond: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 16, head: { fixed: 8 } };
const avx1M1 = (s: LibraryShape): GemmPlan => ({
  path: "libmkl_avx, m = 1: 8-lane dot kernels, rows in fours aligned on row 3, then pairs",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => avx1Quads(ctx.mBlock, ctx.nBlock, s.lda ?? s.K, false),
});

/** Row-major n = 1 (C_lib one row): transA = false the m = 1 kernels over C_lib's columns, the quad head
 * read from op(B_lib)'s leading dimension (probe: 7x1x40 --beta 1: rows 0..3 and 5 eight lanes after a head
 * of 8, rows 4 and 6 sixteen); transA = true the multiply-then-add chain from C (7x1x40 --trans-a). */
const avx1N1 = (s: LibraryShape): GemmPlan => s.transB ? genM1Axpy : {
  ...avx1M1(s),
  path: "libmkl_avx, n = 1: 8-lane dot kernels over C's rows, in fours aligned on the fourth, then pairs",
  tiles: (ctx) => avx1Quads(ctx.mBlock, ctx.nBlock, s.ldb ?? s.K, true),
};

/** Small m: eight lanes, no head, summed hadd-style, the rest after (probe: 3x8x40 --trans-b). */
const avx1SmallLanes: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 }, fold: "hadd" };
const avx1SmallM: GemmPlan = {
  path: "libmkl_avx, small m: 8-lane dot products",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => avx1SmallLanes),
};

/** Small m with 31 or more columns (row-major n >= 31; 3x29x40 and 3x30x40 take the kernel above, 3x31x40 this one; the rule also depends on k and is not fully measured): SSE4.2's pairs kernel on 256-bit registers, no head, the
 * rest after the fold (probe: 3x54x40 --trans-b: row 0 sixteen lanes in steps of 16 over 0..31, row 1
 * eight lanes in steps of 16, row 2 eight lanes over 0..39 for columns 0..51 and sixteen for 52..53). */
const avx1SmallPairFirst: MklSseAccumulation = { kind: "mkl-sse", lanes: 16, step: 16, head: { fixed: 0 } };
const avx1SmallPairSecond: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 16, head: { fixed: 0 } };
const avx1SmallSingle: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 } };
const avx1SmallPairs: GemmPlan = {
  ...avx1SmallM,
  path: "libmkl_avx, small m: 8-lane dot products, op(A)'s rows in pairs",
  tiles: (ctx) => pairedColumns(ctx.mBlock, ctx.nBlock, avx1SmallPairFirst, avx1SmallPairSecond, avx1SmallSingle),
};

/** The blocked path as SSE4.2's, with rows in eights and 8-lane edge rows (probe: 64x128x784 --trans-b
 * --beta 1 gives 256-blocks with C after the first; 64x13x41 rows 0..7 a chain, rows 8..12 eight lanes
 * over 0..39, then 40). */
const avx1Edge: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 } };
function* eightsThenRest(M: number, N: number): Iterable<Tile> {
  const m8 = M - (M % 8);
  if (m8 > 0) yield { r0: 0, r1: m8, s0: 0, s1: N, accumulation: mulAddChain };
  if (m8 < M) yield { r0: m8, r1: M, s0: 0, s1: N, accumulation: avx1Edge };
}
const avx1Blocked: GemmPlan = {
  path: "libmkl_avx, blocked gemm: kc = 256, multiply-then-add chains, 8-lane edge rows",
  nc: { kind: "whole" },
  kc: { kind: "mkl-halve-once", size: 256, align: 4 },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => eightsThenRest(ctx.mBlock, ctx.nBlock),
};

/**
 * MKL 2020.4's AVX code path (libmkl_avx, no FMA). The small-m path's choice (m < 8) and the blocked
 * path's k-split are assumed to be SSE4.2's; m = 1 with transB = false is one multiply-then-add chain
 * from C, as on the generic path (the profile of 1x8x12 --beta 1).
 */
export const mklAvx: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "avx",
  description:
    "libmkl_avx: m=1 8-lane dot products (rows in fours after a head that aligns row 3 to 32 bytes; M mod 4 rows in pairs, 16 or 8 lanes after a head of 8), no FMA; small m 8 lanes summed hadd-style; m>=8 k-blocks of 256 with rows in eights as multiply-then-add chains, the rest 8 lanes",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-avx-sequential (99.23% of the default suite, every MLP layer call; the small-m kernels and some edge rows miss)",
  sources: MKL_SOURCES,
  plan: (s) => (s.N === 1 && s.transA ? avx1M1(s) : s.N === 1 && s.M > 1 ? genM1Axpy : s.M === 1 ? avx1N1(s) : s.N < 8 ? (s.M >= 31 ? avx1SmallPairs : avx1SmallM) : avx1Blocked),
};

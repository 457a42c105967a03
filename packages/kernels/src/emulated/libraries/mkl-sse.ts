import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import type { MklSseAccumulation } from "../mkl-accumulation.js";
import { genericPlan, genM1, genM1Axpy, genN1Axpy, gen1Quad, gen1PairFirst, gen1PairSecond, mulAddK1 } from "./mkl-generic.js";
import { mklSseDot } from "./mkl-sdot.js";
import { MKL_SOURCES, mulAddChain, quadsThenRest, quadColumnsThenRest, pairedColumns } from "./mkl-shared.js";

/** The M mod 4 rows of the SSE4.2 blocked path: four SSE lanes per k-block, no FMA, no scalar head
 * (probe: 16x13x301 --trans-b row 12: per block of 152 and 149, lanes over 4⌊len/4⌋ folded
 * (L0+L2)+(L1+L3), the rest after; with rows of op(A) off 16-byte alignment, the suite's padded NT
 * call matches only without a head). */
const sseEdge: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 4, head: { fixed: 0 } };

/** libmkl_mc3's blocked path, for row-major m ≥ 8 (probe: 8xNx40 and 8xNx300 --trans-b are blocked,
 * m ≤ 7 are not): kc = 256 (halved once below 512, aligned to 4); rows in fours, one multiply-then-add
 * chain per element and block; each block added to C (probe: 64x128x784 --trans-b --beta 1 gives
 * (((chain[0..255, 784] chain[256..511]) chain[512..767]) chain[768..783])). The M mod 4 rows take sseEdge but
 * in the last N mod 4 columns (the call's last m mod 4 rows), where they are the small-m pairs kernel's: one row
 * eight lanes, two rows eight then four lanes in steps of 8, three rows four lanes in steps of 8 each (probe NT
 * 17x5x44, 17x6x44, 17x7x44, 19x7x14, 17x5xK for K = 12..60). */
const sse42Blocked: GemmPlan = {
  path: "libmkl_mc3, blocked gemm: kc = 256, multiply-then-add chains, SSE edge rows",
  nc: { kind: "whole" },
  kc: { kind: "mkl-halve-once", size: 256, align: 4 },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" },
  *tiles(ctx) {
    const n4 = ctx.nBlock - (ctx.nBlock % 4), m4 = ctx.mBlock - (ctx.mBlock % 4), rest = ctx.mBlock - m4;
    if (n4 === ctx.nBlock || rest === 0) {
      yield* quadsThenRest(ctx.mBlock, ctx.nBlock, mulAddChain, () => sseEdge);
      return;
    }
    if (m4 > 0) yield { r0: 0, r1: m4, s0: 0, s1: ctx.nBlock, accumulation: mulAddChain };
    for (let r = m4; r < ctx.mBlock; r++) {
      if (n4 > 0) yield { r0: r, r1: r + 1, s0: 0, s1: n4, accumulation: sseEdge };
      yield { r0: r, r1: r + 1, s0: n4, s1: ctx.nBlock, accumulation: rest === 3 || r - m4 === 1 ? sse42PairSecond : sse42PairFirst };
    }
  },
};

/** Small m (2..7) on the SSE4.2 path: op(A)'s rows in pairs, the first two SSE registers in steps of 8,
 * the second one register in steps of 8, a last odd row one register in steps of 4; no scalar head
 * (unaligned loads), the rest after the fold (probe: 4x12x207 --trans-b: rows 0 and 2 eight lanes over
 * 0..199, rows 1 and 3 four lanes over 0..199, then 200..206; 3x8x20: row 2 four lanes over 0..19). */
const sse42PairFirst: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 } };
const sse42PairSecond: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 8, head: { fixed: 0 } };
const sse42Single: MklSseAccumulation = { kind: "mkl-sse", lanes: 4, step: 4, head: { fixed: 0 } };
const sse42SmallM: GemmPlan = {
  path: "libmkl_mc3, small m: SSE dot products, op(A)'s rows in pairs",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => pairedColumns(ctx.mBlock, ctx.nBlock, sse42PairFirst, sse42PairSecond, sse42Single),
};

/** Small m with op(A_lib) = A_lib (row-major transB = false: NN, TN): the axpy form, one multiply-then-add chain
 * per element from β·C, α on B_lib (probe --beta 1: 2x8x20, 5x8x20, 7x30x20, 3x8x300, 3x8x600 with --trans-a or
 * not, chain[0, C, 1..]; α = 0.1, 2.5 with β = −0.3, 0.7 on whole outputs of 4x115x784, 2x77x248, 3x37x40, 7x20x100). */
const sse42SmallAxpy: GemmPlan = { ...genM1Axpy, path: "libmkl_mc3, small m, transB = false: axpy form, C first" };
/** Small m, row-major TT: k in groups of four summed ((p0 + p1) + (p2 + p3)) and chained, the k mod 4 rest added
 * after, C last (probe --trans-a --trans-b --beta 1: 3x8x20, 3x23x5..8, 3x11x8, 3x2x11). */
const sse42SmallGroups: GemmPlan = {
  ...sse42SmallM,
  path: "libmkl_mc3, small m, TT: groups of four products, pairwise, chained",
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => ({ kind: "group-tree", group: 4, tree: "c 0 1 + 2 3 + + +" })),
};
/** ... except that with row-major m, n ≤ 10, k ≤ 10 and α = β = 1 it is one multiply-then-add chain from C (probe
 * 3x5x2..9, 3x10x10, 7x10x9 --beta 1: chain[0, C, 1..]; 3x11x8, 3x10x11 the groups; NT and TT m x {2, 3} x {4, 7, 10}
 * against the library: the chain for m = 7..10, the groups or pairs from m = 11). With other α, β those
 * calls take the groups (α = 2.5, β = 0.7 on whole outputs of 7x7x8, 4x9x5, 5x3x9, 6x4x10: every element; one
 * chain summed then α, β 73-97%). */
const sse42Tiny = (s: LibraryShape): boolean => s.alpha === 1 && s.beta === 1 && s.M <= 10 && s.N <= 10 && s.K <= 10;
const sse42TinyChain: GemmPlan = { ...genM1Axpy, path: "libmkl_mc3, small m, n, k <= 10, alpha = beta = 1: one chain from C" };
/** Row-major m < 8, or n = 2, 3 whatever m (whole outputs of random NN, NT, TN, TT m = 8..107 with n = 2, 3: 60/60 calls
 * per layout, 12-60% of elements on the blocked path; probe NT 11x2x40: rows in pairs, eight lanes then four, the last
 * row eight), on libmkl_mc3: NT the pairs kernel, NN and TN the axpy chain, TT the groups of four; NT and TT
 * with n, k <= 10 and α = β = 1 the chain from C (NT 3x5x6, 7x10x9, 4x9x5, 7x7x8, 6x4x10 with β = 1 matched only so). */
function sse42Small(s: LibraryShape): GemmPlan {
  if (!s.transA) return sse42SmallAxpy;
  if (sse42Tiny(s)) return sse42TinyChain;
  return s.transB ? sse42SmallGroups : sse42SmallM;
}

/**
 * The rows of an sgemv N (C_lib's columns, the call's rows) after the fours, on libmkl_mc3 (w = 4) and libmkl_avx (w = 8):
 * with x and y contiguous in pairs, the first of a pair and a last odd row `first`, the second `second`, after a head
 * of w; with incy > 1 (C_lib's ldc) every row alone with `first`; with incx > 1 (A_lib's lda without transA) the head brings the row
 * of the call's A that the kernel ends on (a pair's second row, a row alone its own) to a 4w-byte boundary, w when
 * there already (probe of the gemv with x or y spread, 6, 7 and 10 rows of K = 20..28, 40..48: SSE4.2 K = 45 incx 2
 * rows 4, 5 head 3, row 6 alone head 2; incy 3 rows 4, 5 both eight lanes after 4; incx 2 and incy 3 heads 4, 3).
 */
function n1Rest(s: LibraryShape, w: 4 | 8, first: MklSseAccumulation, second: MklSseAccumulation): (i: number, count: number) => Accumulation {
  const alone = (s.ldc ?? 1) > 1, ld = s.ldb ?? s.K;
  return (i, count) => {
    const c = count - (count % 4) + i, single = alone || (i % 2 === 0 && c + 1 === count);
    const acc = single || i % 2 === 0 ? first : second;
    if (s.transA || (s.lda ?? 1) <= 1) return acc;
    const h = (w - (((single || i % 2 === 1 ? c : c + 1) * ld) % w)) % w;
    return { ...acc, head: { fixed: h === 0 ? w : h } };
  };
}
/** libmkl_mc3's n = 1 dot kernels (row-major n = 1 without transA, an sgemv N): the generic path's fours, then n1Rest. */
const sse42N1Dot = (s: LibraryShape): GemmPlan => {
  const base = genericPlan(s), rest = n1Rest(s, 4, gen1PairFirst, gen1PairSecond);
  return { ...base, path: `${base.path}; libmkl_mc3's rows after the fours`, tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, gen1Quad({ ...s, lda: s.ldb }), (i) => rest(i, ctx.nBlock)) };
};

/* Where the blocked path would run (row-major m, n >= 8), k = 2, 3 with row-major NN or TN takes the k = 1 axpy form instead,
 * on both paths (probe NN 60x9x2, 60x9x3 --beta 1: ((0 C) 1), chain[0, C, 1..2]; 4..7 the blocked chain then C; random
 * m = 50..150, n = 2..61, k = 2..7 in all four layouts on sse42: 62/80 -> 72/80 calls, NN and TN 60/60 each). NT and TT there are the blocked chain,
 * C after, but with general α, β not yet matched. */

/**
 * MKL 2020.4's SSE4.2 code path (libmkl_mc3). m = 1 follows the generic path's kernels (the same
 * bits on the suite's batch-1 calls); small m (2..7) the pairs kernel above.
 */
export const mklSse42: EmulationDeclaration = {
  library: "mkl",
  version: "2020.4",
  variant: "sse42",
  description:
    "libmkl_mc3: m=1 as the generic path (SSE dot products with a scalar head); m from 2 to 7 (and n = 2, 3 whatever m): NT SSE dot products with op(A)'s rows in pairs (8 and 4 lanes), NN/TN the axpy chain from C, TT groups of four products summed pairwise and chained; m>=8 k-blocks of 256 (halved once below 512), rows in fours with one multiply-then-add chain per block, the M mod 4 rows four SSE lanes per block (in the last N mod 4 columns the pairs kernel's lanes); each block added to C",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-sse42-sequential (100% of the default suite; the broad suite 100% on seeds 4242, 7, 99, 20261208, 20261210, at full scale less TN 915x714x661 beta 1); small m in every layout, k = 1, one-output and strided sgemv, n = 1 with padded strides and sdot checked on whole outputs (test/emulated/mkl-*.test.ts)",
  sources: MKL_SOURCES,
  // One output with transA = false: the generic m = 1 kernels whatever the strides (libmkl_def's strided gemv kernel is its own).
  plan: (s) => (s.M === 1 && s.N === 1 && !s.transA && !s.transB ? genM1(s) : s.M === 1 && s.N > 1 && !s.transB ? sse42N1Dot(s) : s.N === 1 || s.M === 1 || s.K === 1 ? genericPlan(s) : s.N < 8 || s.M <= 3 ? sse42Small(s) : s.K <= 3 && !s.transA ? mulAddK1 : sse42Blocked),
  dot: mklSseDot("libmkl_mc3"),
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
/** The fours of rows (or of columns, `byColumns`) of C_lib, each with its own head, then the pairs (`rest(i, count)`
 * for the i-th row or column after the fours, when given). */
function* avx1Quads(M: number, N: number, ld: number, byColumns: boolean, rest?: (i: number, count: number) => Accumulation): Iterable<Tile> {
  const count = byColumns ? N : M, c4 = count - (count % 4);
  const tile = (i0: number, i1: number, accumulation: Accumulation): Tile =>
    byColumns ? { r0: 0, r1: M, s0: i0, s1: i1, accumulation } : { r0: i0, r1: i1, s0: 0, s1: N, accumulation };
  for (let i = 0; i < c4; i += 4) yield tile(i, i + 4, avx1Quad(i / 4, ld));
  for (let i = c4; i < count; i++) yield tile(i, i + 1, rest ? rest(i - c4, count) : (i - c4) % 2 === 0 ? avx1PairFirst : avx1PairSecond);
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
 * of 8, rows 4 and 6 sixteen); the rows after the fours as n1Rest says (strided x or y); transA = true the
 * multiply-then-add chain from C (7x1x40 --trans-a). */
const avx1N1 = (s: LibraryShape): GemmPlan => s.transB ? genN1Axpy : {
  ...avx1M1(s),
  path: "libmkl_avx, n = 1: 8-lane dot kernels over C's rows, in fours aligned on the fourth, then pairs",
  tiles: (ctx) => avx1Quads(ctx.mBlock, ctx.nBlock, s.ldb ?? s.K, true, n1Rest(s, 8, avx1PairFirst, avx1PairSecond)),
};

/** Small m: eight lanes, no head, summed hadd-style, the rest after (probe: 3x8x40 --trans-b). */
const avx1SmallLanes: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 }, fold: "hadd", rest: "lanes" };
const avx1SmallM: GemmPlan = {
  path: "libmkl_avx, small m: 8-lane dot products",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => avx1SmallLanes),
};

/** Small m with more than 8 columns (row-major n > 8; the real choice also depends on k: 3x29x40 takes the kernel above, 3x31x40 and 3x16x300 this one; not fully measured): SSE4.2's pairs kernel on 256-bit registers, no head, the
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
 * over 0..39, then 40); an edge row's k-block with more than 4 products after its steps of 8 puts them in the
 * lanes before the fold, with 4 or fewer adds them after (probe NT 16x9xK, K = 201..213, and 16x9x435's
 * second block). */
const avx1Edge: MklSseAccumulation = { kind: "mkl-sse", lanes: 8, step: 8, head: { fixed: 0 }, rest: "lanes-over-4" };
function* eightsThenRest(M: number, N: number): Iterable<Tile> {
  const m8 = M - (M % 8), rest = M - m8, n4 = N - (N % 4);
  if (m8 > 0) yield { r0: 0, r1: m8, s0: 0, s1: N, accumulation: mulAddChain };
  if (rest === 0) return;
  if (rest > 3 || n4 === N) {
    yield { r0: m8, r1: M, s0: 0, s1: N, accumulation: avx1Edge };
    return;
  }
  // One to three edge rows: in the last N mod 4 columns SSE4.2's rule on 256-bit registers (probe NT 18x9x300, 18x10x300,
  // 18x11x300: one row sixteen lanes in steps of 16, two rows sixteen then eight, three rows eight each).
  for (let r = m8; r < M; r++) {
    if (n4 > 0) yield { r0: r, r1: r + 1, s0: 0, s1: n4, accumulation: avx1Edge };
    yield { r0: r, r1: r + 1, s0: n4, s1: N, accumulation: rest === 3 || r - m8 === 1 ? avx1SmallPairSecond : avx1SmallPairFirst };
  }
}
const avx1Blocked: GemmPlan = {
  path: "libmkl_avx, blocked gemm: kc = 256, multiply-then-add chains, 8-lane edge rows",
  nc: { kind: "whole" },
  kc: { kind: "mkl-halve-once", size: 256, align: 4 },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" },
  tiles: (ctx) => eightsThenRest(ctx.mBlock, ctx.nBlock),
};

const avx1EvenOdd: Accumulation = { kind: "lanes", fused: false, lanes: 2, minLength: 0, reduce: "sequential", tail: "mul-add-chain" };
/** Small m with op(A_lib) = A_lib (row-major NN, TN) and row-major n ≤ 50, k ≤ 128: dot products, C_lib's
 * columns (the call's rows) in fours one multiply-then-add chain each, the rest two alternating accumulators
 * (even, odd k) added, an odd last product after; C last (probe --beta 1, NN and TN: 5x8x20, 7x30x20, 7x48x20
 * rows 0..3 chain[0..20], rows 4.. ((chain[0..18:2] chain[1..19:2]) 20); 3x49x20, 3x50x128, 3x40x41 pairs). */
const avx1SmallDot: GemmPlan = {
  ...avx1SmallM,
  path: "libmkl_avx, small m, transB = false: rows in fours one chain, the rest even/odd pairs",
  tiles: (ctx) => quadColumnsThenRest(ctx.mBlock, ctx.nBlock, mulAddChain, () => avx1EvenOdd),
};
/** ... with n > 50 or k > 128 the axpy form, one chain from β·C, α on B_lib (3x51x20, 3x64x128, 3x8x129, 7x30x129:
 * chain[0, C, 1..]). α, β (0.1 and −0.3, 2.5 and 0.7) on whole outputs of random shapes, as SSE4.2's. */
const avx1SmallAxpy: GemmPlan = { ...genM1Axpy, path: "libmkl_avx, small m, transB = false: axpy form, C first" };
/** ... but TN with row-major m ≥ 50 and k ≥ 130 puts α on A_lib (TN 50x6x130, 60x6x130, 54x6x298, 73x3x247 with
 * α = 0.1, β = −0.3: every element; α on B_lib 58-64%; TN 50x6x129, 49x6x600, 200x6x100 the other way round). */
const avx1SmallAxpyOnA: GemmPlan = { ...avx1SmallAxpy, meetC: { kind: "accumulate-into-c", alphaOnA: true } };
/** Small m, row-major TT: n ≤ 30 and k ≤ 128 one multiply-then-add chain, C last (3x30x20, 3x8x128, 7x25x20, 3x5x6);
 * otherwise SSE4.2's groups of four (3x31x20, 3x40x20, 3x8x129, 3x40x41, 4x32x5). */
const avx1SmallTT = (s: LibraryShape): GemmPlan => avx1SmallKernels(s)
  ? { ...avx1SmallM, path: "libmkl_avx, small m, TT: one chain", tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => mulAddChain) }
  : sse42SmallGroups;
/** Whether row-major NT and TT take the small kernels (8 lanes, one chain): n ≤ 30 and k ≤ 128, or k ≤ 4 with
 * m ≤ 4 (probe --beta 1, k = 4: 3x37, 4x37, 3x64, 3x200, 4x32 NT eight lanes, TT a chain; 5x37..7x37, 7x40 NT
 * the pairs kernel's chain, TT the groups). */
const avx1SmallKernels = (s: LibraryShape): boolean => (Math.max(s.M, s.N) <= 30 && s.K <= 128) || (s.K <= 4 && s.N <= 4);
/** Larger m takes the same kernels while k ≤ 128 and n ≤ 50 (NN, TN) or ≤ 30 (NT, TT) (probe --beta 1: 20x13x30 NN
 * and TT one chain per element, NT eight lanes with the rest in the lanes; 20x13x300 blocked), and so does
 * row-major n < 8 whatever m (90x5x120 TN the axpy chain, 95x6x65 NT the pairs kernel; whole outputs of random
 * shapes m 8..107, n 2..7). The thresholds compare the larger of m and n. */
const avx1SmallAnyM = (s: LibraryShape): boolean => s.K <= 128 && Math.max(s.M, s.N) <= (s.transA ? 30 : 50);
/** Row-major m < 8 on libmkl_avx (k > 1). */
function avx1Small(s: LibraryShape): GemmPlan {
  if (!s.transA) return Math.max(s.M, s.N) <= 50 && s.K <= 128 ? avx1SmallDot : s.transB && s.N >= 50 && s.K >= 130 ? avx1SmallAxpyOnA : avx1SmallAxpy;
  if (s.transB) return avx1SmallTT(s);
  return avx1SmallKernels(s) ? avx1SmallM : avx1SmallPairs;
}

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
    "libmkl_avx: m=1 8-lane dot products (rows in fours after a head that aligns row 3 to 32 bytes; M mod 4 rows in pairs, 16 or 8 lanes after a head of 8), no FMA; small products (k <= 128, m, n <= 50 or 30 by layout) NN/TN rows in fours one chain and the rest even/odd pairs, NT 8 lanes summed hadd-style with the rest in the lanes, TT one chain; otherwise NN/TN the axpy chain from C, NT the pairs kernel, TT groups of four; m>=8 k-blocks of 256 with rows in eights as multiply-then-add chains, the rest 8 lanes (more than 4 leftover products in the lanes; in the last N mod 4 columns the pairs kernel's 16 or 8 lanes)",
  verified: "measured by the order probe and checked with chimera fidelity against mkl-2020.4-avx-sequential (100% of the default suite; the broad suite 100% on seeds 7, 99, 20261208, 20261210, 99.9995% on 4242 and 99.9991% at full scale: a few blocked-path elements); small m in every layout (and m >= 8 while k <= 128 and m, n <= 50 or 30), k = 1, one-output and strided sgemv, n = 1 with padded strides and sdot checked on whole outputs (test/emulated/mkl-*.test.ts)",
  sources: MKL_SOURCES,
  plan: (s) => (s.K === 1 && s.M > 1 && s.N > 1 ? mulAddK1 : s.M === 1 && s.N === 1 && s.transB ? genN1Axpy : s.N === 1 && s.transA ? avx1M1(s) : s.N === 1 && s.M > 1 ? genM1Axpy : s.M === 1 ? avx1N1(s) : s.N < 8 || s.M < 8 || avx1SmallAnyM(s) ? avx1Small(s) : s.K <= 3 && !s.transA ? mulAddK1 : avx1Blocked),
  dot: mklSseDot("libmkl_avx"),
};

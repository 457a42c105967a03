import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import { atlasDot, atlasGemvPlan } from "./atlas-level12.js";
import { atlasTiles, chain, cleanup, CLEANUP, fullTile, NB, paddedK, padsK, partialTile } from "./atlas-tiles.js";

/**
 * ATLAS 3.10.3 as Debian's libatlas3-base ships it (atlas/libblas.so.3.10.3, the generic x86-64 build:
 * SSE2, no FMA). Everything here was MEASURED with the order probe and the native bridge on this
 * machine; the generated kernels and the tuned crossovers are build products that no source file
 * states. What the ATLAS sources do say (src/blas/gemm/ATL_gemmXX.c): a call goes either to a
 * no-copy driver (ATL_NCmm*) or to a copy driver (ATL_mmJIK / ATL_mmIJK / ATL_mmJITcp) that packs
 * MB×KB and KB×NB blocks and writes C at the end; the choice depends on M·N against a tuned
 * crossover divided by K (DOCOPY); and K may be cut by the CacheEdge.
 */

/** The copy driver runs only for K ≥ 576 = 12·NB (measured: K = 575 no-copy, 576 copy, for 200×200,
 *  128×1 and every transpose pair). */
const COPY_MIN_K = 576;
/** Copy iff M·N ≥ ⌊X / K⌋ (ATL_gemmXX.c's DOCOPY test, K > 3·NB, M, N ≤ 3·NB); X measured by bisection
 *  on K at six M×N pairs: library TRANSA = 'T' (the row-major call's transB, nn.Linear's layout)
 *  69113 ≤ X < 69135, 'N' 23035 ≤ X < 23052. Taken as 1440·NB and 480·NB; applied to every regime (only
 *  the M, N ≤ 3·NB one was bisected; 200×200 copies from K = 576 as this predicts). */
const COPY_X = { transA: 69120, noTransA: 23040 } as const;

/** The CacheEdge K cut CE_maxK = 56·KB = 2688 (measured: 3x37x4095 reads (chain[0..2687] + C) +
 *  chain[2688..4094]; 128x64 and 200x200 copy calls first cut at K = 2689, every transpose pair). */
const CE_K = 2688;

const blocks = { kind: "fixed", size: NB } as const;

/** The copy driver: tiles computed into a work block from +0, C := β·C, then C += W (C is the last leaf
 *  of every probed tree), α multiplied into the operand it copies (alphaCopied). K beyond the CacheEdge is
 *  cut in chunks of CE_K (ATL_gemmXX.c's Kp loop, bet = ONE after the first); a chunk of fewer than 12 KB
 *  blocks (ATL_mmJIK.c: nKb < 12, putblk = NULL) runs its kernels on C itself (measured: 1020x287x3046,
 *  565x516x2695 β = 1, 666x293x2868: the 358-, 7- and 180-long last chunks start from C). */
function copyPlan(s: LibraryShape): GemmPlan {
  if (jitCopies(s)) return jitPlan(s);
  if (bppCopies(s)) return bppPlan(s);
  const full = fullTile(s.K);
  return {
    path: "ATL_sgemm → copy driver (ATL_mmJIK/IJK/JITcp), NB = 48",
    nc: blocks, kc: { kind: "fixed", size: CE_K }, mc: blocks,
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: alphaCopied(s), inPlaceBelow: COPY_MIN_K },
    tiles: (ctx) => atlasTiles(ctx.mBlock, ctx.nBlock, full, (rows, row) => cleanup(CLEANUP[rows] ?? "chain", row), partialTile),
  };
}

/**
 * ATL_gemmXX.c runs ATL_mmJITcp when M ≤ MB or N ≤ NB and K/16 > 3·NB (K ≥ 2320), unless both M ≤ MB and
 * N ≤ NB and not both = NB (ATL_mmBPP, not modelled): it copies A_lib and B_lib block by block just in time and runs the
 * kernels on C itself, from β·C (each CacheEdge chunk continuing), α going into B_lib's copy (measured:
 * 1x128x3000, 100x30x2500, 40x128x2400, 200x40x3000 with α ∈ {1, 1.3, −0.7}, β ∈ {0, 1, 1.5}).
 */
function jitCopies(s: LibraryShape): boolean {
  return (s.M <= NB || s.N <= NB) && s.K >> 4 > 3 * NB && !bppCopies(s);
}

/** ATL_mmJITcp hands M, N ≤ 48 (not both 48) to ATL_mmBPP. */
function bppCopies(s: LibraryShape): boolean {
  return s.M <= NB && s.N <= NB && (s.M !== NB || s.N !== NB) && s.K >> 4 > 3 * NB;
}

/** ATL_mmBPP pads M to MB when M + ATL_mmMU ≥ MB, N to NB when N + ATL_mmNU ≥ NB (zeros), so that the
 *  full or one-sided cleanup kernel runs: MU = 6, NU = 1 here (measured: 20 x {36..47} and {42..47} x 20
 *  at K = 2400, the pads switching at 42 rows and 47 columns). */
const BPP_MU = 6, BPP_NU = 1;

/**
 * ATL_mmBPP.c: the (padded) tile computed into a work block from 0 per CacheEdge chunk, then geadd,
 * C := α·W + β·C (β = 1 after the first chunk). Measured: 20x20x3000, 30x40x2500, 48x20 and 20x48 at 2400,
 * 10x10x2400 with α ∈ {1, 1.3, −0.7}, β ∈ {0, 1, 1.5}. Its zero-padded K cleanup (K mod 48 ≥ 44) is not modelled.
 */
function bppPlan(s: LibraryShape): GemmPlan {
  const full = fullTile(s.K);
  const padded = (len: number, u: number) => (len < NB && len + u >= NB ? NB : len);
  return {
    path: "ATL_sgemm → ATL_mmJITcp → ATL_mmBPP (work block, then geadd), NB = 48",
    nc: blocks, kc: { kind: "fixed", size: CE_K }, mc: blocks,
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
    tiles: (ctx) => {
      const tiles = atlasTiles(padded(ctx.mBlock, BPP_MU), padded(ctx.nBlock, BPP_NU), full, (rows, row) => cleanup(CLEANUP[rows] ?? "chain", row), partialTile);
      return [...kPadded(tiles, ctx.kBlock)].filter((t) => t.r0 < ctx.mBlock).map((t) => ({ ...t, r1: Math.min(t.r1, ctx.mBlock), s1: Math.min(t.s1, ctx.nBlock) }));
    },
  };
}

function jitPlan(s: LibraryShape): GemmPlan {
  return {
    path: "ATL_sgemm → ATL_mmJITcp (just-in-time copies, kernels on C), NB = 48",
    nc: blocks, kc: { kind: "fixed", size: CE_K }, mc: blocks,
    meetC: { kind: "accumulate-into-c" },
    // β meets the kernels of the first CacheEdge chunk only (bet = ONE after it).
    tiles: (ctx) => kPadded(atlasTiles(ctx.mBlock, ctx.nBlock, fullTile(ctx.kBlock), (rows, row) => cleanup(CLEANUP[rows] ?? "chain", row, ctx.pc === 0 && s.beta !== 0 && s.beta !== 1), partialTile), ctx.kBlock),
  };
}

/** ATL_mmK's K cleanup in ATL_mmJITcp and ATL_mmBPP: a CacheEdge chunk whose K mod 48 rest kr has
 *  kr + 4 ≥ 48 runs it as one more zero-padded 48-long block through each tile's own kernel (paddedK);
 *  a shorter rest goes to the K-cleanup kernels, as in the other drivers. */
function* kPadded(tiles: Iterable<Tile>, kBlock: number): Iterable<Tile> {
  const pad = padsK(kBlock);
  for (const t of tiles) yield pad ? { ...t, accumulation: paddedK(t.accumulation) } : t;
}

/** K < 576 with DOCOPY true: the copy driver's kernels run on C in place, every element starting from β·C
 *  (its trees read chain[0, C, 1..] or (block + C): the first term then C, the same bits as C first). Full
 *  tiles as in the copy driver; a tile partial in M runs the cleanup kernel of its row count (CLEANUP), one
 *  partial in N the blocked cleanup (measured: 48 x r x {60, 98, 100} switches exactly where DOCOPY does,
 *  for all four pairs; and 64x10x128, 48x52x128, 48x84x231, 21x100x103, 52x52x128, row-major shapes). */
function noCopyPlan(s: LibraryShape): GemmPlan {
  const betaX = s.beta !== 0 && s.beta !== 1;
  const full = fullTile(s.K), mPartial = (rows: number, row: number): Accumulation => cleanup(CLEANUP[rows] ?? "chain", row, betaX);
  return {
    path: "ATL_sgemm → copy driver's kernels on C in place (K < 576), NB = 48",
    nc: blocks, kc: { kind: "whole" }, mc: blocks,
    meetC: { kind: "accumulate-into-c", alphaOnA: alphaCopied(s) === "A" },
    tiles: (ctx) => atlasTiles(ctx.mBlock, ctx.nBlock, full, mPartial, partialTile),
  };
}

/**
 * Which operand the copy driver scales by α as it copies it (col2blk_aX / row2blkT_aX): ATL_gemmXX.c runs
 * ATL_mmJIK (A_lib copied once, with α) when N ≥ M or (K ≤ 2·KB, M > MB, N > NB), else ATL_mmIJK (B_lib
 * copied with α). Measured: 64x128x700 and 60x60x100 scale A_lib, 53x10x660 (M > N) B_lib.
 */
function alphaCopied(s: LibraryShape): "A" | "B" {
  return s.N >= s.M || (s.K <= 2 * NB && s.M > NB && s.N > NB) ? "A" : "B";
}

function copies(s: LibraryShape): boolean {
  return s.K >= COPY_MIN_K && doCopy(s);
}

/**
 * ATL_gemmXX.c's DOCOPY test, M·N ≥ ⌊X/K⌋, with X per regime and transpose pair, bisected on this build
 * with α = 0.5 (where a false DOCOPY shows: the no-copy driver then adds β·C after the scaled sum):
 * K ≤ 3·NB: NN [134460, 134880), TN [43100, 43320), NT [69100, 69360), TT [105900, 106100);
 * K > 3·NB with M, N ≤ 3·NB: COPY_X; with N ≤ 3·NB < M: NN, TN, TT [106000, 106080) (N = 1 and 2, K = 160,
 * 200, 236, 600), NT < 23360 (taken as 23040); M > 3·NB: ≤ 150000 (taken as COPY_X).
 */
function doCopy(s: LibraryShape): boolean {
  const pair = `${s.transA ? "T" : "N"}${s.transB ? "T" : "N"}`;
  const small = 3 * NB;
  let X: number;
  if (s.K <= small) X = ({ NN: 134640, TN: 43200, NT: 69180, TT: 106000 } as Record<string, number>)[pair]!;
  else if (s.N <= small && s.M > small) X = pair === "NT" ? COPY_X.noTransA : 106000;
  else X = s.transA ? COPY_X.transA : COPY_X.noTransA;
  return s.M * s.N >= Math.floor(X / s.K);
}

/** The no-copy kernels' KB (this build's NCNB): the aX_bX kernels run K in blocks of 36 (measured: α = 1.5
 *  on 30x1xK, K = 37..107 and 20x30x80, 47x47x40, every transpose pair: chain blocks 36, 36, …, the rest). */
const NC_KB = 36;
/** ATL_NCmmJIK.c's ATL_MaxMMalpha: with ⌊K/KB⌋ ≥ 3 the no-copy driver handles α ≠ 1 through a temporary C
 *  (measured: 30x1x107 the aX kernels, 30x1x108 one sum). */
const MAX_MM_ALPHA = 3;

/**
 * DOCOPY false: the no-copy driver ATL_NCmmJIK / ATL_NCmmIJK. Its kernels run on C in place, every element
 * one chain over k from β·C, whatever its tile (measured at α = 1: 48x48xK for K = 4..56 and 80x80x20 read
 * chain[0, C, 1..]; 48 x r x {60, 98, 100} partial tiles). With α ≠ 1, when ⌊K/NC_KB⌋ ≥ ATL_MaxMMalpha or
 * |α| < max(|β|, 1), ATL_NCmm*_c: the kernels from +0 into a temporary, then C := α·s + β·C; otherwise the
 * aX_bX kernels on C, one call per NC_KB block of k, each C := α·(its sum started from (β'/α)·C)
 * (measured on 43x44x14 with α = 1.3: β ∈ {1, 0.7, -1} the kernels, β = 2 the temporary).
 */
function ncPlan(s: LibraryShape): GemmPlan {
  const one = (accumulation: Accumulation) => (ctx: { mBlock: number; nBlock: number }) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation }];
  const base = { nc: { kind: "whole" }, mc: { kind: "whole" }, tiles: one(chain) } as const;
  if (s.alpha === 1) return { ...base, path: "ATL_sgemm → no-copy driver (ATL_NCmm*), kernels on C", kc: { kind: "whole" }, meetC: { kind: "accumulate-into-c" } };
  // ATL_gemmXX.c: K ≤ 4 with M > 40 goes to ATL_mmJKI, axpys into β·C: α·B_lib's element per axpy
  // (ATL_mm_axpy), or with TRANSA = 'T' A_lib copied with α (ATL_cpsc) first (measured: NN and NT, K = 1..4,
  // M = 41..120, α ∈ {1.3, −3.91}, β ∈ {0, 1, 1.5, −0.3}).
  if (s.K <= 4 && s.M > 40) return { ...base, path: "ATL_sgemm → ATL_mmJKI (axpys into β·C)", kc: { kind: "whole" }, meetC: { kind: "accumulate-into-c", alphaOnA: s.transA } };
  const inKernels = Math.floor(s.K / NC_KB) < MAX_MM_ALPHA && Math.abs(s.alpha) >= Math.max(Math.abs(s.beta), 1);
  if (inKernels) return { ...base, path: "ATL_sgemm → no-copy driver (ATL_NCmm*, α ≠ 1: aX_bX kernels per k-block of 36)", kc: { kind: "fixed", size: NC_KB }, meetC: { kind: "accumulate-into-c", alphaPerBlock: true } };
  const path = "ATL_sgemm → no-copy driver (ATL_NCmm*_c, α ≠ 1: C after the scaled sum)";
  // ATL_gemmXX.c's CacheEdge loop cuts K for the no-copy driver too: each chunk C := α·s + β'·C, β' = 1 after
  // the first (measured: 1x10x4000 α = 1.3, every element missed as one sum). The driver's test is made per
  // chunk: a last chunk of fewer than 3 blocks with |α| ≥ 1 = max(|β'|, 1) goes to the aX_bX kernels, block
  // by block (measured: 3x1x2700 and its neighbours, last chunks of 1..400, α ∈ {1.3, −2, 0.7}).
  if (s.K > CE_K) {
    const last = s.K % CE_K, aX = last > 0 && Math.floor(last / NC_KB) < MAX_MM_ALPHA && Math.abs(s.alpha) >= 1;
    const kc = aX ? { kind: "fixed-then", size: CE_K, then: NC_KB } as const : { kind: "fixed", size: CE_K } as const;
    return { ...base, path, kc, meetC: { kind: "scale-then-add-blocks", fusedAlpha: false, alphaPerBlockBelow: aX ? NC_KB + 1 : 0 } };
  }
  return { ...base, path, kc: { kind: "whole" }, meetC: { kind: "sum-then-epilogue" } };
}

function plan(s: LibraryShape): GemmPlan {
  if (copies(s)) return copyPlan(s);
  return doCopy(s) ? noCopyPlan(s) : ncPlan(s);
}

export const atlas: EmulationDeclaration = {
  library: "atlas",
  version: "3.10.3",
  variant: "",
  description:
    "NB=48 tiles; for K ≥ 576 and M·N·K above a measured crossover the copy driver (full 48x48 tiles: four SSE lanes per 48-term block folded (L0+L2)+(L1+L3) with the running value in lane 0, tiles partial in N: each block summed then added, partial in M: a cleanup kernel chosen by the row count, corner tiles one chain; K cut at 2688, each chunk added to beta*C in turn, a last chunk under 576 run on C itself; for K >= 2320 with M or N <= 48 the same kernels on C from beta*C, with both <= 48 a zero-padded work tile added by geadd, and a K mod 48 rest of 44..47 run as one more zero-padded 48-block), for K < 576 with ATLAS's DOCOPY test passing the same kernels starting from C (the 14-row cleanup kernel adding beta*C after its first block when beta is not 0 or 1); when DOCOPY fails the no-copy driver: one chain per element from beta*C (K <= 4 with M > 40: axpys); alpha multiplied into the operand the copy driver copies (A_lib when N >= M, else B_lib), in the no-copy driver applied after the sum (or, for K < 108 and |alpha| >= max(|beta|, 1), per 36-long k-block as alpha*(sum from (beta/alpha)*C), per CacheEdge chunk); sgemv as ATLAS's gemvT/gemvN drivers (rows in fours, x chunks, which vector takes alpha), sdot four SSE lanes; multiply then add throughout",
  verified: "verified bit-for-bit against Debian libatlas3-base 3.10.3 (atlas-3.10.3-base): the broad fidelity suite (general alpha and beta included, gemv and dot too) on seeds 1-3, 5-25, 99, 123, 4242, 31337, 20261202 and 20261208 (every region 100%) and at full scale on 20261208, 99, 17, 7, 31337 and 1; the whole default fidelity suite; 1,000+ random calls over every driver (K 1..3200, all four transpose pairs, alpha and beta from 13 pairs, all five value kinds) and the corners of test/emulated/atlas-corners.test.ts. NB, the no-copy KB of 36, crossovers, CacheEdge cut, the cleanup table and the gemv chunks are this build's, measured with the order probe",
  sources: [
    "ATLAS src/blas/gemm/ATL_gemmXX.c @ 3.10.3 (driver choice: no-copy vs copy, DOCOPY crossover, CacheEdge K cut)",
    "ATLAS src/blas/gemm/ATL_mmJIK.c, ATL_mmIJK.c, ATL_NCmmJIK.c @ 3.10 (alpha in the copy, nKb < 12 on C, ATL_MaxMMalpha)",
    "ATLAS src/blas/gemm/ATL_mmJITcp.c, ATL_mmBPP.c, ATL_mmK.c, ATL_mmJKI.c @ 3.10 (JIT copies, the K cleanup padded to KB when kr + 4 >= KB, the axpy driver)",
    "ATLAS src/blas/level2/ATL_gemv.c, ATL_gemvT.c, ATL_gemvN.c, kernel/ATL_mv{t,n}k_{Mlt16,smallN}.c @ 3.10 (vector copies, alpha, small cases)",
    "Debian atlas 3.10.3-13 libatlas3-base (the generic x86-64 build whose NB and crossovers were measured)",
  ],
  plan,
  gemvPlan: atlasGemvPlan,
  dot: atlasDot,
};

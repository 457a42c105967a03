import type { Accumulation } from "../accumulation.js";
import type { GemmPlan, LibraryShape, MeetC, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";
/*
 * Intel MKL 2020.4 (Debian libmkl-rt, libmkl_rt.so with MKL_THREADING_LAYER=SEQUENTIAL). MKL is closed
 * source: every rule and constant below was measured by the order probe through the native bridge
 * (which hands MKL 64-byte-aligned operands), e.g.
 *   npx chimera probe --backend mkl-2020.4-auto-sequential --shape 1x10x128 --trans-b --beta 1
 * and then checked bit for bit with `npx chimera fidelity`. Shapes are in library coordinates
 * (LibraryShape: M = n, N = m of the row-major call).
 */

/* What the MKL declarations (mkl-generic.ts, mkl-avx512.ts, mkl-avx2.ts, mkl-sse.ts) share: the source
 * note, the chains, and the tile ladders of the dot kernels. */

export const MKL_SOURCES = [
  "closed source: orders measured with `chimera probe --backend mkl-2020.4-<path>-sequential` (Debian libmkl-rt 2020.4.304-4)",
];

/** The blocked path: one FMA chain per k-block (probe: 4x128x64, 64x128x784 --trans-b: fma-chain). */
export const fmaChain: Accumulation = { kind: "chain", fused: true };
export const mulAddChain: Accumulation = { kind: "chain", fused: false };

/** Rows [0, 4⌊M/4⌋) with `quad`, each remaining row with rest(i) (i = its index among them). */
export function* quadsThenRest(M: number, N: number, quad: Accumulation, rest: (i: number) => Accumulation): Iterable<Tile> {
  const m4 = M - (M % 4);
  if (m4 > 0) yield { r0: 0, r1: m4, s0: 0, s1: N, accumulation: quad };
  for (let r = m4; r < M; r++) yield { r0: r, r1: r + 1, s0: 0, s1: N, accumulation: rest(r - m4) };
}

/** Columns of C_lib [0, 4⌊N/4⌋) with `quad`, each remaining column with rest(i) (i = its index among them):
 * the dot kernels of the m = 1 paths run over C_lib's columns when C_lib is one row (row-major n = 1). */
export function* quadColumnsThenRest(M: number, N: number, quad: Accumulation, rest: (i: number) => Accumulation): Iterable<Tile> {
  const n4 = N - (N % 4);
  if (n4 > 0) yield { r0: 0, r1: M, s0: 0, s1: n4, accumulation: quad };
  for (let c = n4; c < N; c++) yield { r0: 0, r1: M, s0: c, s1: c + 1, accumulation: rest(c - n4) };
}

/** op(A)'s rows (C_lib's columns) in pairs: `first`, `second`; a last odd one C_lib's rows in fours with
 * `single`, the M mod 4 rows with `first` (probe: 3x5x20, 3x6x20, 3x7x20, 3x10x20 --trans-b). */
export function* pairedColumns(M: number, N: number, first: Accumulation, second: Accumulation, single: Accumulation): Iterable<Tile> {
  const m4 = M - (M % 4);
  for (let c = 0; c < N; c++) {
    if (c % 2 === 1 || c + 1 < N) yield { r0: 0, r1: M, s0: c, s1: c + 1, accumulation: c % 2 === 1 ? second : first };
    else {
      if (m4 > 0) yield { r0: 0, r1: m4, s0: c, s1: c + 1, accumulation: single };
      if (m4 < M) yield { r0: m4, r1: M, s0: c, s1: c + 1, accumulation: first };
    }
  }
}

/**
 * K = 1 with more than one row (library N > 1) on the avx2 and avx512 paths: the library computes
 * fma(a, b, β·C), the product fused into C (probe: 3x37x1 and 64x37x1, --trans-b or not, --beta 1 give
 * (*0 1); 1x37x1 gives (0 1), the m = 1 route). Modelled as a fused chain that starts from β·C, α on
 * B_lib: fma(fl(α·b), a, C) (β = 1, α = 0.1: 3x37x1 NT and 64x37x1 TN padded, every element). With β ∉ {0, 1}
 * the kernel rounds the product and fuses β instead: fma(β, C, fl(fl(α·b)·a)) (α = 2.55, β = −0.3: every
 * element; fma(fl(α·b), a, fl(β·C)) 66-68%): fusedIntoC picks that plan by β.
 */
export function fusedIntoC(s: LibraryShape): GemmPlan {
  return s.beta === 0 || s.beta === 1 ? fusedIntoCAxpy : fusedBetaK1;
}
const fusedBetaK1: GemmPlan = {
  path: "k = 1, β ∉ {0, 1}: C := fma(β, C, fl(fl(α·b)·a)) (measured)",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "fma-beta-first-block", alphaInPack: "B" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => fmaChain),
};
const fusedIntoCAxpy: GemmPlan = {
  path: "k = 1: C := fma(a, b, β·C) (measured)",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => ({ kind: "chain", fused: true })),
};

/**
 * Every axpy form (C_lib one row or one column, summed from β·C) multiplies α into the vector, never
 * into the matrix: each product is fl(α·x)·a (measured against the library with α = 0.1, β = 0.25 on
 * row-major 59x1x244 --trans-a --trans-b, whole outputs: generic, avx2 and avx512's chain rows 100%, α on
 * the matrix 10-25%). The accumulate-into-c default scales B_lib, the vector when C_lib is one column
 * (row-major m = 1); with C_lib one row (row-major n = 1) the vector is A_lib: this MeetC.
 */
export const axpyAlphaOnA: MeetC = { kind: "accumulate-into-c", alphaOnA: true };

/** m = 1 with transB = false: one FMA chain per element starting from β·C (the profile of 1x8x12 and
 * 1x784x12 --beta 1 marks every product fused, C first). */
export const fmaAxpy: GemmPlan = {
  path: "m = 1, transB = false: axpy form, one FMA chain from C",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c" },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => fmaChain),
};
/** fmaAxpy over C_lib's one row (row-major n = 1 with transA = true): α on A_lib, the vector. */
export const fmaAxpyRow: GemmPlan = { ...fmaAxpy, path: "n = 1, transA = true: axpy form, one FMA chain from C", meetC: axpyAlphaOnA };

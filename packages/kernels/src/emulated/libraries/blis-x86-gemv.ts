import type { Accumulation } from "../accumulation.js";
import type { DotRoute, GemmPlan, LibraryShape, MeetC, Tile } from "../declaration.js";

/**
 * The level-1f/1v kernels of BLIS 0.9.0's optimised x86-64 configurations, and the gemv routes
 * frame/compat/bla_gemm.c takes through them when a gemm has N = 1 (y = C_lib's column, the matrix
 * A_lib: row-major m = 1) or M = 1 (y = C_lib's row, the matrix B_lib transposed, which is row-stored:
 * row-major n = 1). bli_sgemv_ex picks bli_gemv_unf_var1 (fused dot products) when the matrix as
 * applied is row-stored and bli_gemv_unf_var2 (fused axpys) otherwise.
 */

/** bli_sdotxf_zen_int_8: 8 ymm lanes over k (one register per output), _mm256_dp_ps with 1.0 then
 * f[0] + f[4] (adjacent pairs, then pairs of pairs, then the halves), the k mod 8 rest as scalar
 * C multiply-then-add after the reduction. */
export const dotxf: Accumulation = { kind: "lanes", fused: true, lanes: 8, minLength: 0, reduce: "adjacent", tail: "mul-add-chain" };
/** bli_sdotxv_zen_int: four ymm registers over 32 k at a time, added register by register, the 8
 * lanes then summed in order, the k mod 32 rest multiplied and added in scalar code. */
export const dotxv: Accumulation = { kind: "register-lanes", fused: true, lanes: 8, registers: 4, reduce: "sequential", tail: "mul-add-chain" };
/** One FMA accumulator per element (the axpyf vector rows, the rv sup kernels, the native micro-kernels). */
export const fmaChain: Accumulation = { kind: "chain", fused: true };
/** The kernels' scalar loops: multiply, then add (the strided fallbacks of dotxf, dotxv, axpyf, axpyv). */
export const mulAddChain: Accumulation = { kind: "chain", fused: false };
/** bli_saxpyf_zen_int_5's scalar rows: y0c is a double; y0c += χ_j·a(i,j) (binary32 products) for the
 * group's five k, stored back once. */
export const axpyf5Scalar: Accumulation = { kind: "group-tree", group: 5, tree: "c 0 + 1 + 2 + 3 + 4 +", wide: true };

/** Which way the gemv's y runs through C_lib: "rows" (N = 1) or "cols" (M = 1). */
export type GemvAlong = "rows" | "cols";

function slice(r0: number, r1: number, s0: number, s1: number, along: GemvAlong, i0: number, i1: number, accumulation: Accumulation): Tile {
  return along === "rows" ? { r0: r0 + i0, r1: r0 + i1, s0, s1, accumulation } : { r0, r1, s0: s0 + i0, s1: s0 + i1, accumulation };
}

/** dotxf's store: y := fma(α, ρ, fl(β·y)) (_mm256_mul_ps by β, then _mm256_fmadd_ps with α); dotxv's is
 * ρ := β·y, then ρ += α·ρ0 (axpys, multiply then add): the plan's plain epilogue. */
const dotxfStore: MeetC = { kind: "sum-then-epilogue", alphaFused: true };

/** var1 over the outputs from (r0, s0) to (r1, s1) along `along`: groups of 8 via dotxf, the rest
 * dotxv; `strided` (x not contiguous): both kernels' scalar loops. The dotxf tiles carry their own
 * store: as a tile epilogue in a sum-then-epilogue plan (`stores` "epilogue"), or as fmaAlphaStore in
 * a sup plan (`stores` "sup"). */
export function* dotTiles(r0: number, r1: number, s0: number, s1: number, along: GemvAlong, strided: boolean, stores: "epilogue" | "sup"): Iterable<Tile> {
  const n = along === "rows" ? r1 - r0 : s1 - s0, body = n - (n % 8);
  if (body > 0) {
    const t = slice(r0, r1, s0, s1, along, 0, body, strided ? mulAddChain : dotxf);
    yield stores === "epilogue" ? { ...t, meetC: dotxfStore } : { ...t, fmaAlphaStore: true };
  }
  if (body < n) yield slice(r0, r1, s0, s1, along, body, n, strided ? mulAddChain : dotxv);
}

function yLength(ctx: { mBlock: number; nBlock: number }, along: GemvAlong): number {
  return along === "rows" ? ctx.mBlock : ctx.nBlock;
}

function gemvDot(along: GemvAlong, strided: boolean): GemmPlan {
  return {
    path: `bla_gemm.c (${along === "rows" ? "n" : "m"} == 1) → bli_sgemv_ex → bli_gemv_unf_var1 → bli_sdotxf_zen_int_8 / bli_sdotxv_zen_int${strided ? " (scalar loops: x strided)" : ""}`,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    // dotxf: y := α·ρ (β = 0) or fma(α, ρ, β·y) (dotxfStore); dotxv: ρ := β·y, then ρ += α·ρ0.
    meetC: { kind: "sum-then-epilogue" },
    tiles: (ctx) => dotTiles(0, ctx.mBlock, 0, ctx.nBlock, along, strided, "epilogue"),
  };
}

/** var2: y := β·y, then per k, y += (α·x_k)·a_k: the vector rows (8·⌊len/8⌋) fused; the rest, or
 * every row when A or y is strided, the scalar rows (multiply then add; bli_saxpyf_zen_int_5 sums each
 * group of five k in a double). */
function gemvAxpy(fuse: 5 | 8, along: GemvAlong, strided: boolean): GemmPlan {
  const scalar = fuse === 5 ? axpyf5Scalar : mulAddChain;
  return {
    path: `bla_gemm.c (${along === "rows" ? "n" : "m"} == 1) → bli_sgemv_ex → bli_gemv_unf_var2 → bli_saxpyf_zen_int_${fuse} / bli_saxpyv_zen_int10${strided ? " (scalar loops: y strided)" : ""}`,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    meetC: along === "rows" ? { kind: "accumulate-into-c" } : { kind: "accumulate-into-c", alphaOnA: true },
    *tiles(ctx) {
      const len = yLength(ctx, along), body = strided ? 0 : len - (len % 8);
      if (body > 0) yield slice(0, ctx.mBlock, 0, ctx.nBlock, along, 0, body, fmaChain);
      if (body < len) yield slice(0, ctx.mBlock, 0, ctx.nBlock, along, body, len, scalar);
    },
  };
}

/**
 * bla_gemm.c's gemv shortcuts, or null for a true gemm. N = 1: var1 when TRANSA, x = B_lib's column
 * (stride ldb when TRANSB), y contiguous. M = 1: var1 when TRANSB is 'N', var2 when 'T'; x = A_lib's
 * row (stride lda unless TRANSA), y = C's row (stride ldc). dotxf vectorises only for a contiguous x;
 * axpyf only for a contiguous y (A is contiguous along y on both routes).
 */
export function x86GemvRoute(fuse: 5 | 8, shape: LibraryShape, gemv = false): GemmPlan | null {
  let along: GemvAlong, dot: boolean, xStrided: boolean, yStrided: boolean;
  if (gemv) {
    // sgemv_ itself (see EmulationDeclaration.gemvPlan): bli_sgemv_ex on the call's A, stored (rs, cs) =
    // (1, lda) in BLAS's column-major view; row storage (lda = 1) is tested first in both branches.
    along = "cols";
    dot = shape.transB ? shape.ldb === 1 : shape.ldb !== 1;
    xStrided = shape.lda !== 1;
    yStrided = shape.ldc !== 1;
  } else if (shape.N === 1) {
    along = "rows";
    // bli_sgemv_ex tests row storage first: with K = 1 and lda = 1 the transposed A_lib is both, and
    // counts as row-stored, so var2 (axpyf) runs instead of var1.
    dot = shape.transA && (shape.lda ?? 0) !== 1;
    xStrided = shape.transB && (shape.ldb ?? 1) !== 1;
    yStrided = false;
  } else if (shape.M === 1) {
    along = "cols";
    dot = !shape.transB;
    xStrided = !shape.transA && (shape.lda ?? 1) !== 1;
    yStrided = (shape.ldc ?? 1) !== 1;
  } else return null;
  return dot ? gemvDot(along, xStrided) : gemvAxpy(fuse, along, yStrided);
}

/** bli_sdotv_zen_int10 (zen2, zen3): 10 ymm registers over 80 k, folded 0+5 … 4+9; 5 over 40, folded
 * 0+2, 1+3, 0+4; 2 over 16, folded 0+1; 1 over 8; the k mod 8 rest multiplied and added from 0, then
 * plus the lanes summed in order. Strided x or y: one scalar multiply-add loop. */
const dotv10: Accumulation = {
  kind: "cascade-registers", lanes: 8, stages: [10, 5, 2, 1], tail: "mul-add-chain",
  folds: [[[0, 5], [1, 6], [2, 7], [3, 8], [4, 9]], [[0, 2], [1, 3], [0, 4]], [[0, 1]], []],
};

/** bla_dot.c → bli_sdotv_ex → the configuration's dotv kernel: bli_sdotv_zen_int (dotxv's order) or
 * bli_sdotv_zen_int10; both fall back to a scalar multiply-add loop for a strided x or y. */
export function x86Dot(kernel: "int" | "int10", strided: boolean): DotRoute {
  const path = `bla_dot.c → bli_sdotv_ex → bli_sdotv_zen_${kernel}`;
  if (strided) return { path: `${path} (scalar loop: strided)`, accumulation: mulAddChain };
  return { path, accumulation: kernel === "int" ? dotxv : dotv10 };
}

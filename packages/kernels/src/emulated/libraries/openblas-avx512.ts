import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";

/** sgemm_kernel_16x4_skylakex_3.c: every tile (m16/8/4/2/1 × n24…1) keeps one FMA accumulator per element. */
const chain: Accumulation = { kind: "chain", fused: true };
/** 16 zmm lanes over k (the masked k mod 16 rest lands in the same lanes), reduced by REDUCE_4's
 * unpack/shuffle tree: adjacent pairs, then pairs of pairs, then the four 128-bit quarters. */
const lanesAdjacent: Accumulation = { kind: "lanes", fused: true, lanes: 16, minLength: 0, reduce: "adjacent", tail: "in-lanes" };
/** Same lanes, reduced by _mm512_reduce_add_ps: (i, i+8), (i, i+4), (i, i+2), (i, i+1). */
const lanesHalving: Accumulation = { kind: "lanes", fused: true, lanes: 16, minLength: 0, reduce: "halving", tail: "in-lanes" };

/**
 * sgemm_small_kernel_permit_skylakex.c (0.3.21): the small path runs when M·N·K ≤ 100³ and, for
 * TRANSA = 'T' with TRANSB = 'N', M·N ≤ 1200 and K ≥ 32; for 'T','T', K ≥ 4.
 */
function smallPermitted(s: LibraryShape): boolean {
  if (s.M * s.N * s.K > 1e6) return false;
  if (s.transA && !s.transB) return s.M * s.N <= 1200 && s.K >= 32;
  if (s.transA && s.transB) return s.K >= 4;
  return true;
}

/**
 * sgemm_small_kernel_tn_skylakex.c: rows in groups of 4 (all columns) reduce with REDUCE_M4; the
 * M mod 4 rows reduce with REDUCE_N4 over column groups of 4 and _mm512_reduce_add_ps elsewhere.
 */
function* smallTnTiles(M: number, N: number): Iterable<Tile> {
  const m4 = M - (M % 4), n4 = N - (N % 4);
  if (m4 > 0) yield { r0: 0, r1: m4, s0: 0, s1: N, accumulation: lanesAdjacent };
  if (m4 < M && n4 > 0) yield { r0: m4, r1: M, s0: 0, s1: n4, accumulation: lanesAdjacent };
  if (m4 < M && n4 < N) yield { r0: m4, r1: M, s0: n4, s1: N, accumulation: lanesHalving };
}

/** The small TN kernel: C := fma(β, C, fl(α·s)) (β = 0: fl(α·s)), no k blocking. */
const smallTn: GemmPlan = {
  path: "interface/gemm.c → sgemm_small_kernel_tn_skylakex.c",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", betaFused: true },
  tiles: (ctx) => smallTnTiles(ctx.mBlock, ctx.nBlock),
};

/** The level-3 driver with GEMM_Q/GEMM_P and UNROLL_M = 16 (param.h), one FMA chain per tile. */
function level3(p: number, q: number): GemmPlan {
  return {
    path: "interface/gemm.c → driver/level3/level3.c → sgemm_kernel_16x4_skylakex_3.c",
    nc: { kind: "whole" },
    kc: { kind: "halve-rest", size: q, align: 16 },
    mc: { kind: "halve-rest", size: p, align: 16 },
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: true },
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, 16, 24, () => chain),
  };
}

function declare(variant: string, p: number, q: number, paramSection: string): EmulationDeclaration {
  const big = level3(p, q);
  return {
    library: "openblas",
    version: "0.3.21",
    variant,
    description: `for row-major transA=false, transB=true with n·m ≤ 1200, k ≥ 32 and m·n·k ≤ 10^6 the small kernel: 16 FMA lanes over k (lane = k mod 16) reduced by adjacent pairs (or by halving for the n mod 4 columns when m mod 4 rows remain), then alpha and beta*C; otherwise GEMM_Q=${q} k-blocks (halving rule, align 16), one FMA chain per block, each block FMA'd into C`,
    verified: "verified bit-for-bit against libopenblas-r0.3.21.so (serial), OPENBLAS_CORETYPE=" + (variant === "skylakex" ? "SkylakeX" : "Cooperlake") + " for row-major transB=true calls; other small-kernel layouts (NN, NT, TT) unverified",
    sources: [
      `OpenBLAS param.h (${paramSection}) @ v0.3.21`,
      "OpenBLAS kernel/x86_64/KERNEL.SKYLAKEX @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_permit_skylakex.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_tn_skylakex.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_kernel_16x4_skylakex_3.c @ v0.3.21",
      "OpenBLAS driver/level3/level3.c @ v0.3.21",
    ],
    plan: (shape) => (smallPermitted(shape) && shape.transA && !shape.transB ? smallTn : big),
  };
}

/** OpenBLAS 0.3.21, core type SkylakeX: param.h SKYLAKEX (x86_64): SGEMM_DEFAULT_P 448, Q 448, UNROLL_M 16. */
export const openblasSkylakex = declare("skylakex", 448, 448, "SKYLAKEX");
/** OpenBLAS 0.3.21, core type Cooperlake (KERNEL.COOPERLAKE includes KERNEL.SKYLAKEX): param.h COOPERLAKE
 * SGEMM_DEFAULT_P 640, Q 320, UNROLL_M 16. */
export const openblasCooperlake = declare("cooperlake", 640, 320, "COOPERLAKE");

import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, MeetC, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import { openblasSkylakexGemv } from "./openblas-avx512-gemv.js";
import { openblasDot } from "./openblas-level12.js";

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
 * The dot-style part of the small kernels (sgemm_small_kernel_tn_skylakex.c, and the M mod 16 rest of
 * sgemm_small_kernel_nn_skylakex.c), over rows r0 ≤ r < M: rows in groups of 4 (all columns) reduce
 * with REDUCE_M4; the M mod 4 rows reduce with REDUCE_N4 over column groups of 4 and
 * _mm512_reduce_add_ps elsewhere (with a scalar epilogue, see scalarStore).
 */
function* dotStyleTiles(r0: number, M: number, N: number): Iterable<Tile> {
  const m4 = r0 + ((M - r0) & ~3), n4 = N - (N % 4);
  if (m4 > r0) yield { r0, r1: m4, s0: 0, s1: N, accumulation: lanesAdjacent };
  if (m4 < M && n4 > 0) yield { r0: m4, r1: M, s0: 0, s1: n4, accumulation: lanesAdjacent };
  if (m4 < M && n4 < N) yield { r0: m4, r1: M, s0: n4, s1: N, accumulation: lanesHalving, meetC: scalarStore };
}

/** STORE_REDUCE, a scalar `alpha * sum + beta * C` that gcc contracts to fma(α, s, fl(β·C)) (measured). */
const scalarStore: MeetC = { kind: "sum-then-epilogue", alphaFused: true };

/**
 * sgemm_small_kernel_nn_skylakex.c: rows in blocks of 64, 32 and 16 broadcast B and keep one zmm
 * accumulator per 16 rows (one FMA chain per element, k in order); the M mod 16 rest is the same
 * (masked) unless it has at most 8 rows and K ≥ 32: then A's rest is copied k-contiguous and the
 * elements are dot products over 16 lanes, as in the TN kernel.
 */
function* smallNnTiles(M: number, N: number, K: number): Iterable<Tile> {
  const m16 = M - (M % 16), mm = M - m16;
  if (mm > 8 || K < 32) {
    yield { r0: 0, r1: M, s0: 0, s1: N, accumulation: chain };
    return;
  }
  if (m16 > 0) yield { r0: 0, r1: m16, s0: 0, s1: N, accumulation: chain };
  if (mm > 0) yield* dotStyleTiles(m16, M, N);
}

/** A small kernel: C := fma(β, C, fl(α·s)) (β = 0: fl(α·s)), no k blocking. */
function smallPlan(file: string, tiles: GemmPlan["tiles"]): GemmPlan {
  return {
    path: `interface/gemm.c → ${file}`,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    meetC: { kind: "sum-then-epilogue", betaFused: true },
    tiles,
  };
}

const smallTn = smallPlan("sgemm_small_kernel_tn_skylakex.c", (ctx) => dotStyleTiles(0, ctx.mBlock, ctx.nBlock));
const smallNn = smallPlan("sgemm_small_kernel_nn_skylakex.c", (ctx) => smallNnTiles(ctx.mBlock, ctx.nBlock, ctx.kBlock));
/** sgemm_small_kernel_nt_skylakex.c and _tt_: every block broadcasts one operand and loads 16 of the
 * other per k, one FMA chain per element in k order (TT only transposes through registers to store). */
const wholeChain: GemmPlan["tiles"] = (ctx) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation: chain }];
const smallNt = smallPlan("sgemm_small_kernel_nt_skylakex.c", wholeChain);
const smallTt = smallPlan("sgemm_small_kernel_tt_skylakex.c", wholeChain);

/** interface/gemm.c: the small kernel of the call's layout, indexed (transB << 2) | transA (library names). */
function smallKernel(s: LibraryShape): GemmPlan {
  if (s.transA) return s.transB ? smallTt : smallTn;
  return s.transB ? smallNt : smallNn;
}

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
    description: `calls with m·n·k ≤ 10^6 (row-major transA=true, transB=false also n·m ≤ 1200 and k ≥ 32; transA=transB=true k ≥ 4) take the small kernel of their layout: one FMA chain per element over the whole k, except nn.Linear's layout (and the row-major transB=false rest of n mod 16 ≤ 8 columns with k ≥ 32), which sums 16 FMA lanes over k (lane = k mod 16) reduced by adjacent pairs (or by halving for the n mod 4 columns when m mod 4 rows remain); then fma(beta, C, alpha*s) (fma(alpha, s, beta*C) for the halving ones); otherwise GEMM_Q=${q} k-blocks (halving rule, align 16), one FMA chain per block, each block FMA'd into C`,
    verified: "verified bit-for-bit against libopenblas-r0.3.21.so (serial), OPENBLAS_CORETYPE=" + (variant === "skylakex" ? "SkylakeX" : "Cooperlake") + " on the fidelity suite and on every small-kernel layout with general alpha and beta; gemv (sgemv_t's small kernels, sgemv_kernel_n_128 and _n_64, the FMA-contracted C) call by call",
    sources: [
      `OpenBLAS param.h (${paramSection}) @ v0.3.21`,
      "OpenBLAS kernel/x86_64/KERNEL.SKYLAKEX @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_permit_skylakex.c @ v0.3.21",
      "OpenBLAS interface/gemm.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_nn_skylakex.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_nt_skylakex.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_tn_skylakex.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_small_kernel_tt_skylakex.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemm_kernel_16x4_skylakex_3.c @ v0.3.21",
      "OpenBLAS driver/level3/level3.c @ v0.3.21",
      "OpenBLAS interface/gemv.c, kernel/x86_64/sgemv_n_4.c, sgemv_t_4.c @ v0.3.21",
      "OpenBLAS kernel/x86_64/sgemv_n_microk_skylakex-8.c, sgemv_t_microk_skylakex.c, sgemv_t_microk_skylakex_template.c @ v0.3.21",
    ],
    plan: (shape) => (smallPermitted(shape) ? smallKernel(shape) : big),
    gemvPlan: openblasSkylakexGemv,
    dot: (_n, strided) => openblasDot("skylakex", strided),
  };
}

/** OpenBLAS 0.3.21, core type SkylakeX: param.h SKYLAKEX (x86_64): SGEMM_DEFAULT_P 448, Q 448, UNROLL_M 16. */
export const openblasSkylakex = declare("skylakex", 448, 448, "SKYLAKEX");
/** OpenBLAS 0.3.21, core type Cooperlake (KERNEL.COOPERLAKE includes KERNEL.SKYLAKEX): param.h COOPERLAKE
 * SGEMM_DEFAULT_P 640, Q 320, UNROLL_M 16. */
export const openblasCooperlake = declare("cooperlake", 640, 320, "COOPERLAKE");

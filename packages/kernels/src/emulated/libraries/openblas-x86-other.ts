import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import { openblasHaswell } from "./openblas-haswell.js";
import { openblasDot, openblasGemv } from "./openblas-level12.js";
import { level3KernelCalls } from "./openblas-level3.js";

/**
 * OpenBLAS 0.3.21, core type Zen: kernel/x86_64/KERNEL.ZEN names the Haswell sgemm kernel
 * (sgemm_kernel_8x4_haswell_2.c) and param.h's ZEN section the Haswell blocking (x86_64:
 * SGEMM_DEFAULT_P 320, Q 320, UNROLL_M 8, UNROLL_N 4), so the order is the Haswell declaration's.
 */
export const openblasZen: EmulationDeclaration = {
  ...openblasHaswell,
  variant: "zen",
  description: `the Haswell order (same kernel and blocking): ${openblasHaswell.description}`,
  verified: "verified bit-for-bit against libopenblas-r0.3.21.so (serial), OPENBLAS_CORETYPE=Zen",
  sources: [
    "OpenBLAS param.h (ZEN) @ v0.3.21",
    "OpenBLAS kernel/x86_64/KERNEL.ZEN @ v0.3.21",
    "OpenBLAS kernel/x86_64/sgemm_kernel_8x4_haswell_2.c @ v0.3.21",
    "OpenBLAS driver/level3/level3.c @ v0.3.21",
  ],
};

/** sgemm_kernel_16x4_sandy.S: AVX without FMA, one vmulps/vaddps accumulator per element. */
const mulAdd: Accumulation = { kind: "chain", fused: false };

const sandybridgePlan: GemmPlan = {
  path: "interface/gemm.c → driver/level3/level3.c → sgemm_kernel_16x4_sandy.S",
  nc: { kind: "whole" },
  // param.h SANDYBRIDGE (x86_64): SGEMM_DEFAULT_Q 384, SGEMM_DEFAULT_P 768, SGEMM_DEFAULT_UNROLL_M 16.
  kc: { kind: "halve-rest", size: 384, align: 16 },
  mc: { kind: "halve-rest", size: 768, align: 16 },
  // sgemm_beta first; then SAVE: vmulps by α, vaddps with C — C := fl(C + fl(α·acc)) per k-block.
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, 16, 4, () => mulAdd),
};

/** OpenBLAS 0.3.21, core type Sandybridge: the level-3 driver with GEMM_Q = 384 k-blocks (halving
 * rule, aligned to 16), one multiply-then-add chain per block, each block added to C. */
export const openblasSandybridge: EmulationDeclaration = {
  library: "openblas",
  version: "0.3.21",
  variant: "sandybridge",
  description:
    "k cut in GEMM_Q=384 blocks (a rest between 384 and 768 halved, rounded up to 16); per block one multiply-then-add chain (AVX, no FMA); each block then added to C after alpha",
  verified: "verified bit-for-bit against libopenblas-r0.3.21.so (serial), OPENBLAS_CORETYPE=Sandybridge",
  sources: [
    "OpenBLAS param.h (SANDYBRIDGE) @ v0.3.21",
    "OpenBLAS driver/level3/level3.c @ v0.3.21",
    "OpenBLAS kernel/x86_64/KERNEL.SANDYBRIDGE @ v0.3.21",
    "OpenBLAS kernel/x86_64/sgemm_kernel_16x4_sandy.S @ v0.3.21",
  ],
  plan: () => sandybridgePlan,
  gemvPlan: (shape) => openblasGemv("sandybridge", shape) ?? sandybridgePlan,
  dot: (_n, strided) => openblasDot("sandybridge", strided),
};

/** The M = 1 tiles with N = 4 or 2 of gemm_kernel_4x8_nehalem.S (.L90–.L98 for N = 2): even k into one register, odd k
 * into another, each product added one step late; SSE multiply and add. */
const nehalemM1N4N2: Accumulation = { kind: "pipelined-pair", fused: false, unroll: 4 };

/** The kernel: N in groups of 8 while ≥ 8 remain, then 4, 2, 1 (bits of N mod 8); each group walks M
 * in 4s, then 2, then 1. Only the M = 1 tiles with N = 4 or 2 keep a different order. */
function* nehalemKernelTiles(m: number, s0: number, n: number): Iterable<Tile> {
  let s = s0;
  const groups: number[] = [];
  for (let rest = n; rest >= 8; rest -= 8) groups.push(8);
  for (const g of [4, 2, 1]) if (n % 8 & g) groups.push(g);
  for (const g of groups) {
    const m1 = m % 2 === 1 ? m - 1 : m;
    if (m1 > 0) yield { r0: 0, r1: m1, s0: s, s1: s + g, accumulation: mulAdd };
    if (m1 < m) yield { r0: m1, r1: m, s0: s, s1: s + g, accumulation: g === 2 || g === 4 ? nehalemM1N4N2 : mulAdd };
    s += g;
  }
}

const nehalemPlan: GemmPlan = {
  path: "interface/gemm.c → driver/level3/level3.c → gemm_kernel_4x8_nehalem.S",
  nc: { kind: "whole" },
  // param.h NEHALEM (x86_64): SGEMM_DEFAULT_Q 512, SGEMM_DEFAULT_P 504, SGEMM_DEFAULT_UNROLL_M 4.
  kc: { kind: "halve-rest", size: 512, align: 4 },
  mc: { kind: "halve-rest", size: 504, align: 4 },
  // sgemm_beta first; then the kernel's store: mulps by α, addps with C.
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  *tiles(ctx) {
    for (const [s0, w] of level3KernelCalls(ctx, 8)) yield* nehalemKernelTiles(ctx.mBlock, s0, w);
  },
};

/** OpenBLAS 0.3.21, core type Nehalem: the level-3 driver with GEMM_Q = 512 k-blocks (halving rule,
 * aligned to UNROLL_M = 4), one SSE multiply-then-add chain per block, each block added to C. */
export const openblasNehalem: EmulationDeclaration = {
  library: "openblas",
  version: "0.3.21",
  variant: "nehalem",
  description:
    "k cut in GEMM_Q=512 blocks (a rest between 512 and 1024 halved, rounded up to 4); per block one multiply-then-add chain (SSE), except the M=1 x N=4 and N=2 edge tiles (even and odd k in two registers, software-pipelined); each block then added to C after alpha",
  verified: "verified bit-for-bit against libopenblas-r0.3.21.so (serial), OPENBLAS_CORETYPE=Nehalem",
  sources: [
    "OpenBLAS param.h (NEHALEM) @ v0.3.21",
    "OpenBLAS driver/level3/level3.c @ v0.3.21",
    "OpenBLAS kernel/x86_64/KERNEL.NEHALEM @ v0.3.21",
    "OpenBLAS kernel/x86_64/gemm_kernel_4x8_nehalem.S @ v0.3.21",
  ],
  plan: () => nehalemPlan,
  gemvPlan: (shape) => openblasGemv("nehalem", shape) ?? nehalemPlan,
  dot: (_n, strided) => openblasDot("nehalem", strided),
};

import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, Tile } from "../declaration.js";
import { openblasDot, openblasGemv } from "./openblas-level12.js";
import { level3KernelCalls } from "./openblas-level3.js";

/** One FMA chain per element (every COMPUTE_SIMPLE and m16n6 micro-kernel). */
const chain: Accumulation = { kind: "chain", fused: true };
/** KERNEL_k2m8n4 / KERNEL_*_k2m8n6: even k into ymm4.., odd k into ymm8.. (or ymm10..), 8 k per loop
 * trip; the k mod 8 rest (KERNEL_k1*) into the even set; SAVE adds the two sets. */
const evenOdd: Accumulation = { kind: "interleaved", fused: true, accumulators: 2, unroll: 8 };

/** sgemm_kernel_8x4_haswell_2.c CNAME: N in groups 12, 8, 4, 2, 1; each group walks M. */
function* kernelTiles(m: number, s0: number, n: number): Iterable<Tile> {
  for (let s = s0, rest = n; rest > 0;) {
    const g = rest > 11 ? 12 : rest > 7 ? 8 : rest > 3 ? 4 : rest > 1 ? 2 : 1;
    if (g === 12 && m >= 16) yield* skewedN12(m, s);
    else yield* mLadder(0, m, s, s + g, g === 4 ? evenOdd : chain);
    s += g;
    rest -= g;
  }
}

/** COMPUTE_NORMAL: m8 tiles while ≥ 8 rows remain, then one m4, one m2, one m1; only m8n4 is even/odd. */
function* mLadder(r: number, m: number, s0: number, s1: number, m8: Accumulation): Iterable<Tile> {
  for (; m - r >= 8; r += 8) yield { r0: r, r1: r + 8, s0, s1, accumulation: m8 };
  for (const h of [4, 2, 1]) if (m - r >= h) { yield { r0: r, r1: r + h, s0, s1, accumulation: chain }; r += h; }
}

/**
 * COMPUTE_n12 with m ≥ 16: the left six columns start with one m8n6 (H, even/odd), the right six with
 * m16n6 tiles (R, chain); left m16n6 (L) tiles follow 8 rows behind; the side left short ends with one
 * m8n6 (T, even/odd); the m mod 8 rows go to m4/m2/m1 over all 12 columns.
 */
function* skewedN12(m: number, s: number): Iterable<Tile> {
  const left = [s, s + 6] as const, right = [s + 6, s + 12] as const;
  yield { r0: 0, r1: 8, s0: left[0], s1: left[1], accumulation: evenOdd };
  let c = 0, rest = m;
  for (;;) {
    yield { r0: c, r1: c + 16, s0: right[0], s1: right[1], accumulation: chain };
    c += 8; rest -= 8;
    if (rest < 16) { yield { r0: c, r1: c + 8, s0: left[0], s1: left[1], accumulation: evenOdd }; break; }
    yield { r0: c, r1: c + 16, s0: left[0], s1: left[1], accumulation: chain };
    c += 8; rest -= 8;
    if (rest < 16) { yield { r0: c, r1: c + 8, s0: right[0], s1: right[1], accumulation: evenOdd }; break; }
  }
  c += 8; rest -= 8;
  yield* mLadder(c, m, s, s + 12, chain);
}

const plan: GemmPlan = {
  path: "interface/gemm.c → driver/level3/level3.c → sgemm_kernel_8x4_haswell_2.c",
  // GEMM_R (sgemm_r) is derived from the buffer size at load time, far above the shapes emulated here.
  nc: { kind: "whole" },
  // param.h HASWELL (x86_64): SGEMM_DEFAULT_Q 320, SGEMM_DEFAULT_P 320, SGEMM_DEFAULT_UNROLL_M 8.
  kc: { kind: "halve-rest", size: 320, align: 8 },
  mc: { kind: "halve-rest", size: 320, align: 8 },
  // sgemm_beta first; then SAVE_*: vfmadd213ps (C), alpha, acc — C := α·acc + C in one FMA per k-block.
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: true },
  *tiles(ctx) {
    for (const [s0, w] of level3KernelCalls(ctx, 4)) yield* kernelTiles(ctx.mBlock, s0, w);
  },
};

/**
 * OpenBLAS 0.3.21, core type Haswell (also used for Zen): level-3 driver with GEMM_Q = 320 k-blocks
 * (halving rule), P = 320 M-blocks, kernel sgemm_kernel_8x4_haswell_2.c (kernel/x86_64/KERNEL.HASWELL).
 * No small-matrix path and no gemv forwarding for gemm in 0.3.21.
 */
export const openblasHaswell: EmulationDeclaration = {
  library: "openblas",
  version: "0.3.21",
  variant: "haswell",
  description:
    "k cut in GEMM_Q=320 blocks (a rest between 320 and 640 halved, rounded up to 8); per block one FMA chain, except m8n4/m8n6 edge tiles that alternate two FMA accumulators (even/odd k, unrolled by 8); each block then FMA'd into C",
  verified: "verified bit-for-bit against libopenblas-r0.3.21.so (serial), OPENBLAS_CORETYPE=Haswell",
  sources: [
    "OpenBLAS param.h (HASWELL) @ v0.3.21",
    "OpenBLAS driver/level3/level3.c @ v0.3.21",
    "OpenBLAS kernel/x86_64/KERNEL.HASWELL @ v0.3.21",
    "OpenBLAS kernel/x86_64/sgemm_kernel_8x4_haswell_2.c @ v0.3.21",
  ],
  plan: () => plan,
  gemvPlan: (shape) => openblasGemv("haswell", shape) ?? plan,
  dot: (_n, strided) => openblasDot("haswell", strided),
};

import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan } from "../declaration.js";
import { gridTiles } from "../declaration.js";

/**
 * Apple's AMX (M1-M3) matrix-mode fma32: z[j][i] := fma(x[i], y[j], z[j][i]), an outer product of a
 * 16-float X row and a 16-float Y row accumulated onto a 16x16 f32 tile of Z, one fused multiply-add
 * (one rounding) per element per instruction (corsix/amx fma.md: "fused-multiply-add ... outer-product";
 * its emulation code uses the scalar fmadd). A GEBP-style kernel feeds one k per instruction, so each
 * element of a Z tile is one FMA chain over k in order; storing Z to C and reloading it between k-blocks
 * keeps it one chain.
 */
const amxChain: Accumulation = { kind: "chain", fused: true };

/**
 * The AMX sgemm: Z tiles of 32x32 (four 16x16 f32 tiles; immaterial to the bits), Z from +0 (a kernel
 * that skips the Z input on the first k differs only in the sign of an exact zero), the products
 * accumulated k in order, no k blocking that changes the chain; then a BLIS-style store C := α·Z + β·C, taken to be one
 * NEON fmla onto fl(β·C) (fma(α, s, fl(β·C)); β = 0: fl(α·s)).
 */
const amx: GemmPlan = {
  path: "cblas_sgemm → AMX fma32 outer-product kernel (assumed for every shape) — unverified",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "sum-then-epilogue", alphaFused: true },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, 32, 32, () => amxChain),
};

/**
 * Accelerate's cblas_sgemm on an Apple M1 (AMX), single thread. UNVERIFIED: no Mac was available; the
 * order rests on what the AMX instruction does and on one published bit-exactness result, not on a
 * probe of Accelerate.
 */
export const accelerate: EmulationDeclaration = {
  library: "accelerate",
  version: "unverified",
  variant: "m1-amx",
  description:
    "AMX outer products: one fused multiply-add chain per element over k in order from +0, then C := fma(alpha, sum, beta*C) at the store; " +
    "the same order for every shape, m = 1 included",
  verified:
    "unverified: built from public evidence without a Mac. (1) Fused, one rounding per step: AMX fma32 is a fused multiply-add outer product " +
    "(corsix/amx fma.md, reverse-engineered). (2) One chain per element over k in order: the AMX register model (X/Y rows of 16 f32, Z tiles " +
    "accumulated per instruction), and Bhan, arXiv 2606.25426 (2026): a direct-AMX kernel is bit-identical to Accelerate's cblas_sgemm on an M1 at " +
    "twelve LLM prefill shapes (alpha = 1, beta = 0, S = 128); this declaration assumes that kernel accumulates each Z element over k in order. " +
    "(3) Where C meets the sum (after it, fma(alpha, sum, fl(beta*C))): a guess after the BLIS/OpenBLAS micro-kernel convention; " +
    "the alternative is beta*C loaded into Z (ldz) as the chain's start, which a probe with --beta 1 tells apart (C the first leaf, not the last). " +
    "(4) m = 1 (gemv-like) calls: assumed to take the same AMX path; Accelerate may route them to NEON (4-lane) or AMX vector-mode code instead, " +
    "which would reduce lanes. (5) M4 and later use Arm SME (FMOPA outer products) instead of AMX; not covered. FPRev (arXiv 2411.00442) did not test Apple CPUs. " +
    "To verify: on an Apple-silicon Mac, `chimera probe --backend accelerate-system-default --shape 1x8x784 --trans-b --beta 1` (shows where C " +
    "joins and whether m = 1 uses lanes) and `--shape 64x8x784`, then `chimera fidelity --backends accelerate-unverified-m1-amx`",
  sources: [
    "corsix/amx fma.md (AMX fma32 matrix mode: fused outer product onto Z) @ 435a82c",
    "arXiv 2606.25426 (Bhan 2026, 'Above the Inner Loop: Exceeding Accelerate at LLM Prefill GEMM on the M1 AMX'): a direct-AMX fp32 kernel bit-identical to cblas_sgemm",
  ],
  plan: () => amx,
};

import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan } from "../declaration.js";
import { gridTiles } from "../declaration.js";

/** bli_sgemm_generic_ref: the k loop outermost, every ab(i,j) one multiply-then-add chain (the
 * vectorisation gcc applies runs across i and j, never across k). */
const chain: Accumulation = { kind: "chain", fused: false };
/** bli_sdotxf_generic_ref as gcc 12 vectorises it under -funsafe-math-optimizations (CRVECFLAGS of
 * config/generic/make_defs.mk): four SSE lanes over k, folded (L0+L2)+(L1+L3); of the k mod 4 rest,
 * a pair (the vectoriser's 2-wide epilogue: p + q, then added) when two or more remain, then the
 * last one multiplied and added. Measured with `chimera derive`/`chimera probe` at k ≡ 2, 3 (mod 4),
 * not read: the source is a plain loop. */
const dotxfLanes: Accumulation = { kind: "lanes", fused: false, lanes: 4, minLength: 0, reduce: "blis-generic-4", tail: "half-then-chain" };

/** frame/compat/bla_gemm.c: n == 1 becomes gemv; with TRANSA = 'T' that is the dotxf variant. */
const gemvDotxf: GemmPlan = {
  path: "bla_gemm.c (n == 1) → bli_sgemv_ex → bli_sgemv_unf_var1 → bli_sdotxf_generic_ref",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  // dotxf: y := β·y (β = 0 writes 0), then y := y + α·r (axpys, no FMA on the generic target).
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => dotxfLanes),
};

/** The packed large-matrix path: ref_kernels/bli_cntx_ref.c float blocksizes MR 4, NR 16, KC 256,
 * MC 256, NC 4096; sup thresholds 0 (sup disabled). The micro-kernel gets β for the first k-block
 * and 1 afterwards: C := β·C + α·ab, then C := C + α·ab. */
const large: GemmPlan = {
  path: "bli_gemm_ex → bli_gemm_ker_var2 → bli_sgemm_generic_ref",
  nc: { kind: "fixed", size: 4096 },
  kc: { kind: "fixed", size: 256 },
  mc: { kind: "fixed", size: 256 },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, 4, 16, () => chain),
};

/**
 * BLIS 0.9.0, configuration "generic" (forced with BLIS_ARCH_TYPE=25, the index of BLIS_ARCH_GENERIC in
 * frame/include/bli_type_defs.h; on our Zen 5 Debian's libblis4 auto-selects zen3 instead). Reference
 * kernels only, compiled -O3 with -funsafe-math-optimizations.
 */
export const blisGeneric: EmulationDeclaration = {
  library: "blis",
  version: "0.9.0",
  variant: "generic",
  description:
    "row-major m=1 with transB=true goes to gemv/dotxf: four lanes over k folded (L0+L2)+(L1+L3), then of the k mod 4 rest a pair (when two or more remain) and a last product, multiply then add; otherwise kc=256 k-blocks, one multiply-then-add chain per block, each block added to C",
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial) with BLIS_ARCH_TYPE=25 (generic; unset, BLIS picks zen3 on Zen 5) for row-major transB=true and the packed path; row-major m=1 with transB=false and n=1 (other gemv routes) unverified",
  sources: [
    "BLIS config/generic/bli_cntx_init_generic.c @ 0.9.0",
    "BLIS ref_kernels/bli_cntx_ref.c @ 0.9.0",
    "BLIS config/generic/make_defs.mk @ 0.9.0",
    "BLIS frame/compat/bla_gemm.c @ 0.9.0",
    "BLIS ref_kernels/1f/bli_dotxf_ref.c @ 0.9.0",
    "BLIS ref_kernels/3/bli_gemm_ref.c @ 0.9.0",
  ],
  plan: (shape) => (shape.N === 1 && shape.transA ? gemvDotxf : large),
};

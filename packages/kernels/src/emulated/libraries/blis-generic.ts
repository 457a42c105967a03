import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import { refDot, refGemvRoute, scalarAxpyTree, type RefGemvOrders } from "./blis-ref-gemv.js";

/** bli_sgemm_generic_ref: the k loop outermost, every ab(i,j) one multiply-then-add chain (the
 * vectorisation gcc applies runs across i and j, never across k). */
const chain: Accumulation = { kind: "chain", fused: false };
/** The gemv routes (row-major m = 1): dotxf as four SSE lanes over k folded (L0+L2)+(L1+L3), then one
 * pair, then one scalar; axpyf (fuse 8) with the vector rows' tree ((p0+p1)+(p2+p3)) + ((p4+p5)+c)) +
 * (p6+p7) over 4·⌊M/4⌋ rows, the scalar rows' tree for the rest. Measured with the order probe. */
const gemv: RefGemvOrders = { dotLanes: 4, axpyRows: [{ width: 4, tree: "0 1 + 2 3 + + 4 5 + c + + 6 7 + +" }], axpyScalarTree: scalarAxpyTree };

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
    "row-major m=1 goes to gemv: with transB=true dotxf, four lanes over k folded (L0+L2)+(L1+L3), then a pair, then a scalar, multiply then add; with transB=false axpyf, groups of 8 k folded into y by a fixed tree (vector and scalar rows differ); otherwise kc=256 k-blocks, one multiply-then-add chain per block, each block added to C",
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial) with BLIS_ARCH_TYPE=25 (generic; unset, BLIS picks zen3 on Zen 5) for the gemv routes of row-major m=1 and n=1 (every layout, α, β, padded), the packed path, sgemv and sdot (strides 1-3)",
  sources: [
    "BLIS config/generic/bli_cntx_init_generic.c @ 0.9.0",
    "BLIS ref_kernels/bli_cntx_ref.c @ 0.9.0",
    "BLIS config/generic/make_defs.mk @ 0.9.0",
    "BLIS frame/compat/bla_gemm.c @ 0.9.0",
    "BLIS ref_kernels/1f/bli_dotxf_ref.c @ 0.9.0",
    "BLIS ref_kernels/1f/bli_axpyf_ref.c @ 0.9.0",
    "BLIS frame/2/gemv/bli_gemv_unf_var1.c, bli_gemv_unf_var2.c @ 0.9.0",
    "BLIS ref_kernels/3/bli_gemm_ref.c @ 0.9.0",
  ],
  plan: (shape) => refGemvRoute(gemv, shape) ?? large,
  gemvPlan: (shape) => refGemvRoute(gemv, shape, true)!,
  dot: (_n, strided) => refDot(gemv, strided),
};

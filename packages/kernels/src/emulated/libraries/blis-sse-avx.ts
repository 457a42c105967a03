import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import { epilogueAxpyTree, refDot, refGemvRoute, scalarAxpyTree, type RefGemvOrders } from "./blis-ref-gemv.js";

/** The no-FMA asm micro-kernels (vmulps/vaddps, mulps/addps): one multiply-then-add chain per element. */
const chain: Accumulation = { kind: "chain", fused: false };

/** The main axpyf vector loop's tree, the same at 8 (AVX) and 4 (SSE) lanes:
 * ((((p0 + p1) + (p2 + p3)) + (p4 + p5)) + (p6 + p7)) + c. */
const vectorAxpyTree = "0 1 + 2 3 + + 4 5 + + 6 7 + + c +";

interface LegacyConfig {
  readonly variant: string;
  readonly kc: number;
  readonly mc: number;
  readonly nc: number;
  readonly mr: number;
  readonly nr: number;
  readonly ukr: string;
  readonly gemv: RefGemvOrders;
  readonly lanesText: string;
  readonly sources: readonly string[];
}

/**
 * BLIS 0.9.0's sandybridge and penryn configurations: asm gemm micro-kernels without FMA, no sup
 * kernels (the reference thresholds, 0, never select sup) and the reference level-1f kernels compiled
 * with the configuration's vector flags and -funsafe-math-optimizations (config/<cfg>/make_defs.mk
 * CRVECFLAGS). Row-major m = 1 is a gemv (frame/compat/bla_gemm.c); everything else runs the packed
 * five loops with the column-preferring micro-kernel, which computes C := β·C + α·AB with separate
 * multiplies and adds (edge tiles through xpbys_mxn: the same rounding).
 */
function declare(cfg: LegacyConfig): EmulationDeclaration {
  const packed: GemmPlan = {
    path: `bli_gemm_ex → bli_gemm_ker_var2 → ${cfg.ukr}`,
    nc: { kind: "fixed", size: cfg.nc },
    kc: { kind: "fixed", size: cfg.kc },
    mc: { kind: "fixed", size: cfg.mc },
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, cfg.mr, cfg.nr, () => chain),
  };
  return {
    library: "blis",
    version: "0.9.0",
    variant: cfg.variant,
    description:
      `row-major m=1 is a gemv: with B stored N×K dotxf, ${cfg.lanesText} lanes over k reduced by halving, one half-width vector, then scalar, multiply then add; otherwise axpyf, groups of 8 k folded into y by fixed trees (vector loop, epilogue and scalar rows differ); ` +
      `otherwise packed k-blocks of ${cfg.kc}, one multiply-then-add chain each, each block added to β·C`,
    verified: `verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial), BLIS_ARCH_TYPE set to ${cfg.variant}, also on the gemv routes of row-major m=1 and n=1 (every layout, α, β, padded), sgemv and sdot (strides 1-3)`,
    sources: cfg.sources,
    plan: (shape) => refGemvRoute(cfg.gemv, shape) ?? packed,
    gemvPlan: (shape) => refGemvRoute(cfg.gemv, shape, true)!,
    dot: (_n, strided) => refDot(cfg.gemv, strided),
  };
}

const common = [
  "BLIS frame/compat/bla_gemm.c @ 0.9.0",
  "BLIS ref_kernels/bli_cntx_ref.c @ 0.9.0",
  "BLIS ref_kernels/1f/bli_dotxf_ref.c @ 0.9.0",
  "BLIS ref_kernels/1f/bli_axpyf_ref.c @ 0.9.0",
];

/** sandybridge: config/sandybridge/bli_cntx_init_sandybridge.c s MR 8, NR 8, MC 128, KC 384, NC 4096,
 * bli_sgemm_sandybridge_asm_8x8; level-1f from -mavx (8 lanes, a 4-lane SSE epilogue). */
export const blisSandybridge = declare({
  variant: "sandybridge",
  kc: 384, mc: 128, nc: 4096, mr: 8, nr: 8,
  ukr: "bli_sgemm_sandybridge_asm_8x8",
  gemv: { dotLanes: 8, axpyRows: [{ width: 8, tree: vectorAxpyTree }, { width: 4, tree: epilogueAxpyTree }], axpyScalarTree: scalarAxpyTree },
  lanesText: "8 AVX",
  sources: ["BLIS config/sandybridge/bli_cntx_init_sandybridge.c @ 0.9.0", "BLIS config/sandybridge/make_defs.mk @ 0.9.0", "BLIS kernels/sandybridge/3/bli_gemm_sandybridge_asm_d8x4.c @ 0.9.0", ...common],
});

/** penryn: config/penryn/bli_cntx_init_penryn.c s MR 8, NR 4, MC 768, KC 384, NC 4096,
 * bli_sgemm_penryn_asm_8x4; level-1f from -mssse3 (4 SSE lanes, a 2-wide epilogue). */
export const blisPenryn = declare({
  variant: "penryn",
  kc: 384, mc: 768, nc: 4096, mr: 8, nr: 4,
  ukr: "bli_sgemm_penryn_asm_8x4",
  gemv: { dotLanes: 4, axpyRows: [{ width: 4, tree: vectorAxpyTree }, { width: 2, tree: epilogueAxpyTree }], axpyScalarTree: scalarAxpyTree },
  lanesText: "4 SSE",
  sources: ["BLIS config/penryn/bli_cntx_init_penryn.c @ 0.9.0", "BLIS config/penryn/make_defs.mk @ 0.9.0", "BLIS kernels/penryn/3/bli_gemm_penryn_asm_d4x4.c @ 0.9.0", ...common],
});

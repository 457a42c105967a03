import type { Accumulation } from "../accumulation.js";
import type { BlockContext, EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";
import { axpyf5Scalar, dotTiles, fmaChain, mulAddChain, x86Dot, x86GemvRoute } from "./blis-x86-gemv.js";

/**
 * BLIS 0.9.0's optimised x86-64 configurations (Debian libblis4, configure family x86_64). Three
 * routes, chosen in library (column-major) coordinates:
 *
 * 1. frame/compat/bla_gemm.c: N = 1 (row-major m = 1) or M = 1 (row-major n = 1) becomes bli_sgemv_ex
 *    (blis-x86-gemv.ts). For N = 1, a row-stored operand
 *    (TRANSA = 'T': nn.Linear's forward) takes bli_gemv_unf_var1, fused dot products: dotxf in
 *    groups of DF = 8 outputs, the M mod 8 left over one dotxv each; a column-stored one takes
 *    bli_gemv_unf_var2, fused axpys: y := β·y, then per k, y += (α·x_k)·a_k (vector rows fused,
 *    the M mod 8 scalar rows multiply then add, or with bli_saxpyf_zen_int_5 sum each group of
 *    five k in a double).
 * 2. frame/3/bli_l3_sup.c: the small/unpacked path when the sup thresholds are met. The haswell
 *    6x16 micro-kernel prefers rows and C is column-stored, so the thresholds are tested on the
 *    transposed problem (m', n', k) = (N, M, K). Every layout but row-major TT (crr, which runs in
 *    library coordinates) runs transposed: C' = the row-major C, A' = row-major op(A), B' =
 *    row-major op(B). var2m or var1n by ⌊m/MR⌋ ≥ ⌊n/NR⌋, KC by bli_l3_sup_var1n2m.c's rule; row-major
 *    B stored N×K (rrc) takes the rd (dot-product) kernels, everything else the rv (broadcast)
 *    kernels; an odd last column leaves the asm kernels (gemv or a scalar reference kernel).
 * 3. Otherwise the packed five loops with the native micro-kernel (one FMA chain per k-block), the
 *    partial edge tiles added through xpbys_mxn.
 */

/** The sup rd kernels (bli_gemmsup_rd_haswell_asm_s6x16m and its edge kernels): one ymm per
 * element over k (32 k per trip, then 8), vhaddps reduction (adjacent pairs), the k mod 8 rest
 * vmovss-loaded and FMA'd into lane 0 before the reduction. */
const rd: Accumulation = { kind: "lanes", fused: true, lanes: 8, minLength: 0, reduce: "adjacent", tail: "lane-0" };
/** rv sup kernels and the native micro-kernels: one FMA accumulator per element, k unrolled by 4. */
/** One configuration's constants (float column of each bli_blksz_init). */
export interface BlisX86Config {
  readonly variant: string;
  /** Native blocksizes: bli_cntx_init_<cfg>.c BLIS_KC / BLIS_MC / BLIS_NC / BLIS_MR / BLIS_NR. */
  /** The level-1f axpyf kernel's fuse factor: bli_saxpyf_zen_int_5 (zen2, zen3) or _8. */
  readonly axpyfFuse: 5 | 8;
  /** The dotv kernel: bli_sdotv_zen_int or bli_sdotv_zen_int10 (zen2, zen3). */
  readonly dotv: "int" | "int10";
  readonly native: { readonly kc: number; readonly kcMax?: number; readonly mc: number; readonly nc: number; readonly mr: number; readonly nr: number; readonly ukr: string; readonly rowPreferring: boolean };
  /** The sup path: thresholds (BLIS_MT, NT, KT) and sup blocksizes, or null when the configuration
   * registers none (thresholds 0: never taken). */
  readonly sup: { readonly mt: number; readonly nt: number; readonly kt: number; readonly kc: number; readonly mc: number; readonly nc: number; readonly mr: number; readonly nr: number } | null;
  readonly sources: readonly string[];
  readonly verified: string;
}

/**
 * frame/3/bli_l3_sup_int.c and bli_l3_sup_var1n2m.c (no packing, the default): var2m when
 * ⌊m'/MR⌋ ≥ ⌊n'/NR⌋ (its m-kernels end an odd n' with a gemv column), else var1n (n-kernels, no
 * gemv). The k-block: the sup KC for rrc (and rrr in var2m); otherwise it shrinks with the problem:
 * KC, KC/2, ⌊KC/3/4⌋·4, KC/4 or ⌊KC/5/4⌋·4 as m' ≤ 1, 2, 3, 4 MR and n' ≤ 1, 2, 3, 4 NR, or neither.
 */
function supKc(sup: NonNullable<BlisX86Config["sup"]>, m: number, n: number, var2m: boolean, rrc: boolean, rrr: boolean): number {
  const KC = sup.kc, MR = sup.mr, NR = sup.nr;
  if (rrc || (var2m && rrr)) return KC;
  if (m <= MR && n <= NR) return KC;
  if (m <= 2 * MR && n <= 2 * NR) return Math.floor(KC / 2);
  if (m <= 3 * MR && n <= 3 * NR) return Math.floor(Math.floor(KC / 3) / 4) * 4;
  if (m <= 4 * MR && n <= 4 * NR) return Math.floor(KC / 4);
  return Math.floor(Math.floor(KC / 5) / 4) * 4;
}

function supPlan(cfg: BlisX86Config, shape: LibraryShape): GemmPlan {
  const sup = cfg.sup!;
  // C_lib is column-stored; op(A_lib) is row-stored when TRANSA, op(B_lib) when TRANSB. Only crr
  // (row-major TT) is a "primary" case for the row-preferring kernels: it runs in library
  // coordinates. Every other case runs transposed: m' = N, n' = M, A' = row-major op(A), B' =
  // row-major op(B), C' row-stored (rrc for NT, rrr for NN, rcr for TN).
  const primary = shape.transA && shape.transB;
  const m = primary ? shape.M : shape.N, n = primary ? shape.N : shape.M;
  const aRows = primary || !shape.transB, bRows = primary || !shape.transA;
  const rrc = !primary && aRows && !bRows, rrr = !primary && aRows && bRows;
  const var2m = Math.floor(m / sup.mr) >= Math.floor(n / sup.nr);
  const kc = supKc(sup, m, n, var2m, rrc, rrr);
  const acc = rrc ? rd : fmaChain;
  // A last single column of the kernel's n (n odd) leaves the asm kernels. var2m's m-kernels hand it
  // to bli_sgemv_ex: with A row-stored that is var1 (dotxf/dotxv), vectorised only when x is
  // contiguous too (rrc), otherwise their scalar loops (multiply, then add), dotxf storing fma(α, ρ, β·y)
  // and dotxv fl(β·y) + fl(α·ρ) (per k-block, β then 1); with A column-stored
  // (rcr) var2's axpys into β·C on a strided y (C's column): the axpyf kernels' scalar rows.
  // var1n's rv n-kernels give it to bli_sgemmsup_r_haswell_ref_6x1 (a scalar multiply-add loop);
  // the rd n-kernels have asm kernels for every n edge.
  let edge: "dot" | "dot-strided" | "axpy" | Accumulation | null = null;
  if (n % 2 === 1) {
    if (var2m) edge = rrc ? "dot" : aRows ? "dot-strided" : "axpy";
    else if (!rrc) edge = mulAddChain;
  }
  const path = `bli_gemmsup_ref_${var2m ? "var2m" : "var1n"} → bli_sgemmsup_${rrc ? "rd" : "rv"}_haswell_asm_6x16${var2m ? "m" : "n"}`;
  return {
    path: edge === null ? path : `${path} (last column: ${var2m ? "bli_sgemv_ex" : "bli_sgemmsup_r_haswell_ref_6x1"})`,
    // The sup loops (jc over n in NC, ic over m in MC, pc over k in KC) in library coordinates.
    nc: { kind: "fixed", size: primary ? sup.nc : sup.mc },
    kc: { kind: "fixed", size: kc },
    mc: { kind: "fixed", size: primary ? sup.mc : sup.nc },
    // The odd last column's kernels put β·C first and add α·ρ to it (see MeetC).
    meetC: edge === null ? { kind: "fma-beta-first-block" } : { kind: "fma-beta-first-block", edge: primary ? { rows: 1, cols: 2 } : { rows: 2, cols: 1 } },
    *tiles(ctx: BlockContext) {
      // The kernel's last column: library row M − 1 (transposed problem) or column N − 1 (crr); the
      // blocks along it are multiples of NR, so only the final block holds it.
      const M = ctx.mBlock, N = ctx.nBlock;
      const lastBlock = primary ? N % 2 === 1 : M % 2 === 1;
      if (edge === null || !lastBlock) {
        yield { r0: 0, r1: M, s0: 0, s1: N, accumulation: acc };
      } else if (primary) {
        if (N > 1) yield { r0: 0, r1: M, s0: 0, s1: N - 1, accumulation: acc };
        if (edge === "dot" || edge === "dot-strided") yield* dotTiles(0, M, N - 1, N, "rows", edge === "dot-strided", "sup");
        else if (edge !== "axpy") yield { r0: 0, r1: M, s0: N - 1, s1: N, accumulation: edge }; // crr never takes the axpy route
      } else {
        if (M > 1) yield { r0: 0, r1: M - 1, s0: 0, s1: N, accumulation: acc };
        if (edge === "dot" || edge === "dot-strided") yield* dotTiles(M - 1, M, 0, N, "cols", edge === "dot-strided", "sup");
        else if (edge === "axpy") yield { r0: M - 1, r1: M, s0: 0, s1: N, accumulation: cfg.axpyfFuse === 5 ? axpyf5Scalar : mulAddChain, axpyIntoC: true };
        else yield { r0: M - 1, r1: M, s0: 0, s1: N, accumulation: edge };
      }
    },
  };
}

function nativePlan(cfg: BlisX86Config): GemmPlan {
  const n = cfg.native;
  return {
    path: `bli_gemm_ex → bli_gemm_ker_var2 → ${n.ukr}`,
    // A row-preferring micro-kernel runs the transposed problem: its MC blocks N, its NC blocks M.
    nc: { kind: "fixed", size: n.rowPreferring ? n.mc : n.nc },
    kc: n.kcMax === undefined ? { kind: "fixed", size: n.kc } : { kind: "fixed-max", size: n.kc, max: n.kcMax },
    mc: { kind: "fixed", size: n.rowPreferring ? n.nc : n.mc },
    // Edge tiles: bli_gemm_ker_var2 computes them aside and adds them with xpbys_mxn. The register
    // tile in library coordinates: MR×NR for a column-preferring micro-kernel; a row-preferring one
    // (C column-stored) runs the transposed problem, so NR rows × MR columns. MC and NC are
    // multiples of MR and NR, so the partial tiles are those at the edges of C.
    meetC: { kind: "fma-beta-first-block", edge: n.rowPreferring ? { rows: n.nr, cols: n.mr } : { rows: n.mr, cols: n.nr } },
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, n.rowPreferring ? n.nr : n.mr, n.rowPreferring ? n.mr : n.nr, () => fmaChain),
  };
}

function supThresholdMet(cfg: BlisX86Config, s: LibraryShape): boolean {
  const t = cfg.sup;
  if (t === null) return false;
  // bli_cntx_l3_sup_thresh_is_met on (n, m, k): the micro-kernel dislikes C's column storage.
  return s.N < t.mt || s.M < t.nt || s.K < t.kt;
}

export function declareBlisX86(cfg: BlisX86Config): EmulationDeclaration {
  const native = nativePlan(cfg);
  const supText = cfg.sup
    ? `below the sup thresholds (row-major m < ${cfg.sup.mt}, n < ${cfg.sup.nt} or k < ${cfg.sup.kt}) the sup kernels in k-blocks of ${cfg.sup.kc} (smaller for some layouts and sizes, by the sup variants' KC rule): for B stored N×K 8 FMA lanes per element (adjacent-pair reduction, k mod 8 into lane 0), otherwise one FMA chain, a last odd column as gemv or a scalar reference kernel; `
    : "";
  return {
    library: "blis",
    version: "0.9.0",
    variant: cfg.variant,
    description:
      `row-major m=1 is a gemv: with B stored N×K fused dot products (dotxf: 8 FMA lanes, adjacent-pair reduction, scalar tail; the n mod 8 last outputs dotxv: 4×8 FMA lanes, lanes in order, scalar tail), otherwise fused axpys into C; ` +
      supText +
      `otherwise packed k-blocks of ${cfg.native.kc}, one FMA chain each; C := fma(β, C, α·block) for the first block, then C + α·block`,
    verified: `${cfg.verified}, on the broadened fidelity suite (8 draws), on 720 gemms with row-major m = 1 and 720 with n = 1 (every layout, α, β, padded), 140 random sup-sized gemms (every layout, α, β, padded, wide and cancelling values), 144 gemv and 120 dot calls (strides 1-3, lengths to 9001)`,
    sources: cfg.sources,
    gemvPlan: (shape) => x86GemvRoute(cfg.axpyfFuse, shape, true)!,
    dot: (_n, strided) => x86Dot(cfg.dotv, strided),
    plan(shape) {
      const gemv = x86GemvRoute(cfg.axpyfFuse, shape);
      if (gemv !== null) return gemv;
      return supThresholdMet(cfg, shape) ? supPlan(cfg, shape) : native;
    },
  };
}

const common = [
  "BLIS frame/compat/bla_gemm.c @ 0.9.0",
  "BLIS frame/3/bli_l3_sup.c @ 0.9.0",
  "BLIS frame/3/bli_l3_sup_int.c @ 0.9.0",
  "BLIS frame/3/bli_l3_sup_var1n2m.c @ 0.9.0",
  "BLIS frame/2/gemv/bli_gemv_unf_var1.c, bli_gemv_unf_var2.c @ 0.9.0",
  "BLIS kernels/haswell/3/sup/bli_gemmsup_rd_haswell_asm_s6x16n.c @ 0.9.0",
  "BLIS kernels/haswell/3/sup/bli_gemmsup_rv_haswell_asm_s6x16n.c @ 0.9.0",
  "BLIS kernels/haswell/3/sup/s6x16/bli_gemmsup_r_haswell_ref_sMx1.c @ 0.9.0",
  "BLIS frame/3/gemm/bli_gemm_ker_var2.c @ 0.9.0",
  "BLIS frame/base/bli_cntx.h (bli_cntx_l3_sup_thresh_is_met) @ 0.9.0",
  "BLIS kernels/zen/1f/bli_dotxf_zen_int_8.c @ 0.9.0",
  "BLIS kernels/zen/1/bli_dotxv_zen_int.c @ 0.9.0",
  "BLIS kernels/haswell/3/sup/bli_gemmsup_rd_haswell_asm_s6x16m.c @ 0.9.0",
  "BLIS kernels/haswell/3/sup/bli_gemmsup_rv_haswell_asm_s6x16m.c @ 0.9.0",
];

/** zen3 (what Debian's libblis4 picks on Zen 3 and, by its fallback, on our Zen 5): config/zen3/bli_cntx_init_zen3.c:
 * native s MC 144, KC 256, NC 4080, MR 6, NR 16 (bli_sgemm_haswell_asm_6x16); sup thresholds s MT 512,
 * NT 200, KT 240; sup s KC 512, MC 144, NC 8160; axpyf bli_saxpyf_zen_int_5, dotxf bli_sdotxf_zen_int_8. */
export const blisZen3 = declareBlisX86({
  variant: "zen3",
  dotv: "int10",
  axpyfFuse: 5,
  native: { kc: 256, mc: 144, nc: 4080, mr: 6, nr: 16, ukr: "bli_sgemm_haswell_asm_6x16", rowPreferring: true },
  sup: { mt: 512, nt: 200, kt: 240, kc: 512, mc: 144, nc: 8160, mr: 6, nr: 16 },
  sources: ["BLIS config/zen3/bli_cntx_init_zen3.c @ 0.9.0", "BLIS kernels/zen/1f/bli_axpyf_zen_int_5.c @ 0.9.0", ...common],
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial), BLIS_ARCH_TYPE set to zen3",
});

/** haswell: config/haswell/bli_cntx_init_haswell.c: native s MC 168, KC 256, NC 4080, MR 6, NR 16
 * (bli_sgemm_haswell_asm_6x16); sup thresholds s 201/201/201; sup s MR 6, NR 16, MC 168, KC 256,
 * NC 4080; axpyf bli_saxpyf_zen_int_8, dotxf bli_sdotxf_zen_int_8. */
export const blisHaswell = declareBlisX86({
  variant: "haswell",
  dotv: "int",
  axpyfFuse: 8,
  native: { kc: 256, mc: 168, nc: 4080, mr: 6, nr: 16, ukr: "bli_sgemm_haswell_asm_6x16", rowPreferring: true },
  sup: { mt: 201, nt: 201, kt: 201, kc: 256, mc: 168, nc: 4080, mr: 6, nr: 16 },
  sources: ["BLIS config/haswell/bli_cntx_init_haswell.c @ 0.9.0", "BLIS kernels/zen/1f/bli_axpyf_zen_int_8.c @ 0.9.0", ...common],
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial), BLIS_ARCH_TYPE set to haswell",
});

/** skx: config/skx/bli_cntx_init_skx.c: s MR 32, NR 12, MC 480, KC 384 (max 480), NC 3072
 * (bli_sgemm_skx_asm_32x12_l2, column-preferring); no sup kernels, so the reference thresholds
 * (ref_kernels/bli_cntx_ref.c: 0) never send a call to sup; level-1f as haswell (zen int_8). */
export const blisSkx = declareBlisX86({
  variant: "skx",
  dotv: "int",
  axpyfFuse: 8,
  native: { kc: 384, kcMax: 480, mc: 480, nc: 3072, mr: 32, nr: 12, ukr: "bli_sgemm_skx_asm_32x12_l2", rowPreferring: false },
  sup: null,
  sources: ["BLIS config/skx/bli_cntx_init_skx.c @ 0.9.0", "BLIS frame/base/bli_blksz.c (bli_determine_blocksize_f_sub) @ 0.9.0", "BLIS kernels/skx/3/bli_sgemm_skx_asm_32x12_l2.c @ 0.9.0", "BLIS ref_kernels/bli_cntx_ref.c @ 0.9.0", "BLIS kernels/zen/1f/bli_axpyf_zen_int_8.c @ 0.9.0", ...common],
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial), BLIS_ARCH_TYPE set to skx",
});

/** zen2: config/zen2/bli_cntx_init_zen2.c: native s MC 144, KC 256, NC 4080, MR 6, NR 16 (the
 * non-AOCL_BLIS_MULTIINSTANCE branch); sup thresholds s 500/500/500; sup s MR 6, NR 16, MC 168,
 * KC 256, NC 4080 (haswell sup kernels); axpyf bli_saxpyf_zen_int_5, dotxf bli_sdotxf_zen_int_8. */
export const blisZen2 = declareBlisX86({
  variant: "zen2",
  dotv: "int10",
  axpyfFuse: 5,
  native: { kc: 256, mc: 144, nc: 4080, mr: 6, nr: 16, ukr: "bli_sgemm_haswell_asm_6x16", rowPreferring: true },
  sup: { mt: 500, nt: 500, kt: 500, kc: 256, mc: 168, nc: 4080, mr: 6, nr: 16 },
  sources: ["BLIS config/zen2/bli_cntx_init_zen2.c @ 0.9.0", "BLIS kernels/zen/1f/bli_axpyf_zen_int_5.c @ 0.9.0", ...common],
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial), BLIS_ARCH_TYPE set to zen2",
});

/** zen: config/zen/bli_cntx_init_zen.c: native s MR 6, NR 16, KC 256; sup thresholds s MT 512,
 * NT 512, KT 440; sup s MR 6, NR 16, MC 144, KC 256, NC 8160; axpyf/dotxf bli_s{axpyf,dotxf}_zen_int_8. */
export const blisZen = declareBlisX86({
  variant: "zen",
  dotv: "int",
  axpyfFuse: 8,
  native: { kc: 256, mc: 144, nc: 8160, mr: 6, nr: 16, ukr: "bli_sgemm_haswell_asm_6x16", rowPreferring: true },
  sup: { mt: 512, nt: 512, kt: 440, kc: 256, mc: 144, nc: 8160, mr: 6, nr: 16 },
  sources: ["BLIS config/zen/bli_cntx_init_zen.c @ 0.9.0", "BLIS config/zen/bli_family_zen.h @ 0.9.0", "BLIS kernels/zen/1f/bli_axpyf_zen_int_8.c @ 0.9.0", ...common],
  verified: "verified bit-for-bit against Debian libblis.so.4 0.9.0 (blis-serial), BLIS_ARCH_TYPE set to zen",
});

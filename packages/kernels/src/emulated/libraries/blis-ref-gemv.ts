import type { Accumulation } from "../accumulation.js";
import type { DotRoute, GemmPlan, LibraryShape, Tile } from "../declaration.js";

/**
 * BLIS 0.9.0's gemv route for the configurations that keep the reference level-1f kernels (generic,
 * sandybridge, penryn): frame/compat/bla_gemm.c sends N = 1 (row-major m = 1) to bli_sgemv_ex, which
 * takes bli_gemv_unf_var1 (dotxf) for a row-stored A (TRANSA = 'T') and bli_gemv_unf_var2 (axpyf,
 * fuse factor 8, the k mod 8 rest through axpyv) otherwise. The kernels are plain C loops
 * (ref_kernels/1f/bli_dotxf_ref.c, bli_axpyf_ref.c) compiled with the configuration's vector flags and
 * -funsafe-math-optimizations (config/<cfg>/make_defs.mk CRVECFLAGS); the orders below are what gcc
 * made of them, measured with the order probe, not read.
 */
export interface RefGemvOrders {
  /** dotxf: SIMD lanes over k, their reduction, a half-width epilogue, then scalar multiply-add. */
  readonly dotLanes: number;
  /** axpyf: y[i] += Σ_j a(i,j)·χ_j per group of 8 k, as a postfix tree per row class: the main vector
   * loop's rows first, then (optionally) one narrower vector epilogue, then scalar rows. */
  readonly axpyRows: ReadonlyArray<{ readonly width: number; readonly tree: string }>;
  readonly axpyScalarTree: string;
}

/** dotxf as gcc vectorised it: `lanes` lanes, halving reduction, one half-width vector, scalar rest. */
function dotAccumulation(lanes: number): Accumulation {
  return { kind: "lanes", fused: false, lanes, minLength: 0, reduce: "halving", tail: "half-then-mul-add" };
}

/**
 * The gemv's y runs along `along`: "rows" for N = 1 (y is C_lib's column, the matrix A_lib), "cols" for
 * M = 1 (bla_gemm's m0 == 1 branch: y is C_lib's row, the matrix B_lib, the vector A_lib's row).
 * `strided`: the vector (or y) is not contiguous, so the kernels leave their vector loops
 * (bli_dotxf_ref and bli_axpyf_ref test inca, incx, incy == 1) for plain dotxv / axpyv loops, one
 * multiply-then-add chain per output.
 */
export type GemvAlong = "rows" | "cols";

/** The tile of `ctx` from i0 to i1 along the gemv's y. */
function ySlice(ctx: { mBlock: number; nBlock: number }, along: GemvAlong, i0: number, i1: number, accumulation: Accumulation): Tile {
  return along === "rows" ? { r0: i0, r1: i1, s0: 0, s1: ctx.nBlock, accumulation } : { r0: 0, r1: ctx.mBlock, s0: i0, s1: i1, accumulation };
}

const mulAdd: Accumulation = { kind: "chain", fused: false };

export function refGemvDotxf(orders: RefGemvOrders, along: GemvAlong = "rows", strided = false): GemmPlan {
  const acc = strided ? mulAdd : dotAccumulation(orders.dotLanes);
  return {
    path: `bla_gemm.c (${along === "rows" ? "n" : "m"} == 1) → bli_sgemv_ex → bli_gemv_unf_var1 → ${strided ? "bli_sdotxv_ref (strided loop)" : "bli_sdotxf_ref"}`,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    // dotxf: y := β·y (β = 0 writes 0), then y := y + α·r (axpys; no FMA in these builds).
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
    tiles: (ctx) => [ySlice(ctx, along, 0, along === "rows" ? ctx.mBlock : ctx.nBlock, acc)],
  };
}

export function refGemvAxpyf(orders: RefGemvOrders, along: GemvAlong = "rows", strided = false): GemmPlan {
  return {
    path: `bla_gemm.c (${along === "rows" ? "n" : "m"} == 1) → bli_sgemv_ex → bli_gemv_unf_var2 → ${strided ? "bli_saxpyv_ref (strided loop)" : "bli_saxpyf_ref (fuse 8) + bli_saxpyv_ref"}`,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    // y := β·y (scalv), then every product joins y: χ_j = α·x_j first, each product fl(χ_j·a(i,j)).
    meetC: along === "rows" ? { kind: "accumulate-into-c" } : { kind: "accumulate-into-c", alphaOnA: true },
    *tiles(ctx): Iterable<Tile> {
      const M = along === "rows" ? ctx.mBlock : ctx.nBlock;
      if (strided) {
        yield ySlice(ctx, along, 0, M, mulAdd);
        return;
      }
      let r = 0;
      for (const [i, row] of orders.axpyRows.entries()) {
        // The main loop repeats; an epilogue runs at most once.
        const n = i === 0 ? M - (M % row.width) : M - r >= row.width ? row.width : 0;
        if (n > 0) yield ySlice(ctx, along, r, r + n, { kind: "group-tree", group: 8, tree: row.tree });
        r += n;
      }
      if (r < M) yield ySlice(ctx, along, r, M, { kind: "group-tree", group: 8, tree: orders.axpyScalarTree });
    },
  };
}

/** The scalar rows' tree, the same in every build measured: (((c + p0) + (p1 + p2)) + ((p3 + p4) + p5)) + (p6 + p7). */
export const scalarAxpyTree = "0 c + 1 2 + + 3 4 + 5 + + 6 7 + +";
/** A 4-wide SSE epilogue (sandybridge) or 2-wide one (penryn): ((((c + p0) + (p1 + p2)) + (p3 + p4)) + (p5 + p6)) + p7. */
export const epilogueAxpyTree = "0 c + 1 2 + + 3 4 + + 5 6 + + 7 +";

/**
 * bla_gemm.c's gemv shortcuts, or null for a true gemm. N = 1: bli_sgemv on A_lib (var1 when op(A_lib)
 * is row-stored, TRANSA; var2 otherwise), x = B_lib's column with stride ldb when TRANSB, y = C's
 * column (contiguous). M = 1: bli_sgemv on B_lib transposed, which is row-stored: var1 when TRANSB is
 * 'N', var2 when 'T'; x = A_lib's row (stride lda unless TRANSA), y = C's row (stride ldc).
 */
export function refGemvRoute(orders: RefGemvOrders, shape: LibraryShape, gemv = false): GemmPlan | null {
  if (gemv) {
    // sgemv_ itself (see EmulationDeclaration.gemvPlan): bli_sgemv_ex on the call's A, stored (rs, cs) =
    // (1, lda) in BLAS's column-major view; row storage (lda = 1) is tested first in both branches.
    const dot = shape.transB ? shape.ldb === 1 : shape.ldb !== 1;
    const xStrided = shape.lda !== 1, yStrided = shape.ldc !== 1;
    return dot ? refGemvDotxf(orders, "cols", xStrided) : refGemvAxpyf(orders, "cols", xStrided || yStrided);
  }
  if (shape.N === 1) {
    const strided = shape.transB && (shape.ldb ?? 1) !== 1;
    // bli_sgemv_ex tests row storage first: with K = 1 and lda = 1 the transposed A_lib is both, and
    // counts as row-stored, so var2 (axpyf) runs instead of var1.
    return shape.transA && (shape.lda ?? 0) !== 1 ? refGemvDotxf(orders, "rows", strided) : refGemvAxpyf(orders, "rows", strided);
  }
  if (shape.M !== 1) return null;
  const xStrided = !shape.transA && (shape.lda ?? 1) !== 1, yStrided = (shape.ldc ?? 1) !== 1;
  return shape.transB ? refGemvAxpyf(orders, "cols", xStrided || yStrided) : refGemvDotxf(orders, "cols", xStrided);
}

/** bla_dot.c → bli_sdotv_ex → bli_sdotv_ref: the same gcc vectorisation as dotxv (`dotLanes` lanes,
 * halving, a half-width vector, scalar rest); a strided x or y runs its plain loop, multiply then add. */
export function refDot(orders: RefGemvOrders, strided: boolean): DotRoute {
  if (strided) return { path: "bla_dot.c → bli_sdotv_ex → bli_sdotv_ref (strided loop)", accumulation: mulAdd };
  return { path: "bla_dot.c → bli_sdotv_ex → bli_sdotv_ref", accumulation: dotAccumulation(orders.dotLanes) };
}

import type { Accumulation } from "../accumulation.js";
import type { GemmPlan, Tile } from "../declaration.js";
import { gridTiles } from "../declaration.js";

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

export function refGemvDotxf(orders: RefGemvOrders): GemmPlan {
  const acc = dotAccumulation(orders.dotLanes);
  return {
    path: "bla_gemm.c (n == 1) → bli_sgemv_ex → bli_gemv_unf_var1 → bli_sdotxf_ref",
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    // dotxf: y := β·y (β = 0 writes 0), then y := y + α·r (axpys; no FMA in these builds).
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => acc),
  };
}

export function refGemvAxpyf(orders: RefGemvOrders): GemmPlan {
  return {
    path: "bla_gemm.c (n == 1) → bli_sgemv_ex → bli_gemv_unf_var2 → bli_saxpyf_ref (fuse 8) + bli_saxpyv_ref",
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    // y := β·y (scalv), then every product joins y: χ_j = α·x_j first, each product fl(χ_j·a(i,j)).
    meetC: { kind: "accumulate-into-c" },
    *tiles(ctx): Iterable<Tile> {
      let r = 0;
      const M = ctx.mBlock;
      for (const [i, row] of orders.axpyRows.entries()) {
        // The main loop repeats; an epilogue runs at most once.
        const n = i === 0 ? M - (M % row.width) : M - r >= row.width ? row.width : 0;
        if (n > 0) yield { r0: r, r1: r + n, s0: 0, s1: ctx.nBlock, accumulation: { kind: "group-tree", group: 8, tree: row.tree } };
        r += n;
      }
      if (r < M) yield { r0: r, r1: M, s0: 0, s1: ctx.nBlock, accumulation: { kind: "group-tree", group: 8, tree: orders.axpyScalarTree } };
    },
  };
}

/** The scalar rows' tree, the same in every build measured: (((c + p0) + (p1 + p2)) + ((p3 + p4) + p5)) + (p6 + p7). */
export const scalarAxpyTree = "0 c + 1 2 + + 3 4 + 5 + + 6 7 + +";
/** A 4-wide SSE epilogue (sandybridge) or 2-wide one (penryn): ((((c + p0) + (p1 + p2)) + (p3 + p4)) + (p5 + p6)) + p7. */
export const epilogueAxpyTree = "0 c + 1 2 + + 3 4 + + 5 6 + + 7 +";

import type { GemmPlan, LibraryShape, Tile } from "../declaration.js";
import type { OpenblasGemvNAccumulation } from "../orders/openblas-gemv-n.js";
import type { OpenblasGemvTAccumulation } from "../orders/openblas-gemv-t.js";
import type { OpenblasGemvTSmallAccumulation, SmallTNode } from "../orders/openblas-gemv-t-small.js";
import { sgemvN } from "./openblas-level12.js";

/*
 * OpenBLAS 0.3.21's sgemv on the SkylakeX and Cooperlake core types (KERNEL.COOPERLAKE includes
 * KERNEL.SKYLAKEX: SGEMVNKERNEL sgemv_n_4.c, SGEMVTKERNEL sgemv_t_4.c, which include the Haswell
 * micro-kernels and the AVX-512 ones of sgemv_n_microk_skylakex-8.c / sgemv_t_microk_skylakex.c). Debian
 * compiles these files for SkylakeX with FMA contraction: every a·b + c in their C is one FMA (measured:
 * the other reading of each contracted expression misses against the real library).
 */

const plan = (path: string, kc: GemmPlan["kc"], tiles: GemmPlan["tiles"]): GemmPlan => ({
  path: `interface/gemv.c → kernel/x86_64/${path}`,
  nc: { kind: "whole" },
  kc,
  mc: { kind: "whole" },
  meetC: { kind: "accumulate-into-c", alphaInOrder: true },
  tiles,
});

/** sgemv_kernel_n_128 (sgemv_n_microk_skylakex-8.c): each y row one FMA chain over all of x, then fma(r, α, y). */
function n128(shape: LibraryShape): GemmPlan {
  const whole: OpenblasGemvNAccumulation = { kind: "openblas-gemv-n", core: "skylakex", alpha: shape.alpha, cls: "whole", xStrided: false, yStrided: false };
  return plan("sgemv_n_4.c → sgemv_n_microk_skylakex-8.c (sgemv_kernel_n_128)", { kind: "whole" },
    (ctx) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation: whole }]);
}

/**
 * sgemv_t_4.c past its small kernel: as the Haswell route (NB = 4096 blocks, then the rest rounded down to 4,
 * then len mod 4; the 4x4 kernel, the SSE 4x2 and 4x1), but each block's sum meets y in the order: the 4x4
 * outputs through add_y (SSE multiply then add for a contiguous y; its C loop, contracted, for a strided
 * one), the 4x2 and 4x1 outputs by `*y_ptr += ybuffer[0] * alpha` (contracted), the len mod 4 rest as
 * "rest-fused".
 */
function sgemvT(shape: LibraryShape): GemmPlan {
  const t = (kernel: OpenblasGemvTAccumulation["kernel"], fused: boolean): OpenblasGemvTAccumulation =>
    ({ kind: "openblas-gemv-t", kernel, meet: { alpha: shape.alpha, fused } });
  const k4x4 = t("4x4-fma8", shape.ldc !== 1), k4x2 = t("4x2", true), k4x1 = t("4x1", true), rest = t("rest-fused", true);
  return plan("sgemv_t_4.c → sgemv_t_microk_haswell-4.c", { kind: "fixed-align-rest", size: 4096, align: 4 }, function* (ctx): Iterable<Tile> {
    const n = ctx.nBlock, M = ctx.mBlock, n4 = n - (n % 4);
    if (ctx.kBlock < 4) {
      yield { r0: 0, r1: M, s0: 0, s1: n, accumulation: rest };
      return;
    }
    if (n4 > 0) yield { r0: 0, r1: M, s0: 0, s1: n4, accumulation: k4x4 };
    if (n & 2) yield { r0: 0, r1: M, s0: n4, s1: n4 + 2, accumulation: k4x2 };
    if (n & 1) yield { r0: 0, r1: M, s0: n - 1, s1: n, accumulation: k4x1 };
  });
}

/** One row block of a small kernel: the outputs below n & ~(upTo - 1) not taken by an earlier block. */
type SmallBlock = readonly [upTo: number, spec: Omit<OpenblasGemvTSmallAccumulation, "kind" | "alpha">];
const seq = (n: number): number[] => Array.from({ length: n }, (_, j) => j);
/** mul(u, x) then add: contracted to fma(a_j, x_j, plus) (see SmallTNode). */
const fma = (j: number, plus: SmallTNode): SmallTNode => ({ fma: j, plus });
/** y += q0; y += q1; …: the scalar loops `for (i < len) y[i] += ret8[i]`. */
const foldIntoY = (n: number): SmallTNode => seq(n).reduce<SmallTNode>((acc, j) => [acc, j], "y");

/**
 * sgemv_kernel_t_1 … _8 (sgemv_t_microk_skylakex_template.c @ v0.3.21), by len: each row block's
 * expression, read from its intrinsics (which register holds which column, which product is the FMA
 * chain's rounded start, how the hadd and extract steps pair the lanes), and measured against the library.
 */
const smallKernels: Record<number, readonly SmallBlock[]> = {
  1: [[1, { products: "x·α", chain: { order: [0], fromY: true } }]],
  2: [[16, { products: "x·α", chain: { order: [0, 1] } }],
    [1, { products: "·α", tree: { expr: [[0, 1], "y"] } }]],
  3: [[8, { products: "x·α", chain: { order: [0, 1, 2] } }],
    [4, { products: "x·α", chain: { order: [1, 0, 2] } }],
    [2, { products: "plain", tree: { expr: [[0, 1], [2, "0"]], fmaAlpha: true } }],
    [1, { products: "plain", chain: { order: [1, 0, 2] } }]],
  4: [[4, { products: "x·α", tree: { expr: [[[0, 1], [2, 3]], "y"] } }],
    [2, { products: "plain", tree: { expr: [[0, 1], [2, 3]], fmaAlpha: true } }],
    [1, { products: "plain", tree: { expr: [[[0, 1], 2], 3], fmaAlpha: true } }]],
  5: [[4, { products: "plain", chain: { order: seq(5) } }],
    [1, { products: "x·α", tree: { expr: ["y", [[[[0, 1], 2], 3], 4]] } }]],
  6: [[8, { products: "plain", chain: { order: seq(6) } }],
    [4, { products: "plain", tree: { expr: [[{ alpha: [fma(0, "0"), fma(1, 2)] }, { alpha: [fma(3, "0"), fma(4, 5)] }], "y"] } }],
    [1, { products: "x·α", tree: { expr: foldIntoY(6) } }]],
  7: [[8, { products: "plain", chain: { order: seq(7) } }],
    [4, { products: "plain", tree: { expr: [[{ alpha: [fma(0, 1), fma(4, 5)] }, { alpha: [fma(2, 3), fma(6, "0")] }], "y"] } }],
    [1, { products: "x·α", tree: { expr: foldIntoY(7) } }]],
  8: [[4, { products: "x·α", tree: { expr: [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]], "y"] } }],
    [2, { products: "x·α", tree: { expr: ["y", [[[0, 1], [4, 5]], [[2, 3], [6, 7]]]] } }],
    [1, { products: "x·α", tree: { expr: ["y", [[[[0, 4], [1, 5]], [2, 6]], [3, 7]]] } }]],
};

/** sgemv_t_4.c's small kernel (lda = len ≤ 8, at most 16384 outputs; x and y copied to buffers when strided). */
function smallT(shape: LibraryShape): GemmPlan {
  const blocks = smallKernels[shape.K]!.map(([upTo, spec]) => [upTo, { kind: "openblas-gemv-t-small", alpha: shape.alpha, ...spec }] as const);
  return plan(`sgemv_t_4.c → sgemv_t_microk_skylakex_template.c (sgemv_kernel_t_${shape.K})`, { kind: "whole" }, function* (ctx): Iterable<Tile> {
    const n = ctx.nBlock, M = ctx.mBlock;
    let s0 = 0;
    for (const [upTo, accumulation] of blocks) {
      const s1 = n & ~(upTo - 1);
      if (s1 > s0) yield { r0: 0, r1: M, s0, s1, accumulation };
      s0 = Math.max(s0, s1);
    }
  });
}

/**
 * The SkylakeX / Cooperlake gemv routes (library shape, see EmulationDeclaration.gemvPlan). 'T' (the
 * row-major gemv without transA): the small kernel when lda = len ≤ 8 and n ≤ 16384, else sgemvT. 'N':
 * sgemv_kernel_n_128 when len ≤ 48, len ≠ 4 and y has at most 16384 rows, else sgemv_n_4.c's Haswell
 * route with sgemv_kernel_n_64 and contracted C (`openblas-gemv-n`, core "skylakex").
 */
export function openblasSkylakexGemv(shape: LibraryShape): GemmPlan {
  if (!shape.transB) return shape.ldb === shape.K && shape.K <= 8 && shape.N <= 16384 ? smallT(shape) : sgemvT(shape);
  return shape.K <= 48 && shape.K !== 4 && shape.N <= 16384 ? n128(shape) : sgemvN("skylakex", shape);
}

import type { DotRoute, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import type { OpenblasGemvNAccumulation } from "../orders/openblas-gemv-n.js";
import type { OpenblasGemvTAccumulation } from "../orders/openblas-gemv-t.js";
import type { OpenblasSdotAccumulation } from "../orders/openblas-sdot.js";

/** The x86-64 core types whose level-1/2 kernels are emulated (kernel/x86_64/KERNEL.<core> @ v0.3.21). */
export type OpenblasCore = "haswell" | "skylakex" | "sandybridge" | "nehalem";

/** sdot.c's sdot_kernel_16 per core: sdot_microk_haswell-2.c (Haswell, Zen: 4 ymm, vfmadd231ps),
 * sdot_microk_skylakex-2.c (SkylakeX, Cooperlake: intrinsics, 4 zmm over 64 then 4 ymm, contracted to
 * FMA), sdot_microk_sandy-2.c (4 ymm, vmulps + vaddps), sdot_microk_nehalem-2.c (4 xmm, mulps + addps). */
const sdotKernels: Record<OpenblasCore, OpenblasSdotAccumulation> = {
  haswell: { kind: "openblas-sdot", lanes: 8, registers: 4, fused: true, wide: false, reduce: "halves-then-pairs" },
  skylakex: { kind: "openblas-sdot", lanes: 8, registers: 4, fused: true, wide: true, reduce: "sum-then-halves" },
  sandybridge: { kind: "openblas-sdot", lanes: 8, registers: 4, fused: false, wide: false, reduce: "halves-then-pairs" },
  nehalem: { kind: "openblas-sdot", lanes: 4, registers: 4, fused: false, wide: false, reduce: "pairs" },
};

/** Whether the core's C (the strided pairs y0·x0 + y1·x1) is compiled with FMA contraction: measured (a
 * strided sdot against the library), SkylakeX's yes, Haswell's (and Zen's) no. */
const contracts: Record<OpenblasCore, boolean> = { haswell: false, skylakex: true, sandybridge: false, nehalem: false };

/** interface/dot.c → kernel/x86_64/sdot.c (SDOTKERNEL of every core here). */
export function openblasDot(core: OpenblasCore, strided: boolean): DotRoute {
  const k = sdotKernels[core];
  return strided
    ? { path: "interface/dot.c → kernel/x86_64/sdot.c (strided pairs)", accumulation: { ...k, strided: { pairFused: contracts[core] } } }
    : { path: `interface/dot.c → kernel/x86_64/sdot.c → sdot_microk_${core === "sandybridge" ? "sandy" : core}-2.c`, accumulation: k };
}

const gemvT = (kernel: OpenblasGemvTAccumulation["kernel"]): OpenblasGemvTAccumulation => ({ kind: "openblas-gemv-t", kernel });
const sandySwapped = gemvT("4x4-sandy-swapped"), t4x2 = gemvT("4x2"), t4x1 = gemvT("4x1"), tRest = gemvT("rest");
/** Each core's sgemv_kernel_4x4 (sgemv_t_microk_<core>-4.c). */
const t4x4: Partial<Record<OpenblasCore, OpenblasGemvTAccumulation>> = { haswell: gemvT("4x4-fma8"), sandybridge: gemvT("4x4-sandy"), nehalem: t4x2 };

/**
 * interface/gemv.c → kernel/x86_64/sgemv_t_4.c (Haswell and Zen with sgemv_t_microk_haswell-4.c,
 * Sandybridge and Nehalem with their own 4x4 kernels): the BLAS 'T' gemv, i.e. the row-major gemv
 * without transA. y := β·y first (SCAL_K); the dot length is cut in NB = 4096 blocks, then the rest
 * rounded down to 4 (a block each: every output's block sum s, then y := fl(y + fl(α·s)) through add_y
 * or `*y += ybuffer * alpha`), then the len mod 4 last products, added to y as one expression over x
 * scaled by α. Outputs 4·⌊n/4⌋ take the 4x4 kernel, then two the 4x2 kernel (n & 2), then one the 4x1
 * kernel (n & 1). The strides of x and y do not change the order (x is copied to a buffer, y updated
 * element by element, multiply then add: these cores' C is not contracted to FMA).
 */
function sgemvT(core: OpenblasCore, k4x4: OpenblasGemvTAccumulation): GemmPlan {
  return {
    path: `interface/gemv.c → kernel/x86_64/sgemv_t_4.c → sgemv_t_microk_${core === "sandybridge" ? "sandy" : core}-4.c`,
    nc: { kind: "whole" },
    kc: { kind: "fixed-align-rest", size: 4096, align: 4 },
    mc: { kind: "whole" },
    meetC: { kind: "scale-then-add-blocks", fusedAlpha: false, alphaFirstBelow: 4 },
    *tiles(ctx): Iterable<Tile> {
      const n = ctx.nBlock, M = ctx.mBlock;
      if (ctx.kBlock < 4) {
        yield { r0: 0, r1: M, s0: 0, s1: n, accumulation: tRest };
        return;
      }
      const n4 = n - (n % 4);
      if (k4x4.kernel === "4x4-sandy") {
        // Sandybridge's kernel adds the second output of each four in the other register order.
        for (let s = 0; s < n4; s += 4) {
          yield { r0: 0, r1: M, s0: s, s1: s + 1, accumulation: k4x4 };
          yield { r0: 0, r1: M, s0: s + 1, s1: s + 2, accumulation: sandySwapped };
          yield { r0: 0, r1: M, s0: s + 2, s1: s + 4, accumulation: k4x4 };
        }
      } else if (n4 > 0) yield { r0: 0, r1: M, s0: 0, s1: n4, accumulation: k4x4 };
      if (n & 2) yield { r0: 0, r1: M, s0: n4, s1: n4 + 2, accumulation: t4x2 };
      if (n & 1) yield { r0: 0, r1: M, s0: n - 1, s1: n, accumulation: t4x1 };
    },
  };
}
const sgemvTPlans = Object.fromEntries(Object.entries(t4x4).map(([core, k]) => [core, sgemvT(core as OpenblasCore, k)])) as Partial<Record<OpenblasCore, GemmPlan>>;

/**
 * interface/gemv.c → kernel/x86_64/sgemv_n_4.c with the core's micro-kernels (Haswell and Zen, Sandybridge, Nehalem;
 * SkylakeX's past its sgemv_kernel_n_128, see openblas-avx512-gemv.ts): the BLAS
 * 'N' gemv, i.e. the row-major gemv with transA. y := β·y first; y's rows in NB = 4096 blocks, then the
 * rest rounded down to 4, then the len mod 4 last rows in C; inside a block the first NB & 4 and NB & 8
 * rows are the kernels' head, the rest their 16-row loop (see `openblas-gemv-n`).
 */
export function sgemvN(core: OpenblasCore, shape: LibraryShape): GemmPlan {
  const k = core === "sandybridge" ? "sandy" : core;
  const N = shape.N, rows3 = N & 3, xStrided = shape.lda !== 1, yStrided = shape.ldc !== 1;
  const acc = (cls: OpenblasGemvNAccumulation["cls"], pairs: 0 | 2 | 4 = 0): OpenblasGemvNAccumulation =>
    ({ kind: "openblas-gemv-n", core: k, alpha: shape.alpha, cls, xStrided, yStrided: yStrided && cls !== "rest", pairs });
  const head = acc("head"), loop = acc("loop");
  // The C rest loop unrolls when lda equals the rest's row count and x is contiguous.
  const restPairs: 0 | 2 | 4 = !xStrided && shape.ldb === rows3 ? (rows3 === 1 ? 4 : 2) : 0;
  const rest = acc("rest", restPairs);
  return {
    path: `interface/gemv.c → kernel/x86_64/sgemv_n_4.c → ${core === "skylakex" ? "sgemv_n_microk_haswell-4.c, sgemv_n_microk_skylakex-8.c (sgemv_kernel_n_64)" : `sgemv_n_microk_${k}-4.c`}`,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    meetC: { kind: "accumulate-into-c", alphaInOrder: true },
    *tiles(ctx): Iterable<Tile> {
      const M = ctx.mBlock, end = N - rows3;
      const span = (s0: number, s1: number, a: OpenblasGemvNAccumulation): Tile => ({ r0: 0, r1: M, s0, s1, accumulation: a });
      for (let b0 = 0; b0 < end; b0 += 4096) {
        const nb = Math.min(4096, end - b0), h = (nb & 4) + (nb & 8);
        if (h > 0) yield span(b0, b0 + h, head);
        if (h < nb) yield span(b0 + h, b0 + nb, loop);
      }
      if (rows3 > 0) yield span(end, N, rest);
    },
  };
}

/** The gemv routes of the cores modelled (the gemv's library shape: see EmulationDeclaration.gemvPlan),
 * or null where a route is not modelled (the declaration's gemm plan then stands in, unverified). */
export function openblasGemv(core: Exclude<OpenblasCore, "skylakex">, shape: LibraryShape): GemmPlan | null {
  if (!shape.transB) return sgemvTPlans[core] ?? null;
  return sgemvN(core, shape);
}

import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan, MeetC } from "../declaration.js";
import { gridTiles } from "../declaration.js";

/**
 * The SIMT (CUDA-core, no Tensor Core, no TF32) sgemm structure CUTLASS documents and cuBLAS's fp32
 * kernels are generally taken to share: threadblock tiles over C, warp tiles, and per thread a small
 * register tile of accumulators. The accumulators are cleared once; the mainloop walks k tile by tile
 * (CtaTileK) in increasing k and, inside a tile, the warp-level MMA issues one `d = a·b + c` per k
 * for every accumulator (arch/mma_sm50.h's 1x1x1 FMA: nvcc contracts it to FFMA). So, without split-K,
 * each element is one FMA chain over k = 0 … K−1 from +0, whatever the tile sizes: the tiles decide
 * which thread owns an element, never its order. The tile sizes below are therefore immaterial to the
 * bits and are CUTLASS's common SIMT sgemm default (128x128x8 threadblock, 32x64 warp, 8x8 per thread
 * tile) only for the record.
 */
const simtChain: Accumulation = { kind: "chain", fused: true };

/**
 * A gemv-T ("dot form": every output is a dot of two k-contiguous vectors): the common GPU pattern is
 * one warp per output, lane l taking products l, l+32, l+64, … in a strided FMA chain (coalesced
 * loads), then a shuffle reduction (__shfl_down 16, 8, 4, 2, 1, or the xor butterfly, which leaves
 * the same tree in lane 0): 32 fused lanes with the rest in the lanes, halving. A hypothesis: cuBLAS's
 * gemv kernels are closed source and no public probe of them was found.
 */
const warpDot: Accumulation = { kind: "lanes", fused: true, lanes: 32, minLength: 0, reduce: "halving", tail: "in-lanes" };

/**
 * CUTLASS epilogue/thread/linear_combination.h: X = β·C (a multiply), then D = multiply_add(α, accum, X)
 * = fma(α, s, fl(β·C)); with β = 0 the source is not read and D = fl(α·s). That is sum-then-epilogue
 * with alphaFused.
 */
const linearCombination: MeetC = { kind: "sum-then-epilogue", alphaFused: true };

function plan(path: string, acc: Accumulation): GemmPlan {
  return {
    path,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    meetC: linearCombination,
    // 128x128 threadblock tiles (library M x N); the order per element does not depend on them.
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, 128, 128, () => acc),
  };
}

const simt = plan("cublasSgemm (pedantic math: fp32 SIMT kernel, CUTLASS-style mainloop, no split-K) — unverified", simtChain);
const gemvT = plan("cublasSgemm with one output column → gemv-T style warp-per-output dot (hypothesis) — unverified", warpDot);
const gemvN = plan("cublasSgemm with one output column, op(A) = A → gemv-N style thread-per-output FMA chain (hypothesis) — unverified", simtChain);

/**
 * cuBLAS 12 sgemm on an sm_80 (A100-class) GPU with CUBLAS_PEDANTIC_MATH (what the native bridge's
 * `cublas-…-pedantic` backend sets: fp32 on CUDA cores, no TF32), one stream. UNVERIFIED: no GPU was
 * available; every field rests on public structure, not on a measurement of cuBLAS itself.
 */
export const cublas: EmulationDeclaration = {
  library: "cublas",
  version: "12",
  variant: "sm80-unverified",
  description:
    "one fused multiply-add chain per element over k from +0 (a CUTLASS-style SIMT mainloop, no split-K), then D = fma(alpha, sum, beta*C); " +
    "a single output column in the nn.Linear layout (row-major m = 1, transB = true) is a warp per output: 32 FMA lanes over k (lane = k mod 32) reduced by a halving shuffle tree",
  verified:
    "unverified: built from public evidence without a GPU. (1) The per-element FMA chain over k in order and the clear-to-zero start: CUTLASS's documented GEMM " +
    "loop nest (media/docs/efficient_gemm.md, gemm_api.md: accumulators stay in registers across the k mainloop) and its SIMT path " +
    "(gemm/warp/mma_simt.h, arch/mma_sm50.h); cuBLAS's own fp32 kernels are closed and only assumed to share it. (2) No split-K: an assumption; " +
    "cuBLAS's heuristics may pick split-K or stream-K kernels for small M·N and large K (NVIDIA/CUDALibrarySamples#243: split-K changes the " +
    "order), which this declaration does not model. (3) The epilogue fma(alpha, sum, fl(beta*C)): CUTLASS epilogue/thread/linear_combination.h. " +
    "(4) The m = 1 warp-shuffle order: the usual warp-per-row gemv-T pattern, not an observation of cuBLAS. (5) FPRev (Xie et al., USENIX ATC 2025, " +
    "arXiv 2411.00442) reports that operations relying on cuBLAS (like MKL and OpenBLAS) are not reproducible across the hardware it tested " +
    "(V100, A100, H100), hence the sm80 / cuBLAS 12 pin. " +
    "To verify: on an NVIDIA GPU with libcublas, `chimera probe --backend cublas-<version>-pedantic --shape 1x8x784 --trans-b --beta 1` and " +
    "`--shape 64x8x784`, then `chimera fidelity --backends cublas-12-sm80-unverified` (the test/emulated/fidelity-native suite runs it there)",
  sources: [
    "NVIDIA/cutlass media/docs/efficient_gemm.md (hierarchical GEMM loop nest) @ v3.x",
    "NVIDIA/cutlass include/cutlass/gemm/warp/mma_simt.h, include/cutlass/arch/mma_sm50.h (SIMT FMA per k) @ v3.x",
    "NVIDIA/cutlass include/cutlass/epilogue/thread/linear_combination.h (D = alpha*accum + beta*C as one multiply_add) @ v3.x",
    "arXiv 2411.00442 (FPRev, USENIX ATC 2025): cuBLAS-backed orders are not reproducible across V100/A100/H100",
  ],
  // Library coordinates: N = 1 is the row-major call's m = 1; transA there is the row-major transB.
  plan: (shape) => (shape.N === 1 ? (shape.transA ? gemvT : gemvN) : simt),
};

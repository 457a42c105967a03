import type { Accumulation } from "./accumulation.js";
import type { Split } from "./k-split.js";

/**
 * A gemm call as the (column-major, Fortran-ordered) library sees it, after CBLAS's row-major swap:
 * C_lib (M×N) = op(A_lib) · op(B_lib) with M = n, N = m, A_lib = B, B_lib = A, transA_lib = transB,
 * transB_lib = transA of the row-major call. Every declaration speaks in these coordinates, because the
 * library's tiles, paths and loops are written in them.
 */
export interface LibraryShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** The library's leading dimensions (lda = the call's ldb, ldb = the call's lda), for paths that
   * depend on them (MKL's m = 1 kernels); absent when a caller builds a shape by hand. */
  readonly lda?: number;
  readonly ldb?: number;
  /** C's leading dimension (the call's ldc): the stride of y when M = 1 becomes a gemv (BLIS). */
  readonly ldc?: number;
}

/**
 * How a k-block's partial sum meets C.
 * - `scale-then-add-blocks`: C := β·C first (β = 0 writes 0 without reading, β = 1 leaves C); then
 *   each k-block adds in: C := α·blk + C, one FMA when `fusedAlpha`, else fl(C + fl(α·blk)).
 *   (OpenBLAS's sgemm_beta then the micro-kernel SAVE; BLIS's micro-kernel with β for the first block.)
 *   With `alphaFirstBelow`, a k-block shorter than it multiplies α into A_lib first and adds its sum
 *   unscaled: C := fl(C + blk(α·a)) (OpenBLAS sgemv_t's len mod 4 rest, xtemp = x·alpha).
 *   With `alphaInPack`, every block does so, α multiplied into the operand it names (A_lib or B_lib) as it
 *   is packed: C := fl(C + blk) over fl(α·a)·b or a·fl(α·b) (ATLAS's copy drivers: col2blk_aX / row2blkT_aX;
 *   MKL's blocked paths, measured: "A"; Eigen's one-output gemv, (α·A).row(0).dot(x): "B").
 *   With `inPlaceBelow`, a k-block shorter than it runs its kernels on C itself, its sum started from C
 *   (ATLAS's copy driver writes C directly when its K chunk has fewer than 12 KB blocks).
 *   With `alphaPerBlockBelow` (α ≠ 1), a k-block after the first that is shorter than it runs on C
 *   itself as alphaPerBlock's kernels do: C := fl(α·blk), its sum started from fl(fl(1/α)·C) (ATLAS's
 *   no-copy driver handing a short last CacheEdge chunk, in KB blocks, to its aX_bX kernels).
 * - `sum-then-epilogue`: the blocks are summed left to right into s, then C := fl(α·s) (β = 0) or
 *   fl(fl(α·s) + fl(β·C)) (netlib's dot-product loops), or with `betaFused` fma(β, C, fl(α·s))
 *   (OpenBLAS's AVX-512 small kernels), or with `alphaFused` fma(α, s, fl(β·C)) (their scalar stores,
 *   `alpha * s + beta * C` contracted by the compiler).
 * - `accumulate-into-c`: the sum starts at β·C (β = 0: +0) and every product is fl(fl(α·b)·a)
 *   (netlib's axpy-form loops: TEMP = ALPHA*B(L,J); C(I,J) = C(I,J) + TEMP*A(I,L)); with
 *   `alphaOnA` α scales A_lib instead, fl(fl(α·a)·b): the axpy loops of a gemv whose vector is A_lib
 *   (M = 1, e.g. BLIS's bla_gemm turning M = 1 into a gemv on B); with `alphaInOrder` neither operand
 *   is scaled: the accumulation applies α itself (OpenBLAS's sgemv_n kernels, `openblas-gemv-n`); with
 *   `alphaPerBlock` (α ≠ 1) neither is scaled and every k-block (kc) is one kernel call that computes
 *   C := fl(α·blk), its sum started from fl(fl(β'/α)·C), β' = β for the first block (β = 0: +0) and 1 after
 *   (ATLAS's no-copy aX_bX kernels, which scale C by β/α, accumulate, and multiply by α on the way out).
 * - `fma-beta-first-block`: the first k-block gives C := fma(β, C, fl(α·blk)) (β = 0: fl(α·blk),
 *   C unread), every later one C := fl(C + fl(α·blk)) (BLIS's x86 asm micro-kernels: vmulps by α,
 *   then vfmadd231ps with β from memory; the k loop passes β for the first block, 1 afterwards).
 *   With `edge` = {rows, cols}, an element in the last M mod rows rows or the last N mod cols columns
 *   of C_lib instead gets C := fl(fl(α·blk) + fl(β·C)) for the first block: BLIS's partial register
 *   tiles (the macro-kernel runs the micro-kernel with β = 0 into a temporary tile and adds it with
 *   xpbys_mxn, frame code without FMA), and the gemv or reference kernel that finishes a sup
 *   problem's odd last column (β·y first, then α·ρ added).
 *   With `alphaInPack`, α is packed into that operand instead and the block adds unscaled, e.g. "B":
 *   C := fma(β, C, blk(a·fl(α·b))) (MKL's k = 1 kernel with β ∉ {0, 1}).
 */
export type MeetC =
  | { readonly kind: "scale-then-add-blocks"; readonly fusedAlpha: boolean; readonly alphaFirstBelow?: number; readonly alphaInPack?: "A" | "B"; readonly inPlaceBelow?: number; readonly alphaPerBlockBelow?: number }
  | { readonly kind: "sum-then-epilogue"; readonly betaFused?: boolean; readonly alphaFused?: boolean }
  | { readonly kind: "accumulate-into-c"; readonly alphaOnA?: boolean; readonly alphaInOrder?: boolean; readonly alphaPerBlock?: boolean }
  | { readonly kind: "fma-beta-first-block"; readonly edge?: { readonly rows: number; readonly cols: number }; readonly alphaInPack?: "A" | "B" };

/** A rectangle of C_lib (rows r0 ≤ r < r1 in M, columns s0 ≤ s < s1 in N) handled by one micro-kernel. */
export interface Tile {
  readonly r0: number;
  readonly r1: number;
  readonly s0: number;
  readonly s1: number;
  readonly accumulation: Accumulation;
  /** Where each element's block sum starts (not in accumulate-into-c plans): +0 unless stated; −0 for a
   *  sum that starts from its first product (−0 + x = x for every x, so an all −0 sum stays −0: Eigen's
   *  reduxes). */
  readonly init?: number;
  /** How this tile's elements meet C when it differs from the plan's (a sum-then-epilogue plan only:
   * e.g. a kernel whose vector and scalar stores round the epilogue differently). */
  readonly meetC?: MeetC;
  /** The tile is a gemv's axpys into C inside a `fma-beta-first-block` plan (BLIS's sup kernels handing
   * an odd last column to bli_sgemv_ex var2 per k-block): the first k-block starts from fl(β·C) (β = 0:
   * +0), later ones from C, and every product is fl(fl(α·a)·b), α on A_lib (the gemv's vector). */
  readonly axpyIntoC?: boolean;
  /** In a `fma-beta-first-block` plan, the tile stores as bli_sdotxf_zen_int_8 does: C := fma(α, blk, fl(β·C))
   * for the first k-block (β = 0: fl(α·blk)), C := fma(α, blk, C) for later ones. */
  readonly fmaAlphaStore?: boolean;
  /** In a `fma-beta-first-block` plan, the tile's first k-block meets C without FMA, fl(fl(α·blk) + fl(β·C)),
   * as MeetC's `edge` elements do: a kernel that has no FMA (MKL avx2's multiply-then-add edge columns). */
  readonly betaUnfused?: boolean;
}

/**
 * Where a micro-kernel call sits in the five loops: its M×N block (ic, jc), the k-block length,
 * and whether this is the first ic block of its pc iteration (OpenBLAS packs B in column chunks
 * only there, so its kernel sees narrower calls).
 */
export interface BlockContext {
  readonly shape: LibraryShape;
  readonly mBlock: number;
  readonly nBlock: number;
  readonly kBlock: number;
  readonly firstIc: boolean;
  /** Where the k-block starts in K (0 for the first pc iteration): ATLAS's kernels treat β on the first
   *  CacheEdge chunk only. */
  readonly pc: number;
}

/** The path a call takes: the numbers the five loops need. */
export interface GemmPlan {
  /** The library's name for the code path, e.g. "level3 driver + sgemm_kernel_8x4_haswell_2". */
  readonly path: string;
  /** nc: the jc loop's block over N. */
  readonly nc: Split;
  /** kc: the pc loop's block over K. */
  readonly kc: Split;
  /** mc: the ic loop's block over M. */
  readonly mc: Split;
  readonly meetC: MeetC;
  /** The micro-tiles (jr, ir loops) of one M×N block, with each tile's accumulation. */
  tiles(ctx: BlockContext): Iterable<Tile>;
}

/** One library variant's order, as data: what it is, where each value comes from, and its plan. */
export interface EmulationDeclaration {
  readonly library: string;
  readonly version: string;
  readonly variant: string;
  /** One sentence on the order (becomes KernelInfo.description). */
  readonly description: string;
  /** What this emulation was checked against bit for bit, or "unverified: …". */
  readonly verified: string;
  /** Upstream files (path @ version) the constants come from. */
  readonly sources: readonly string[];
  /** The path a call shape takes (library coordinates). */
  plan(shape: LibraryShape): GemmPlan;
  /**
   * gemv's path, when the library's sgemv is not its sgemm of the same shape. The gemv y := α·op(A)·x + β·y
   * is posed as the gemm C(rows×1) = op(A)·x, so in library coordinates M = 1, N = rows, K = the length
   * of x, A_lib = xᵀ (lda = incx), B_lib = the call's A (TRANSB = the gemv's transA, ldb = its lda),
   * ldc = incy. Absent: gemv runs `plan` on that gemm (unverified unless `verified` says otherwise).
   */
  gemvPlan?(shape: LibraryShape): GemmPlan;
  /** dot's order over n products (`strided`: incx or incy is not 1), when it is not the gemm 1×1×n. */
  dot?(n: number, strided: boolean): DotRoute;
}

/** A dot product's route: the library's name for it and the order of its sum (started from `init`). */
export interface DotRoute {
  readonly path: string;
  readonly accumulation: Accumulation;
  /** The sum's start: +0 (the default) for a loop from `sum = 0`; −0 for one that starts from its first
   *  product (−0 + x = x for every x, so a −0 first product survives, as in Eigen's redux). */
  readonly init?: number;
}

/** The plain jr/ir ladder: N in tiles of nr, M in tiles of mr, edge tiles shorter; one accumulation per tile. */
export function* gridTiles(mBlock: number, nBlock: number, mr: number, nr: number, acc: (rows: number, cols: number) => Accumulation): Iterable<Tile> {
  for (let s0 = 0; s0 < nBlock; s0 += nr) {
    const s1 = Math.min(nBlock, s0 + nr);
    for (let r0 = 0; r0 < mBlock; r0 += mr) {
      const r1 = Math.min(mBlock, r0 + mr);
      yield { r0, r1, s0, s1, accumulation: acc(r1 - r0, s1 - s0) };
    }
  }
}

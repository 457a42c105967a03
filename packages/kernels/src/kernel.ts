/**
 * The kernel contract: the BLAS-shaped calls every model makes, and nothing else.
 *
 * All arrays are IEEE-754 binary32 (`Float32Array`) and every matrix is ROW-MAJOR with an explicit
 * leading dimension, exactly as `cblas_sgemm(CblasRowMajor, …)`. Element (i, j) of a stored r×c matrix
 * X with leading dimension ldx lives at `x[xOffset + i*ldx + j]`, and ldx >= max(1, c).
 *
 * A row-major call is the column-major Fortran call with the operands swapped:
 *   gemm(transA, transB, m, n, k, α, A, lda, B, ldb, β, C, ldc)            (row-major, this contract)
 *   = sgemm_(transB, transA, n, m, k, α, B, ldb, A, lda, β, C, ldc)         (column-major, Fortran BLAS)
 * which is what CBLAS itself does, so the two give the same bits on any library.
 *
 * ## gemm
 *
 *   C := α · op(A) · op(B) + β · C,   op(X) = X or Xᵀ
 *
 * op(A) is m×k, op(B) is k×n, C is m×n. When transA is false A is stored m×k (lda >= k), otherwise
 * k×m (lda >= m); likewise B is stored k×n (ldb >= n) or n×k (ldb >= k). C is stored m×n (ldc >= n).
 *
 * Edge rules (the reference BLAS rules):
 * - m = 0 or n = 0: nothing is read or written.
 * - β = 0: C is never read, so NaN or Inf already in C do not propagate; C is overwritten.
 * - k = 0 or α = 0: C := β · C (with the β = 0 rule above); A and B are not read.
 * - β = 1 and (k = 0 or α = 0): C is left untouched.
 * - The order in which the k products are summed, whether a step is a fused multiply-add, and how
 *   α, β and C meet the sum are the kernel's own: that is what distinguishes backends. Every kernel
 *   documents its order; the reference kernel's is the textbook one.
 *
 * ## gemv
 *
 *   y := α · op(A) · x + β · y      (A stored m×n row-major; op(A) is m×n or n×m)
 *
 * ## dot
 *
 *   returns Σ x[i]·y[i] over n elements with increments incx, incy (> 0 here; BLAS's negative
 *   increments are not part of the contract). n = 0 returns +0.
 *
 * Kernels are synchronous and deterministic: the same call with the same inputs returns the same bits.
 */
export interface Kernel {
  /** What this kernel is: id, library, version, and how it computes. */
  readonly info: KernelInfo;
  /** C := α·op(A)·op(B) + β·C, row-major. See the module comment for shapes and edge rules. */
  gemm(call: GemmCall): void;
  /** y := α·op(A)·x + β·y, A row-major. */
  gemv(call: GemvCall): void;
  /** Σ x·y in the kernel's own order; returns a binary32 value (as a JS number). */
  dot(call: DotCall): number;
}

/** How a kernel computes. "reference" is the textbook order; "emulated" models a real library in
 * TypeScript; "native" calls the real library. */
export type KernelKind = "reference" | "emulated" | "native";

export interface KernelInfo {
  /** `<library>-<version>-<cpu kernel>[-t<threads>]`, e.g. `openblas-0.3.21-haswell`. */
  readonly id: string;
  readonly kind: KernelKind;
  /** Library family, e.g. "openblas", "blis", "mkl", "reference". */
  readonly library: string;
  readonly version: string;
  /** The CPU kernel / configuration / code path it is or models, e.g. "haswell", "generic". */
  readonly variant: string;
  /** Threads the library uses (1 for every pure-TypeScript kernel). */
  readonly threads: number;
  /** One sentence on the summation order. */
  readonly description: string;
}

export interface GemmCall {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Float32Array;
  aOffset?: number;
  lda: number;
  b: Float32Array;
  bOffset?: number;
  ldb: number;
  beta: number;
  c: Float32Array;
  cOffset?: number;
  ldc: number;
}

export interface GemvCall {
  transA: boolean;
  /** Rows of the stored A. */
  m: number;
  /** Columns of the stored A. */
  n: number;
  alpha: number;
  a: Float32Array;
  aOffset?: number;
  lda: number;
  x: Float32Array;
  xOffset?: number;
  incx: number;
  beta: number;
  y: Float32Array;
  yOffset?: number;
  incy: number;
}

export interface DotCall {
  n: number;
  x: Float32Array;
  xOffset?: number;
  incx: number;
  y: Float32Array;
  yOffset?: number;
  incy: number;
}

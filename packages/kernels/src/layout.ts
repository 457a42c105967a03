import type { GemmCall, GemvCall } from "./kernel.js";

/**
 * The contract's indexing rule for gemm, as offsets and strides over the logical operands:
 * op(A)[i, p] = a[aOff + i·sai + p·sap], op(B)[p, j] = b[bOff + p·sbp + j·sbj], C[i, j] = c[cOff + i·ldc + j].
 * Written once here so every kernel walks the transposes the same way.
 */
export interface GemmLayout {
  aOff: number;
  sai: number;
  sap: number;
  bOff: number;
  sbp: number;
  sbj: number;
  cOff: number;
}

/** Offsets and strides of a (validated) gemm call; see GemmLayout. */
export function gemmLayout(call: GemmCall): GemmLayout {
  const { transA, transB, lda, ldb } = call;
  return {
    aOff: call.aOffset ?? 0, sai: transA ? 1 : lda, sap: transA ? lda : 1,
    bOff: call.bOffset ?? 0, sbp: transB ? 1 : ldb, sbj: transB ? ldb : 1,
    cOff: call.cOffset ?? 0,
  };
}

/**
 * gemv's indexing rule: `rows` outputs of `len` terms each, op(A)[r, q] = a[aOff + r·sr + q·sq],
 * x[q] = x[xOff + q·incx], y[r] = y[yOff + r·incy].
 */
export interface GemvLayout {
  rows: number;
  len: number;
  aOff: number;
  sr: number;
  sq: number;
  xOff: number;
  yOff: number;
}

/** Output count, term count, offsets and strides of a (validated) gemv call; see GemvLayout. */
export function gemvLayout(call: GemvCall): GemvLayout {
  const { transA, m, n, lda } = call;
  return {
    rows: transA ? n : m, len: transA ? m : n,
    aOff: call.aOffset ?? 0, sr: transA ? 1 : lda, sq: transA ? lda : 1,
    xOff: call.xOffset ?? 0, yOff: call.yOffset ?? 0,
  };
}

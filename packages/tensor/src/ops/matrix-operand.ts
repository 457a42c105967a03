import type { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";

/**
 * How a 2-D tensor is handed to gemm without copying: row-major (trans = false, ld = strides[0]) or
 * a transposed view of a row-major matrix (trans = true, ld = strides[1]). Anything else is copied
 * into row-major order first.
 */
export interface MatrixOperand {
  data: Float32Array;
  offset: number;
  ld: number;
  trans: boolean;
}

/** Describes `x` (2-D, rows × cols) as a gemm operand; `op` and `arg` name it in errors. */
export function matrixOperand(op: string, arg: string, x: Tensor): MatrixOperand {
  if (x.ndim !== 2) throw new Error(`${op}: ${arg} must be 2-D, got shape ${formatShape(x.shape)}`);
  const [r, c] = x.shape as [number, number];
  const [s0, s1] = x.strides as [number, number];
  if ((s1 === 1 || c <= 1) && s0 >= Math.max(1, c)) return { data: x.data, offset: x.offset, ld: Math.max(1, s0), trans: false };
  if (s0 === 1 && s1 >= Math.max(1, r)) return { data: x.data, offset: x.offset, ld: s1, trans: true };
  return { data: Float32Array.from(x.values()), offset: 0, ld: Math.max(1, c), trans: false };
}

import { chain } from "./chain.js";
import type { LaneTail } from "./lanes.js";

/**
 * A scalar loop `s += a·b` that gcc vectorised as an in-order ("fold-left") reduction: the products of
 * the first foldLeft·⌊len/foldLeft⌋ terms are rounded on their own and added one by one, the rest go
 * through the scalar loop, which -ffp-contract=fast made one FMA each. (Measured with the order probe.)
 */
export interface FoldLeftTail {
  /** How many products each vectorised step adds in order; 0 when gcc left the loop scalar (every term
   *  after the lead one FMA: Eigen's cblas_sdot on Maps with a run-time InnerStride). */
  readonly foldLeft: number;
  /** Terms before the vectorised loop, rounded products added in order (a redux's first coefficient). */
  readonly lead?: number;
}

/** The rest from t on, as a chain (fused or not) or as a FoldLeftTail. */
export function finishTail(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, t: number, tail: Exclude<LaneTail, "in-lanes"> | FoldLeftTail, s: number): number {
  if (typeof tail === "string") return chain(a, ai + t, b, bi + t, len - t, tail === "fused-chain", s);
  const lead = Math.min(tail.lead ?? 0, len - t);
  s = chain(a, ai + t, b, bi + t, lead, false, s);
  t += lead;
  const unfused = tail.foldLeft > 0 ? (len - t) - ((len - t) % tail.foldLeft) : 0;
  s = chain(a, ai + t, b, bi + t, unfused, false, s);
  t += unfused;
  return chain(a, ai + t, b, bi + t, len - t, true, s);
}

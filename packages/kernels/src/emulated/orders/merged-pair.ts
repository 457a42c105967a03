import { chain } from "./chain.js";
import { evenOddBody } from "./even-odd.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `merged-pair`: two accumulators, even t to the first and odd t to the second, over unroll·⌊len/unroll⌋;
 * the two are added (first + second) BEFORE the rest, which then continues the merged value in order
 * (Eigen gebp's 1pX4 micro-kernel: C* and D* registers, padd, remaining k).
 */
export interface MergedPairAccumulation { readonly kind: "merged-pair"; readonly fused: boolean; readonly unroll: number }

/**
 * `mkl-even-odd` is the fused merged pair as libmkl_avx2 runs it on its blocked path's edge rows (measured
 * by the probe: `--shape 64x76xK --trans-b`, rows 72..75, K = 9, 11, 151, 64x172x15 rows 168..171:
 * unroll 4; 8x340x15 rows 336..339: unroll 2), with one difference: an empty body adds nothing (the
 * running value is not added to +0, so −0 stays −0).
 */
export interface MklEvenOddAccumulation { readonly kind: "mkl-even-odd"; readonly unroll: 2 | 4 }

/** The merged pair; `emptyAdds`: with an empty body the sum is fl(init + 0) (Eigen) rather than init (MKL). */
export function mergedPair(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, fused: boolean, unroll: number, init: number, emptyAdds = true): number {
  const body = len - (len % unroll);
  const w = evenOddBody(a, ai, b, bi, body, fused, init);
  const s0 = w[0]!, s1 = w[1]!;
  const s = body === 0 && !emptyAdds ? init : fround(s0 + s1);
  return chain(a, ai + body, b, bi + body, len - body, fused, s);
}

/** The `merged-pair` order. */
export const mergedPairOrder: Order<MergedPairAccumulation> = { sum: (a, ai, b, bi, len, acc, init) => mergedPair(a, ai, b, bi, len, acc.fused, acc.unroll, init) };

/** The `mkl-even-odd` order: the fused merged pair whose empty body adds nothing. */
export const mklEvenOddOrder: Order<MklEvenOddAccumulation> = { sum: (a, ai, b, bi, len, acc, init) => mergedPair(a, ai, b, bi, len, true, acc.unroll, init, false) };

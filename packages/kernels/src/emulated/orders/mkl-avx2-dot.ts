import { fmaStep } from "../fused-steps.js";
import { avx2Chunks } from "../fused-kernels.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * libmkl_avx2's m = 1 dot kernels (measured by the probe: `--shape 1xNxK --trans-b` for N = 1..5,
 * K = 7..64; B's row padding changes nothing, 1x4x40 and 1x1x40 with ldb = 41). Eight lanes (lane = t
 * mod 8). K in chunks of 16: per lane s = fma(a_t, b_t, fl(a_{t+8}·b_{t+8})) for the chunk's first
 * and second halves; the chunks' s are added lane-wise in order (unfused). Then the K mod 16 rest:
 * - `quad` (rows in groups of four): every rest product FMA'd into its lane, in order;
 * - `single` (the M mod 4 rows): when the rest has 8 or more products, its first 8 multiplied and added
 *   to their lanes, the remaining ones FMA'd; a rest under 8 is all FMA'd (1x1x321: product 320 fused).
 * The lanes are summed ((L0 + L1) + (L4 + L5)) + ((L2 + L3) + (L6 + L7)).
 */
export interface MklAvx2DotAccumulation {
  readonly kind: "mkl-avx2-dot";
  readonly variant: "quad" | "single";
}

const ymm = new Float64Array(8);

export function mklAvx2Dot(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklAvx2DotAccumulation, init: number): number {
  const v = ymm;
  v.fill(0);
  v[0] = init;
  const chunks = len >> 4;
  // Lanes 1..7 of chunk 0 take s itself: −0 + s is s for every s (+0 + s is not, for s = −0).
  if (chunks > 0) for (let l = 1; l < 8; l++) v[l] = -0;
  avx2Chunks(a, ai, b, bi, chunks, v);
  let t = 16 * chunks;
  if (acc.variant === "single" && len - t >= 8) for (const end = t + 8; t < end; t++) v[t & 7] = fround(v[t & 7]! + fround(a[ai + t]! * b[bi + t]!));
  for (; t < len; t++) v[t & 7] = fmaStep(a[ai + t]!, b[bi + t]!, v[t & 7]!);
  return fround(fround(fround(v[0]! + v[1]!) + fround(v[4]! + v[5]!)) + fround(fround(v[2]! + v[3]!) + fround(v[6]! + v[7]!)));
}

/** The `mkl-avx2-dot` order. */
export const mklAvx2DotOrder: Order<MklAvx2DotAccumulation> = { sum: mklAvx2Dot };

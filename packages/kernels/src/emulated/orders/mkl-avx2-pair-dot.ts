import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * libmkl_avx2's dot kernel for row-major NT with n ≤ 3 (measured by the probe, `--shape MxNxK --trans-b --beta 1`
 * for N = 2, 3 and K = 2..97; MKL is closed source, so this is an observation, not a reading). The call's rows come
 * in pairs, `first` and `second`; an odd last row is `single`. Over the first 16·⌊K/16⌋ products:
 * - `first` and `single`: sixteen accumulators (two ymm registers, lane t mod 16), each one FMA chain in steps of 16 (its first
 *   product multiplied), then lane l of the first register added to lane l of the second;
 * - `second`: eight accumulators (lane t mod 8), each one multiply-then-add chain in steps of 8;
 * then the eight lanes halved ((L0 + L4) + (L2 + L6)) + ((L1 + L5) + (L3 + L7)). With 8 or more products left (not
 * `single`), the next 8 go to four lanes (an xmm register; lane 0 starts from the sum so far) in two steps of 4, multiply-then-add,
 * folded (L0 + L2) + (L1 + L3); the rest of the products are multiplied and added after, in order (probe trees of NT
 * 2x2xK: K = 8 ((0 4) (2 6)) ((1 5) (3 7)); K = 24 the halved lanes of 0..15, then ((· 16) 20) (18 22) ((17 21)
 * (19 23)); K = 48 (((0 *16) *32) ((8 *24) *40)) … for the first row, chain[0..40:8] … for the second; 3x2xK row 2:
 * K = 8..15 one chain, K = 24 the halved lanes of 0..15 then a chain).
 * `init` starts lane 0 (−0: the sum starts from its first product).
 */
export interface MklAvx2PairDotAccumulation {
  readonly kind: "mkl-avx2-pair-dot";
  readonly row: "first" | "second" | "single";
}

const acc16 = new Float64Array(16);

export function mklAvx2PairDot(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklAvx2PairDotAccumulation, init: number): number {
  const main = len & ~15, v = acc16;
  let s = init, t = 0;
  const fused = acc.row !== "second";
  if (main > 0) {
    const lanes = fused ? 16 : 8;
    v.fill(-0, 0, lanes);
    v[0] = init;
    if (fused) for (; t < main; t++) v[t & 15] = fmaStep(a[ai + t]!, b[bi + t]!, v[t & 15]!);
    else for (; t < main; t++) v[t & 7] = fround(v[t & 7]! + fround(a[ai + t]! * b[bi + t]!));
    if (fused) for (let l = 0; l < 8; l++) v[l] = fround(v[l]! + v[l + 8]!);
    for (let l = 0; l < 4; l++) v[l] = fround(v[l]! + v[l + 4]!);
    s = fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  }
  if (acc.row !== "single" && len - t >= 8) {
    let l0 = fround(s + fround(a[ai + t]! * b[bi + t]!));
    let l1 = fround(a[ai + t + 1]! * b[bi + t + 1]!), l2 = fround(a[ai + t + 2]! * b[bi + t + 2]!), l3 = fround(a[ai + t + 3]! * b[bi + t + 3]!);
    l0 = fround(l0 + fround(a[ai + t + 4]! * b[bi + t + 4]!));
    l1 = fround(l1 + fround(a[ai + t + 5]! * b[bi + t + 5]!));
    l2 = fround(l2 + fround(a[ai + t + 6]! * b[bi + t + 6]!));
    l3 = fround(l3 + fround(a[ai + t + 7]! * b[bi + t + 7]!));
    s = fround(fround(l0 + l2) + fround(l1 + l3));
    t += 8;
  }
  for (; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  return s;
}

/** The `mkl-avx2-pair-dot` order. */
export const mklAvx2PairDotOrder: Order<MklAvx2PairDotAccumulation> = { sum: mklAvx2PairDot };

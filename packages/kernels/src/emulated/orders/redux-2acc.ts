import { step } from "./chain.js";
import { finishTail, type FoldLeftTail } from "./fold-left-tail.js";
import type { Order } from "./order.js";
import { reduceLanes } from "./reduce-lanes.js";

const fround = Math.fround;

/**
 * `redux-2acc`: Eigen's vectorised redux (a dot product of contiguous vectors): two packet accumulators
 * take alternate packets of products, the first two as plain products, later ones by multiply-add, over
 * 2P-blocks; then added lane by lane, one more packet (if a whole one is left) multiply-added, the lanes
 * halved, and the rest as a FoldLeftTail.
 */
export interface Redux2accAccumulation { readonly kind: "redux-2acc"; readonly fused: boolean; readonly packet: number; readonly tail: FoldLeftTail }

function redux2acc(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Redux2accAccumulation, init: number): number {
  const P = acc.packet, aligned = len - (len % P);
  if (aligned === 0) return finishTail(a, ai, b, bi, len, 0, { ...acc.tail, lead: 1 }, init);
  const r0 = new Float64Array(P), r1 = new Float64Array(P);
  const prod = (t: number): number => fround(a[ai + t]! * b[bi + t]!);
  for (let l = 0; l < P; l++) r0[l] = prod(l);
  if (aligned > P) {
    for (let l = 0; l < P; l++) r1[l] = prod(P + l);
    const end2 = aligned - (aligned % (2 * P));
    for (let t = 2 * P; t < end2; t += 2 * P) {
      for (let l = 0; l < P; l++) {
        r0[l] = step(a[ai + t + l]!, b[bi + t + l]!, r0[l]!, acc.fused);
        r1[l] = step(a[ai + t + P + l]!, b[bi + t + P + l]!, r1[l]!, acc.fused);
      }
    }
    for (let l = 0; l < P; l++) r0[l] = fround(r0[l]! + r1[l]!);
    if (aligned > end2) for (let l = 0; l < P; l++) r0[l] = step(a[ai + end2 + l]!, b[bi + end2 + l]!, r0[l]!, acc.fused);
  }
  r0[0] = fround(r0[0]! + init);
  return finishTail(a, ai, b, bi, len, aligned, acc.tail, reduceLanes(r0, "halving", P));
}

/** The `redux-2acc` order. */
export const redux2accOrder: Order<Redux2accAccumulation> = { sum: redux2acc };

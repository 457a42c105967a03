import { chain, step } from "./chain.js";
import type { LaneTail } from "./lanes.js";
import type { Order } from "./order.js";
import { reduceLanes, type LaneReduction } from "./reduce-lanes.js";

const fround = Math.fround;

/**
 * `folded-lanes`: `wide` lanes (product t to lane t mod wide) over wide·⌊len/wide⌋, with wide = 4·narrow;
 * folded to `narrow` lanes as v[r] = (w[r] + w[r+n]) + (w[r+2n] + w[r+3n]); then the narrow lanes go on
 * (t mod narrow) over narrow·⌊len/narrow⌋; reduced by `reduce`; then the rest as a chain (Eigen gebp's
 * last-rows path through the swapped traits: four accumulator packets, padd(padd(C0,C1),padd(C2,C3))).
 */
export interface FoldedLanesAccumulation {
  readonly kind: "folded-lanes";
  readonly fused: boolean;
  readonly wide: number;
  readonly narrow: number;
  readonly reduce: LaneReduction;
  readonly tail: Exclude<LaneTail, "in-lanes">;
}

function foldedLanes(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: FoldedLanesAccumulation, init: number): number {
  const W = acc.wide, n = acc.narrow;
  const w = new Float64Array(W);
  w[0] = init;
  const wideEnd = len - (len % W);
  let t = 0;
  for (; t < wideEnd; t++) w[t % W] = step(a[ai + t]!, b[bi + t]!, w[t % W]!, acc.fused);
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) v[r] = fround(fround(w[r]! + w[r + n]!) + fround(w[r + 2 * n]! + w[r + 3 * n]!));
  const narrowEnd = len - (len % n);
  for (; t < narrowEnd; t++) v[t % n] = step(a[ai + t]!, b[bi + t]!, v[t % n]!, acc.fused);
  const s = reduceLanes(v, acc.reduce, n);
  return chain(a, ai + t, b, bi + t, len - t, acc.tail === "fused-chain", s);
}

/** The `folded-lanes` order. */
export const foldedLanesOrder: Order<FoldedLanesAccumulation> = { sum: foldedLanes };

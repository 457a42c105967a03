import { step } from "./chain.js";
import { finishTail, type FoldLeftTail } from "./fold-left-tail.js";
import { fusedLanesBody, lanes4x2MulAdd, type LaneTail } from "./lanes.js";
import { eachElement, rowPairs, type Order } from "./order.js";
import { reduceLanes, type LaneReduction } from "./reduce-lanes.js";
import { scratch } from "./scratch.js";

const fround = Math.fround;

/**
 * `packet-cascade`: for each packet width P in order, P lanes over as many whole P-steps as fit in what
 * is left, reduced by `reduce` and added to the running sum (the first one is the sum; with no packets
 * the sum starts at init); then the rest as a chain, or as a FoldLeftTail (Eigen's
 * general_matrix_vector_product<RowMajor>'s rows: Packet, then half and quarter for the last one).
 */
export interface PacketCascadeAccumulation {
  readonly kind: "packet-cascade";
  readonly fused: boolean;
  readonly packets: readonly number[];
  readonly reduce: LaneReduction;
  readonly tail: Exclude<LaneTail, "in-lanes"> | FoldLeftTail;
}

function packetCascade(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: PacketCascadeAccumulation, init: number): number {
  const packets = acc.packets;
  let t = 0, s = packets.length === 0 ? init : 0;
  for (let i = 0; i < packets.length; i++) {
    const P = packets[i]!, lanes = scratch(P);
    if (i === 0) lanes[0] = init;
    if (acc.fused) t += fusedLanesBody(a, ai + t, b, bi + t, len - t, P, lanes);
    for (; t + P <= len; t += P) for (let l = 0; l < P; l++) lanes[l] = step(a[ai + t + l]!, b[bi + t + l]!, lanes[l]!, acc.fused);
    const r = reduceLanes(lanes, acc.reduce, P);
    s = i === 0 ? r : fround(s + r);
  }
  return finishTail(a, ai, b, bi, len, t, acc.tail, s);
}

/** The `packet-cascade` order; one packet of 4 multiply-add lanes and a multiply-add chain is `lanes` (4, mul-add-chain): two rows at a time. */
export const packetCascadeOrder: Order<PacketCascadeAccumulation> = {
  sum: packetCascade,
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    const args = [a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld] as const;
    if (!acc.fused && acc.packets.length === 1 && acc.packets[0] === 4 && acc.tail === "mul-add-chain") {
      rowPairs(packetCascade, acc, (r, s, e) => lanes4x2MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, e, acc.reduce, false), ...args);
    } else eachElement(packetCascade, acc, ...args);
  },
};

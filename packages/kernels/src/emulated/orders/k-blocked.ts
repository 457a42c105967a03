import { blockSum, tileSums, type Accumulation } from "../accumulation.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * How a `k-blocked` accumulation's blocks meet the running value: `init` feeds it to the block's
 * accumulation as its start (its first register, or lane 0); `add` sums the block on its own from +0
 * and then adds it, fl(running + block).
 */
export type BlockCarry = "init" | "add";

/**
 * `k-blocked`: the k range in blocks of `block` inside one micro-kernel call (ATLAS's copy path: its
 * KB-blocked kernel calls on one tile), each full block by `inner`, the len mod block rest by `rest`,
 * each meeting the running value (which starts at init) as its BlockCarry says; the first full block as
 * `firstCarry` says when it is given (ATLAS's 14-row cleanup kernel with β ∉ {0, 1}: the first block
 * summed from +0, β·C added after it; later blocks continue in lane 0).
 */
export interface KBlockedAccumulation {
  readonly kind: "k-blocked";
  readonly block: number;
  readonly inner: Accumulation;
  readonly carry: BlockCarry;
  readonly rest: Accumulation;
  readonly restCarry: BlockCarry;
  readonly firstCarry?: BlockCarry;
}

function kBlocked(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: KBlockedAccumulation, init: number): number {
  let s = init, t = 0;
  const part = (n: number, inner: Accumulation, carry: BlockCarry): void => {
    s = carry === "init" ? blockSum(a, ai + t, b, bi + t, n, inner, s) : fround(s + blockSum(a, ai + t, b, bi + t, n, inner, 0));
    t += n;
  };
  for (; t + acc.block <= len;) part(acc.block, acc.inner, t === 0 ? acc.firstCarry ?? acc.carry : acc.carry);
  if (t < len) part(len - t, acc.rest, acc.restCarry);
  return s;
}

/** The `add` blocks of a k-blocked tile, summed from +0 before they are added. */
const kBlockScratch = new Float64Array(1 << 16);

/** The `k-blocked` order; block by block over the whole rectangle, each block through its order's tile form. */
export const kBlockedOrder: Order<KBlockedAccumulation> = {
  sum: kBlocked,
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    // Block by block over the whole rectangle, each block through the tile kernel of its accumulation:
    // per element the order of kBlocked (an `add` block is summed from +0 and then added).
    let t = 0;
    const part = (n: number, inner: Accumulation, carry: BlockCarry): void => {
      if (carry === "init") tileSums(inner, a, aOff + t, lda, b, bOff + t, ldb, r0, r1, s0, s1, n, v, ld);
      else {
        const need = (s1 - 1) * ld + r1;
        const w = inner.kind === "k-blocked" || need > kBlockScratch.length ? new Float64Array(need) : kBlockScratch;
        for (let s = s0; s < s1; s++) w.fill(0, s * ld + r0, s * ld + r1);
        tileSums(inner, a, aOff + t, lda, b, bOff + t, ldb, r0, r1, s0, s1, n, w, ld);
        for (let s = s0; s < s1; s++) for (let r = r0; r < r1; r++) v[s * ld + r] = fround(v[s * ld + r]! + w[s * ld + r]!);
      }
      t += n;
    };
    for (; t + acc.block <= len;) part(acc.block, acc.inner, t === 0 ? acc.firstCarry ?? acc.carry : acc.carry);
    if (t < len) part(len - t, acc.rest, acc.restCarry);
  },
};

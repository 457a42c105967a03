import { cascadeRegistersOrder, type CascadeRegistersAccumulation } from "./orders/cascade-registers.js";
import { chainOrder, type ChainAccumulation } from "./orders/chain.js";
import { foldedLanesOrder, type FoldedLanesAccumulation } from "./orders/folded-lanes.js";
import { groupTreeOrder, type GroupTreeAccumulation } from "./orders/group-tree.js";
import { interleavedOrder, type InterleavedAccumulation } from "./orders/interleaved.js";
import { kBlockedOrder, type KBlockedAccumulation } from "./orders/k-blocked.js";
import { lanesOrder, type LanesAccumulation } from "./orders/lanes.js";
import { mergedPairOrder, mklEvenOddOrder, type MergedPairAccumulation, type MklEvenOddAccumulation } from "./orders/merged-pair.js";
import { mklAvx2DotOrder, type MklAvx2DotAccumulation } from "./orders/mkl-avx2-dot.js";
import { mklAvx2PairDotOrder, type MklAvx2PairDotAccumulation } from "./orders/mkl-avx2-pair-dot.js";
import { mklAvx512Axpy8Order, type MklAvx512Axpy8Accumulation } from "./orders/mkl-avx512-axpy8.js";
import { mklAvx512DotOrder, type MklAvx512DotAccumulation } from "./orders/mkl-avx512-dot.js";
import { mklAvx512HornerOrder, type MklAvx512HornerAccumulation } from "./orders/mkl-avx512-horner.js";
import { mklSseOrder, type MklSseAccumulation } from "./orders/mkl-sse.js";
import { mklSdotOrder, type MklSdotAccumulation } from "./orders/mkl-sdot.js";
import { openblasGemvNOrder, type OpenblasGemvNAccumulation } from "./orders/openblas-gemv-n.js";
import { openblasGemvTOrder, type OpenblasGemvTAccumulation } from "./orders/openblas-gemv-t.js";
import { openblasGemvTSmallOrder, type OpenblasGemvTSmallAccumulation } from "./orders/openblas-gemv-t-small.js";
import { openblasSdotOrder, type OpenblasSdotAccumulation } from "./orders/openblas-sdot.js";
import { eachElement, type Order } from "./orders/order.js";
import { packetCascadeOrder, type PacketCascadeAccumulation } from "./orders/packet-cascade.js";
import { pipelinedPairOrder, type PipelinedPairAccumulation } from "./orders/pipelined-pair.js";
import { redux2accOrder, type Redux2accAccumulation } from "./orders/redux-2acc.js";
import { registerLanesOrder, type RegisterLanesAccumulation } from "./orders/register-lanes.js";
import { wasmTileSums } from "./wasm/dispatch.js";

export { fmaStep } from "./fused-steps.js";
export type { LaneReduction } from "./orders/reduce-lanes.js";
export type { LaneTail } from "./orders/lanes.js";
export type { FoldLeftTail } from "./orders/fold-left-tail.js";
export type { BlockCarry } from "./orders/k-blocked.js";

/**
 * How one element's partial sum over one k-block is accumulated: the micro-kernel's inner order. Each
 * kind is one order, defined (its exact sum over a k-range, and its tile form) in its own file under
 * orders/, where its doc comment states the order; a library whose order is new adds one file there and
 * one row to the table below.
 */
export type Accumulation =
  | ChainAccumulation
  | InterleavedAccumulation
  | LanesAccumulation
  | GroupTreeAccumulation
  | PipelinedPairAccumulation
  | RegisterLanesAccumulation
  | MergedPairAccumulation
  | FoldedLanesAccumulation
  | PacketCascadeAccumulation
  | KBlockedAccumulation
  | Redux2accAccumulation
  // MKL's kernels, measured by the probe.
  | MklSseAccumulation
  | MklAvx512DotAccumulation
  | MklAvx512Axpy8Accumulation
  | MklAvx2DotAccumulation
  | MklAvx2PairDotAccumulation
  | MklEvenOddAccumulation
  | MklAvx512HornerAccumulation
  | MklSdotAccumulation
  | CascadeRegistersAccumulation
  | OpenblasSdotAccumulation
  | OpenblasGemvTAccumulation
  | OpenblasGemvNAccumulation
  | OpenblasGemvTSmallAccumulation;

/** The table from kind to order (a compile error when a kind has none). */
const orders: { readonly [K in Accumulation["kind"]]: Order<Extract<Accumulation, { kind: K }>> } = {
  "chain": chainOrder,
  "interleaved": interleavedOrder,
  "lanes": lanesOrder,
  "group-tree": groupTreeOrder,
  "pipelined-pair": pipelinedPairOrder,
  "register-lanes": registerLanesOrder,
  "merged-pair": mergedPairOrder,
  "folded-lanes": foldedLanesOrder,
  "packet-cascade": packetCascadeOrder,
  "k-blocked": kBlockedOrder,
  "redux-2acc": redux2accOrder,
  "mkl-sse": mklSseOrder,
  "mkl-avx512-dot": mklAvx512DotOrder,
  "mkl-avx512-axpy8": mklAvx512Axpy8Order,
  "mkl-avx2-dot": mklAvx2DotOrder,
  "mkl-avx2-pair-dot": mklAvx2PairDotOrder,
  "mkl-even-odd": mklEvenOddOrder,
  "mkl-avx512-horner": mklAvx512HornerOrder,
  "mkl-sdot": mklSdotOrder,
  "cascade-registers": cascadeRegistersOrder,
  "openblas-sdot": openblasSdotOrder,
  "openblas-gemv-t": openblasGemvTOrder,
  "openblas-gemv-n": openblasGemvNOrder,
  "openblas-gemv-t-small": openblasGemvTSmallOrder,
};

function orderOf(acc: Accumulation): Order<Accumulation> {
  const order = orders[acc.kind] as Order<Accumulation> | undefined;
  if (order === undefined) throw new Error(`accumulation kind "${(acc as { kind: string }).kind}": no such order; expected one of ${Object.keys(orders).join(", ")}`);
  return order;
}

/** Σ a[ai+t]·b[bi+t], t < len, in the order `acc` states, starting from `init` (the first register's start). */
export function blockSum(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Accumulation, init: number): number {
  return orderOf(acc).sum(a, ai, b, bi, len, acc, init);
}

/**
 * The block sums of a rectangle of elements at once, in exactly the order blockSum gives each of them:
 * element (r, s), r0 ≤ r < r1, s0 ≤ s < s1, sums a[aOff + r·lda + t]·b[bOff + s·ldb + t] over t < len,
 * starting from v[s·ld + r] and leaving its block sum there. An order's tile form interleaves independent
 * elements (register blocks that share their loads) only so that their dependency chains overlap in the
 * CPU; orders without one run element by element through their sum. Operands in the WebAssembly
 * kernels' memory go first to the generated kernel of their order where there is one (wasm/dispatch.ts).
 */
export function tileSums(
  acc: Accumulation, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number,
  r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number,
): void {
  if (wasmTileSums(acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld)) return;
  const order = orderOf(acc);
  if (order.tile) order.tile(acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
  else eachElement(order.sum, acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
}

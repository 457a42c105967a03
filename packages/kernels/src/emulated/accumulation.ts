import { fma32 } from "../fp32/fma.js";

const fround = Math.fround;

/**
 * How one element's partial sum over one k-block is accumulated: the micro-kernel's inner order.
 *
 * - `chain`: one accumulator, s := s + a·b for p = 0, 1, … (fused: one FMA; otherwise fl(s + fl(a·b))).
 * - `interleaved`: the k loop unrolled by `unroll` feeds `accumulators` registers round-robin
 *   (product t goes to register (t mod unroll) mod accumulators) over unroll·⌊len/unroll⌋; the rest
 *   goes to register 0; the block value is ((r0 + r1) + r2) + … .
 * - `lanes`: SIMD lanes over k (product t to lane t mod lanes) over lanes·⌊len/lanes⌋, the lanes
 *   reduced by `reduce`; the k mod lanes rest goes where `tail` says. Below `minLength` the
 *   whole block is one chain instead (a scalar fallback).
 */
export type Accumulation =
  | { readonly kind: "chain"; readonly fused: boolean }
  | { readonly kind: "interleaved"; readonly fused: boolean; readonly accumulators: number; readonly unroll: number }
  | {
      readonly kind: "lanes";
      readonly fused: boolean;
      readonly lanes: number;
      readonly minLength: number;
      readonly reduce: LaneReduction;
      readonly tail: LaneTail;
    }
  | { readonly kind: "merged-pair"; readonly fused: boolean; readonly unroll: number }
  | {
      readonly kind: "folded-lanes";
      readonly fused: boolean;
      readonly wide: number;
      readonly narrow: number;
      readonly reduce: LaneReduction;
      readonly tail: Exclude<LaneTail, "in-lanes">;
    }
  | {
      readonly kind: "packet-cascade";
      readonly fused: boolean;
      readonly packets: readonly number[];
      readonly reduce: LaneReduction;
      readonly tail: Exclude<LaneTail, "in-lanes"> | FoldLeftTail;
    }
  | {
      readonly kind: "k-blocked";
      readonly block: number;
      readonly inner: Accumulation;
      readonly carry: BlockCarry;
      readonly rest: Accumulation;
      readonly restCarry: BlockCarry;
    }
  | { readonly kind: "redux-2acc"; readonly fused: boolean; readonly packet: number; readonly tail: FoldLeftTail };

/**
 * How a `k-blocked` accumulation's blocks meet the running value: `init` feeds it to the block's
 * accumulation as its start (its first register, or lane 0); `add` sums the block on its own from +0
 * and then adds it, fl(running + block).
 */
export type BlockCarry = "init" | "add";

/**
 * A scalar loop `s += a·b` that gcc vectorised as an in-order ("fold-left") reduction: the products of
 * the first foldLeft·⌊len/foldLeft⌋ terms are rounded on their own and added one by one, the rest go
 * through the scalar loop, which -ffp-contract=fast made one FMA each. (Measured with the order probe.)
 */
export interface FoldLeftTail {
  readonly foldLeft: number;
  /** Terms before the vectorised loop, rounded products added in order (a redux's first coefficient). */
  readonly lead?: number;
}

/*
 * Kinds added for Eigen 3.4 (see libraries/eigen.ts):
 * - `merged-pair`: two accumulators, even t to the first and odd t to the second, over
 *   unroll·⌊len/unroll⌋; the two are added (first + second) BEFORE the rest, which then continues the
 *   merged value in order (gebp's 1pX4 micro-kernel: C* and D* registers, padd, remaining k).
 * - `folded-lanes`: `wide` lanes (product t to lane t mod wide) over wide·⌊len/wide⌋, with wide = 4·narrow;
 *   folded to `narrow` lanes as v[r] = (w[r] + w[r+n]) + (w[r+2n] + w[r+3n]); then the narrow lanes go on
 *   (t mod narrow) over narrow·⌊len/narrow⌋; reduced by `reduce`; then the rest as a chain (gebp's
 *   last-rows path through the swapped traits: four accumulator packets, padd(padd(C0,C1),padd(C2,C3))).
 * - `k-blocked`: the k range in blocks of `block` inside one micro-kernel call (ATLAS's copy path: its
 *   KB-blocked kernel calls on one tile), each full block by `inner`, the len mod block rest by `rest`,
 *   each meeting the running value (which starts at init) as its BlockCarry says.
 * - `redux-2acc`: Eigen's vectorised redux (a dot product of contiguous vectors): two packet
 *   accumulators take alternate packets of products, the first two as plain products, later ones by
 *   multiply-add, over 2P-blocks; then added lane by lane, one more packet (if a whole one is left)
 *   multiply-added, the lanes halved, and the rest as a FoldLeftTail.
 * - `packet-cascade`: for each packet width P in order, P lanes over as many whole P-steps as fit in
 *   what is left, reduced by `reduce` and added to the running sum (the first one is the sum; with no
 *   packets the sum starts at init); then the rest as a chain, or as a FoldLeftTail
 *   (general_matrix_vector_product<RowMajor>'s rows: Packet, then half and quarter for the last one).
 */

/**
 * Where the k mod lanes rest goes: `in-lanes` (a masked load feeds it into lanes 0.. before the
 * reduction), or a chain after the reduction, fused or as separate multiply and add.
 */
export type LaneTail = "in-lanes" | "fused-chain" | "mul-add-chain";

/**
 * How SIMD lanes are summed into one value.
 * - `halving`: (i, i+L/2) pairs, then (i, i+L/4), … — a shuffle-and-add horizontal sum.
 * - `adjacent`: (0,1),(2,3),… then pairs of those — hadd-style.
 * - `sequential`: ((l0 + l1) + l2) + … .
 * - `blis-generic-4`: (l0 + l2) + (l1 + l3), four lanes only.
 */
export type LaneReduction = "halving" | "adjacent" | "sequential" | "blis-generic-4";

/** One FMA step with the common case inlined: only a binary32 midpoint needs the full fma32. */
function fmaStep(a: number, b: number, s: number): number {
  const x = a * b + s;
  const r = fround(x);
  if (r === x) return r;
  const o = 2 * x - r;
  return fround(o) === o ? fma32(a, b, s) : r;
}

/** Σ a[ai+t]·b[bi+t], t < len, in the stated order, starting from `init` (the first register's start). */
export function blockSum(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Accumulation, init: number): number {
  if (acc.kind === "chain") return chain(a, ai, b, bi, len, acc.fused, init);
  if (acc.kind === "interleaved") {
    const u = acc.unroll, body = len - (len % u);
    if (acc.accumulators === 2 && u % 2 === 0) {
      let s0 = init, s1 = 0;
      if (acc.fused) {
        for (let t = 0; t < body; t += 2) {
          s0 = fmaStep(a[ai + t]!, b[bi + t]!, s0);
          s1 = fmaStep(a[ai + t + 1]!, b[bi + t + 1]!, s1);
        }
      } else {
        for (let t = 0; t < body; t += 2) {
          s0 = fround(s0 + fround(a[ai + t]! * b[bi + t]!));
          s1 = fround(s1 + fround(a[ai + t + 1]! * b[bi + t + 1]!));
        }
      }
      s0 = chain(a, ai + body, b, bi + body, len - body, acc.fused, s0);
      return fround(s0 + s1);
    }
    const regs = scratch(acc.accumulators);
    regs[0] = init;
    for (let t = 0; t < len; t++) {
      const w = t < body ? (t % u) % acc.accumulators : 0;
      regs[w] = step(a[ai + t]!, b[bi + t]!, regs[w]!, acc.fused);
    }
    let s = regs[0]!;
    for (let w = 1; w < acc.accumulators; w++) s = fround(s + regs[w]!);
    return s;
  }
  if (acc.kind === "merged-pair") return mergedPair(a, ai, b, bi, len, acc.fused, acc.unroll, init);
  if (acc.kind === "folded-lanes") return foldedLanes(a, ai, b, bi, len, acc, init);
  if (acc.kind === "packet-cascade") return packetCascade(a, ai, b, bi, len, acc, init);
  if (acc.kind === "k-blocked") return kBlocked(a, ai, b, bi, len, acc, init);
  if (acc.kind === "redux-2acc") return redux2acc(a, ai, b, bi, len, acc, init);
  if (len < acc.minLength) return chain(a, ai, b, bi, len, acc.fused, init);
  const L = acc.lanes, inLanes = acc.tail === "in-lanes";
  const body = len - (len % L), end = inLanes ? len : body;
  const lanes = scratch(L);
  lanes[0] = init;
  let t = 0;
  if (acc.fused) {
    for (; t + L <= end; t += L) for (let l = 0; l < L; l++) lanes[l] = fmaStep(a[ai + t + l]!, b[bi + t + l]!, lanes[l]!);
    for (let l = 0; t < end; t++, l++) lanes[l] = fmaStep(a[ai + t]!, b[bi + t]!, lanes[l]!);
  } else {
    for (; t + L <= end; t += L) for (let l = 0; l < L; l++) lanes[l] = fround(lanes[l]! + fround(a[ai + t + l]! * b[bi + t + l]!));
    for (let l = 0; t < end; t++, l++) lanes[l] = fround(lanes[l]! + fround(a[ai + t]! * b[bi + t]!));
  }
  const s = reduceLanes(lanes, acc.reduce, L);
  return inLanes ? s : chain(a, ai + body, b, bi + body, len - body, acc.tail === "fused-chain", s);
}

function mergedPair(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, fused: boolean, unroll: number, init: number): number {
  const body = len - (len % unroll);
  let s0 = init, s1 = 0;
  for (let t = 0; t < body; t += 2) {
    s0 = step(a[ai + t]!, b[bi + t]!, s0, fused);
    s1 = step(a[ai + t + 1]!, b[bi + t + 1]!, s1, fused);
  }
  return chain(a, ai + body, b, bi + body, len - body, fused, fround(s0 + s1));
}

function foldedLanes(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Extract<Accumulation, { kind: "folded-lanes" }>, init: number): number {
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

function packetCascade(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Extract<Accumulation, { kind: "packet-cascade" }>, init: number): number {
  let t = 0, s = acc.packets.length === 0 ? init : 0;
  acc.packets.forEach((P, i) => {
    const lanes = new Float64Array(P);
    if (i === 0) lanes[0] = init;
    for (; t + P <= len; t += P) for (let l = 0; l < P; l++) lanes[l] = step(a[ai + t + l]!, b[bi + t + l]!, lanes[l]!, acc.fused);
    const r = reduceLanes(lanes, acc.reduce, P);
    s = i === 0 ? r : fround(s + r);
  });
  return finishTail(a, ai, b, bi, len, t, acc.tail, s);
}

/** The rest from t on, as a chain (fused or not) or as a FoldLeftTail. */
function finishTail(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, t: number, tail: Exclude<LaneTail, "in-lanes"> | FoldLeftTail, s: number): number {
  if (typeof tail === "string") return chain(a, ai + t, b, bi + t, len - t, tail === "fused-chain", s);
  const lead = Math.min(tail.lead ?? 0, len - t);
  s = chain(a, ai + t, b, bi + t, lead, false, s);
  t += lead;
  const unfused = (len - t) - ((len - t) % tail.foldLeft);
  s = chain(a, ai + t, b, bi + t, unfused, false, s);
  t += unfused;
  return chain(a, ai + t, b, bi + t, len - t, true, s);
}

function redux2acc(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Extract<Accumulation, { kind: "redux-2acc" }>, init: number): number {
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

function kBlocked(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Extract<Accumulation, { kind: "k-blocked" }>, init: number): number {
  let s = init, t = 0;
  const part = (n: number, inner: Accumulation, carry: BlockCarry): void => {
    s = carry === "init" ? blockSum(a, ai + t, b, bi + t, n, inner, s) : fround(s + blockSum(a, ai + t, b, bi + t, n, inner, 0));
    t += n;
  };
  for (; t + acc.block <= len;) part(acc.block, acc.inner, acc.carry);
  if (t < len) part(len - t, acc.rest, acc.restCarry);
  return s;
}

function step(a: number, b: number, s: number, fused: boolean): number {
  return fused ? fmaStep(a, b, s) : fround(s + fround(a * b));
}

function chain(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, fused: boolean, init: number): number {
  let s = init;
  if (fused) for (let t = 0; t < len; t++) s = fmaStep(a[ai + t]!, b[bi + t]!, s);
  else for (let t = 0; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  return s;
}

const scratchBuffer = new Float64Array(64);
/** A zeroed register file of `n` values, reused across calls (the engine is synchronous). */
function scratch(n: number): Float64Array {
  if (n > scratchBuffer.length) return new Float64Array(n);
  scratchBuffer.fill(0, 0, n);
  return scratchBuffer;
}

/** Sums the first `n` lanes of `v` in the named tree (see LaneReduction). Destroys `v`. */
export function reduceLanes(v: Float64Array, how: LaneReduction, n = v.length): number {
  if (how === "sequential") {
    let s = v[0]!;
    for (let i = 1; i < n; i++) s = fround(s + v[i]!);
    return s;
  }
  if (how === "blis-generic-4") return fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  while (n > 1) {
    const h = n >> 1;
    if (how === "halving") for (let i = 0; i < h; i++) v[i] = fround(v[i]! + v[i + h]!);
    else for (let i = 0; i < h; i++) v[i] = fround(v[2 * i]! + v[2 * i + 1]!);
    n = h;
  }
  return v[0]!;
}

/**
 * Four `chain` sums at once, sharing the vector a against four vectors b (stride ldb): the same order
 * per element as blockSum with a chain (x·y = y·x exactly), interleaved only so that the four
 * dependency chains overlap in the CPU.
 * Results go to out[0..3]; inits come from init[0..3].
 */
export function chainSum4(a: Float32Array, ai: number, b: Float32Array, bi: number, ldb: number, len: number, fused: boolean, init: Float64Array, out: Float64Array): void {
  let s0 = init[0]!, s1 = init[1]!, s2 = init[2]!, s3 = init[3]!;
  const b0 = bi, b1 = bi + ldb, b2 = bi + 2 * ldb, b3 = bi + 3 * ldb;
  if (fused) {
    for (let t = 0; t < len; t++) {
      const x = a[ai + t]!;
      s0 = fmaStep(x, b[b0 + t]!, s0);
      s1 = fmaStep(x, b[b1 + t]!, s1);
      s2 = fmaStep(x, b[b2 + t]!, s2);
      s3 = fmaStep(x, b[b3 + t]!, s3);
    }
  } else {
    for (let t = 0; t < len; t++) {
      const x = a[ai + t]!;
      s0 = fround(s0 + fround(x * b[b0 + t]!));
      s1 = fround(s1 + fround(x * b[b1 + t]!));
      s2 = fround(s2 + fround(x * b[b2 + t]!));
      s3 = fround(s3 + fround(x * b[b3 + t]!));
    }
  }
  out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3;
}

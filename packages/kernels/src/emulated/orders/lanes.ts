import { fmaStep } from "../fused-steps.js";
import { lanes4x2Fma, lanes8Fma } from "../fused-kernels.js";
import { chain, chainOrder } from "./chain.js";
import { rowPairs, eachElement, type Order } from "./order.js";
import { reduceLanes, type LaneReduction } from "./reduce-lanes.js";
import { scratch } from "./scratch.js";

const fround = Math.fround;

/**
 * Where the k mod lanes rest goes: `in-lanes` (a masked load feeds it into lanes 0.. before the
 * reduction), or a chain after the reduction, fused or as separate multiply and add, or `lane-0`:
 * every rest product fused into lane 0, in order, before the reduction (a scalar vmovss load and a
 * full-width FMA whose upper lanes add 0·0, as in BLIS's sup rd kernels), or `half-then-mul-add`:
 * a vectorised epilogue of lanes/2 products when at least that many remain (their products summed by
 * `reduce` over lanes/2, then added to the reduced value), the rest multiply-then-add (gcc's
 * vectoriser epilogue in BLIS's reference dotxf).
 */
export type LaneTail = "in-lanes" | "fused-chain" | "mul-add-chain" | "lane-0" | "half-then-mul-add";

/**
 * `lanes`: SIMD lanes over k (product t to lane t mod lanes) over lanes·⌊len/lanes⌋, the lanes reduced
 * by `reduce`; the k mod lanes rest goes where `tail` says. Below `minLength` the whole block is one
 * chain instead (a scalar fallback).
 */
export interface LanesAccumulation {
  readonly kind: "lanes";
  readonly fused: boolean;
  readonly lanes: number;
  readonly minLength: number;
  readonly reduce: LaneReduction;
  readonly tail: LaneTail;
}

/** The `lanes` order. */
export function lanes(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: LanesAccumulation, init: number): number {
  if (len < acc.minLength) return chain(a, ai, b, bi, len, acc.fused, init);
  if (acc.tail === "lane-0") return lanesWithLane0Tail(a, ai, b, bi, len, acc.lanes, acc.fused, acc.reduce, init);
  const L = acc.lanes, inLanes = acc.tail === "in-lanes";
  const body = len - (len % L), end = inLanes ? len : body;
  const lanes = scratch(L);
  lanes[0] = init;
  let t = 0;
  if (acc.fused) {
    t = fusedLanesBody(a, ai, b, bi, end, L, lanes);
    for (; t + L <= end; t += L) for (let l = 0; l < L; l++) lanes[l] = fmaStep(a[ai + t + l]!, b[bi + t + l]!, lanes[l]!);
    for (let l = 0; t < end; t++, l++) lanes[l] = fmaStep(a[ai + t]!, b[bi + t]!, lanes[l]!);
  } else {
    for (; t + L <= end; t += L) for (let l = 0; l < L; l++) lanes[l] = fround(lanes[l]! + fround(a[ai + t + l]! * b[bi + t + l]!));
    for (let l = 0; t < end; t++, l++) lanes[l] = fround(lanes[l]! + fround(a[ai + t]! * b[bi + t]!));
  }
  let s = reduceLanes(lanes, acc.reduce, L);
  if (acc.tail === "half-then-mul-add" && len - body >= L / 2) {
    const h = L / 2, v = scratch(h);
    for (let l = 0; l < h; l++) v[l] = fround(a[ai + body + l]! * b[bi + body + l]!);
    s = fround(s + reduceLanes(v, acc.reduce === "blis-generic-4" ? "halving" : acc.reduce, h));
    return chain(a, ai + body + h, b, bi + body + h, len - body - h, false, s);
  }
  return inLanes ? s : chain(a, ai + body, b, bi + body, len - body, acc.tail === "fused-chain", s);
}

/** `lanes` with tail `lane-0` (see LaneTail). */
function lanesWithLane0Tail(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, L: number, fused: boolean, reduce: LaneReduction, init: number): number {
  const body = len - (len % L);
  const lanes = scratch(L);
  lanes[0] = init;
  if (fused) {
    const t0 = fusedLanesBody(a, ai, b, bi, body, L, lanes);
    for (let t = t0; t < body; t += L) for (let l = 0; l < L; l++) lanes[l] = fmaStep(a[ai + t + l]!, b[bi + t + l]!, lanes[l]!);
  } else for (let t = 0; t < body; t += L) for (let l = 0; l < L; l++) lanes[l] = fround(lanes[l]! + fround(a[ai + t + l]! * b[bi + t + l]!));
  lanes[0] = chain(a, ai + body, b, bi + body, len - body, fused, lanes[0]!);
  return reduceLanes(lanes, reduce, L);
}

/**
 * L fused lanes (L a multiple of 8) over t < L·⌊end/L⌋, product t to lane t mod L, starting from and
 * leaving their values in w[0..L−1]; returns L·⌊end/L⌋. The lanes are independent, so they run 8 at a
 * time (lanes o..o+7 over the whole body, then the next 8), each 8 through a call-free fast loop with
 * fma32 steps out of line, as the chain kernels. Any other L does nothing and returns 0.
 */
export function fusedLanesBody(a: Float32Array, ai: number, b: Float32Array, bi: number, end: number, L: number, w: Float64Array): number {
  if (L % 8 !== 0) return 0;
  const body = end - (end % L);
  for (let o = 0; o < L; o += 8) lanes8Fma(a, ai + o, b, bi + o, body, L, w, o);
  return body;
}

const laneScratch = new Float64Array(16);

/** 16 fused lanes over t (lane t mod 16, the len mod 16 rest in lanes 0..), lane 0 starting at init, then reduced. */
function lanes16Fma(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, init: number, how: LaneReduction): number {
  const w = laneScratch;
  w.fill(0);
  w[0] = init;
  let t = fusedLanesBody(a, ai, b, bi, len, 16, w);
  for (let l = 0; t < len; t++, l++) w[l] = fmaStep(a[ai + t]!, b[bi + t]!, w[l]!);
  return reduceLanes(w, how, 16);
}

const laneScratch2 = new Float64Array(4);

/** Two rows of one column, 4 multiply-then-add lanes each, reduced, then the len mod 4 rest as a multiply-then-add
 * chain (with `half`, a pair p + q first when two or more remain: the `half-then-mul-add` tail). */
export function lanes4x2MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number, how: LaneReduction, half: boolean): void {
  const a1 = a0 + lda;
  let p0 = v[e]!, p1 = 0, p2 = 0, p3 = 0, q0 = v[e + 1]!, q1 = 0, q2 = 0, q3 = 0;
  const body = len - (len % 4);
  for (let t = 0; t < body; t += 4) {
    const y0 = b[b0 + t]!, y1 = b[b0 + t + 1]!, y2 = b[b0 + t + 2]!, y3 = b[b0 + t + 3]!;
    p0 = fround(p0 + fround(a[a0 + t]! * y0)); p1 = fround(p1 + fround(a[a0 + t + 1]! * y1));
    p2 = fround(p2 + fround(a[a0 + t + 2]! * y2)); p3 = fround(p3 + fround(a[a0 + t + 3]! * y3));
    q0 = fround(q0 + fround(a[a1 + t]! * y0)); q1 = fround(q1 + fround(a[a1 + t + 1]! * y1));
    q2 = fround(q2 + fround(a[a1 + t + 2]! * y2)); q3 = fround(q3 + fround(a[a1 + t + 3]! * y3));
  }
  const w = laneScratch2;
  w[0] = p0; w[1] = p1; w[2] = p2; w[3] = p3;
  let sp = reduceLanes(w, how, 4);
  w[0] = q0; w[1] = q1; w[2] = q2; w[3] = q3;
  let sq = reduceLanes(w, how, 4);
  let t0 = body;
  if (half && len - body >= 2) {
    const y0 = b[b0 + body]!, y1 = b[b0 + body + 1]!;
    sp = fround(sp + fround(fround(a[a0 + body]! * y0) + fround(a[a0 + body + 1]! * y1)));
    sq = fround(sq + fround(fround(a[a1 + body]! * y0) + fround(a[a1 + body + 1]! * y1)));
    t0 = body + 2;
  }
  for (let t = t0; t < len; t++) {
    const y = b[b0 + t]!;
    sp = fround(sp + fround(a[a0 + t]! * y));
    sq = fround(sq + fround(a[a1 + t]! * y));
  }
  v[e] = sp; v[e + 1] = sq;
}

const pairLanes = new Float64Array(16);

/**
 * Two rows of one column (elements e and e + 1), each 8 fused lanes over 8·⌊len/8⌋ then its tail
 * (`lane-0`: the rest fused into lane 0 before the reduction; a chain after it otherwise), as blockSum
 * gives each: the two rows share their loads of b, four lanes of each at a time.
 */
function lanes8x2Fma(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number, how: LaneReduction, tail: Exclude<LaneTail, "in-lanes" | "half-then-mul-add">): void {
  const w = pairLanes, body = len - (len % 8);
  w.fill(0);
  w[0] = v[e]!; w[8] = v[e + 1]!;
  lanes4x2Fma(a, a0, lda, b, b0, body, 8, w, 0);
  lanes4x2Fma(a, a0 + 4, lda, b, b0 + 4, body, 8, w, 4);
  for (let i = 0; i < 2; i++) {
    if (i === 1) for (let l = 0; l < 8; l++) w[l] = w[8 + l]!;
    const ai = a0 + i * lda;
    if (tail === "lane-0") {
      w[0] = chain(a, ai + body, b, b0 + body, len - body, true, w[0]!);
      v[e + i] = reduceLanes(w, how, 8);
    } else v[e + i] = chain(a, ai + body, b, b0 + body, len - body, tail === "fused-chain", reduceLanes(w, how, 8));
  }
}

/** The `lanes` order; two rows sharing their loads of b (8 fused lanes, 4 multiply-add lanes) or 16 fused lanes in its tile form. */
export const lanesOrder: Order<LanesAccumulation> = {
  sum: lanes,
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    const args = [a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld] as const;
    if (len < acc.minLength) chainOrder.tile!({ kind: "chain", fused: acc.fused }, ...args);
    else if (acc.fused && acc.lanes === 8 && acc.tail !== "in-lanes" && acc.tail !== "half-then-mul-add") {
      const tail = acc.tail;
      rowPairs(lanes, acc, (r, s, e) => lanes8x2Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, e, acc.reduce, tail), ...args);
    } else if (acc.fused && acc.lanes === 16 && acc.tail === "in-lanes") {
      for (let s = s0; s < s1; s++) for (let r = r0; r < r1; r++) {
        const e = s * ld + r;
        v[e] = lanes16Fma(a, aOff + r * lda, b, bOff + s * ldb, len, v[e]!, acc.reduce);
      }
    } else if (!acc.fused && acc.lanes === 4 && (acc.tail === "mul-add-chain" || acc.tail === "half-then-mul-add")) {
      const half = acc.tail === "half-then-mul-add";
      rowPairs(lanes, acc, (r, s, e) => lanes4x2MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, e, acc.reduce, half), ...args);
    } else eachElement(lanes, acc, ...args);
  },
};

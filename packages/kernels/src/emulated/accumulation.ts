import { fmaStep } from "./fused-steps.js";
import { chain1x1Fma, chain4x1Fma, chain4x2Fma, chain8x1Fma, evenOdd4x1Body, fusedPair, lanes4x2Fma, lanes8Fma } from "./fused-kernels.js";
import {
  mklAvx2Dot, mklAvx512Axpy8, mklAvx512Dot, mklAvx512DotQuad2, mklAvx512Horner, mklEvenOdd, mklSseSum,
  type MklAvx2DotAccumulation, type MklAvx512Axpy8Accumulation, type MklAvx512DotAccumulation,
  type MklAvx512HornerAccumulation, type MklEvenOddAccumulation, type MklSseAccumulation,
} from "./mkl-accumulation.js";

const fround = Math.fround;

export { fmaStep } from "./fused-steps.js";

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
 * - `register-lanes`: `registers` SIMD registers of `lanes` lanes, the k loop unrolled over all of
 *   them: product t of the first lanes·registers·⌊len/(lanes·registers)⌋ goes to register
 *   ⌊t/lanes⌋ mod registers, lane t mod lanes; the registers are added lane by lane in order
 *   (((r0 + r1) + r2) + …), the lanes then reduced by `reduce`; the rest follows as a chain
 *   (BLIS's bli_sdotxv_zen_int: 4 ymm registers over 32 k, lanes summed 0..7, scalar tail).
 * - `group-tree`: k in groups of `group`; each group folds its products fl(a·b) into the running value
 *   by a fixed tree, `tree` in postfix: `c` the running value, `0`…`group−1` the group's products,
 *   `+` one rounded addition of the top two; the len mod group rest multiplies then adds in order.
 *   (What gcc's reassociation, under -funsafe-math-optimizations, makes of BLIS's reference axpyf
 *   y[i] += Σ_j a(i,j)·χ_j; a vector loop, its epilogue and the scalar rows each get their own tree.)
 *   With `wide`, a group's additions are binary64 and only its result is rounded to binary32 (a
 *   `double` accumulator over binary32 products, as in bli_saxpyf_zen_int_5's scalar rows).
 * - `pipelined-pair`: the k loop unrolled by `unroll` (even) alternates two registers, even k and odd
 *   k, each product added one step late (software pipelining): over body = unroll·⌊len/unroll⌋ the
 *   even register holds k = 0, 2, …, body−2 and the odd one k = 1, 3, …, body−3; then
 *   s = odd + even, the pending product body−1 joins, and the rest follows as a chain
 *   (OpenBLAS gemm_kernel_4x8_nehalem.S, its M = 1, N = 2 tile).
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
  | { readonly kind: "group-tree"; readonly group: number; readonly tree: string; readonly wide?: boolean }
  | { readonly kind: "pipelined-pair"; readonly fused: boolean; readonly unroll: number }
  | {
      readonly kind: "register-lanes";
      readonly fused: boolean;
      readonly lanes: number;
      readonly registers: number;
      readonly reduce: LaneReduction;
      readonly tail: "fused-chain" | "mul-add-chain";
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
  | { readonly kind: "redux-2acc"; readonly fused: boolean; readonly packet: number; readonly tail: FoldLeftTail }
  // MKL's kernels, measured by the probe (mkl-accumulation.ts).
  | MklSseAccumulation
  | MklAvx512DotAccumulation
  | MklAvx512Axpy8Accumulation
  | MklAvx2DotAccumulation
  | MklEvenOddAccumulation
  | MklAvx512HornerAccumulation;

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
 * reduction), or a chain after the reduction, fused or as separate multiply and add, or `lane-0`:
 * every rest product fused into lane 0, in order, before the reduction (a scalar vmovss load and a
 * full-width FMA whose upper lanes add 0·0, as in BLIS's sup rd kernels), or `half-then-mul-add`:
 * a vectorised epilogue of lanes/2 products when at least that many remain (their products summed by
 * `reduce` over lanes/2, then added to the reduced value), the rest multiply-then-add (gcc's
 * vectoriser epilogue in BLIS's reference dotxf).
 */
export type LaneTail = "in-lanes" | "fused-chain" | "mul-add-chain" | "lane-0" | "half-then-mul-add";

/**
 * How SIMD lanes are summed into one value.
 * - `halving`: (i, i+L/2) pairs, then (i, i+L/4), … — a shuffle-and-add horizontal sum.
 * - `adjacent`: (0,1),(2,3),… then pairs of those — hadd-style.
 * - `sequential`: ((l0 + l1) + l2) + … .
 * - `blis-generic-4`: (l0 + l2) + (l1 + l3), four lanes only.
 */
export type LaneReduction = "halving" | "adjacent" | "sequential" | "blis-generic-4";

/** Σ a[ai+t]·b[bi+t], t < len, in the stated order, starting from `init` (the first register's start). */
export function blockSum(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Accumulation, init: number): number {
  let u = 0;
  if (acc.kind === "chain") return chain(a, ai, b, bi, len, acc.fused, init);
  if (acc.kind === "mkl-sse") return mklSseSum(a, ai, b, bi, len, acc, init);
  if (acc.kind === "mkl-avx512-dot") return mklAvx512Dot(a, ai, b, bi, len, acc, init);
  if (acc.kind === "mkl-avx512-axpy8") return mklAvx512Axpy8(a, ai, b, bi, len, init);
  if (acc.kind === "mkl-avx2-dot") return mklAvx2Dot(a, ai, b, bi, len, acc, init);
  if (acc.kind === "mkl-even-odd") return mklEvenOdd(a, ai, b, bi, len, acc, init);
  if (acc.kind === "mkl-avx512-horner") return mklAvx512Horner(a, ai, b, bi, len, acc, init);
  if (acc.kind === "interleaved") {
    const u = acc.unroll, body = len - (len % u);
    if (acc.accumulators === 2 && u % 2 === 0) {
      let s0 = init, s1 = 0;
      if (acc.fused) {
        const w = pairScratch;
        w[0] = s0; w[1] = 0;
        fusedPair(a, ai, b, bi, body, w);
        s0 = w[0]!; s1 = w[1]!;
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
  if (acc.kind === "register-lanes") return registerLanes(a, ai, b, bi, len, acc, init);
  if (acc.kind === "pipelined-pair") return pipelinedPair(a, ai, b, bi, len, acc.unroll, acc.fused, init);
  if (acc.kind === "group-tree") return groupTree(a, ai, b, bi, len, acc.group, acc.tree, acc.wide === true, init);
  if (acc.kind === "merged-pair") return mergedPair(a, ai, b, bi, len, acc.fused, acc.unroll, init);
  if (acc.kind === "folded-lanes") return foldedLanes(a, ai, b, bi, len, acc, init);
  if (acc.kind === "packet-cascade") return packetCascade(a, ai, b, bi, len, acc, init);
  if (acc.kind === "k-blocked") return kBlocked(a, ai, b, bi, len, acc, init);
  if (acc.kind === "redux-2acc") return redux2acc(a, ai, b, bi, len, acc, init);
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

const compiledTrees = new Map<string, Int32Array>();
/** A group tree in postfix as codes: −1 the running value, −2 an addition, i ≥ 0 product i. */
function compileTree(tree: string, group: number): Int32Array {
  let code = compiledTrees.get(tree);
  if (code !== undefined) return code;
  const tokens = tree.trim().split(/\s+/);
  code = Int32Array.from(tokens, (t) => (t === "c" ? -1 : t === "+" ? -2 : Number(t)));
  let depth = 0;
  const seen = new Set<number>();
  for (const op of code) {
    if (op === -2) depth--;
    else depth++;
    if (op >= 0) {
      if (!(op < group) || seen.has(op)) throw new Error(`group tree "${tree}": product ${op} out of range or repeated`);
      seen.add(op);
    }
    if (depth < 1) throw new Error(`group tree "${tree}" is not a postfix sum`);
  }
  if (depth !== 1 || seen.size !== group || !code.includes(-1)) throw new Error(`group tree "${tree}" must sum c and products 0..${group - 1} once each`);
  compiledTrees.set(tree, code);
  return code;
}

/** The `group-tree` accumulation (see Accumulation). */
function groupTree(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, group: number, tree: string, wide: boolean, init: number): number {
  const code = compileTree(tree, group);
  const stack = scratch(code.length);
  const body = len - (len % group);
  let s = init;
  for (let t = 0; t < body; t += group) {
    let sp = 0;
    for (const op of code) {
      if (op === -1) stack[sp++] = s;
      else if (op === -2) { sp--; stack[sp - 1] = wide ? stack[sp - 1]! + stack[sp]! : fround(stack[sp - 1]! + stack[sp]!); }
      else stack[sp++] = fround(a[ai + t + op]! * b[bi + t + op]!);
    }
    s = wide ? fround(stack[0]!) : stack[0]!;
  }
  return chain(a, ai + body, b, bi + body, len - body, false, s);
}

/** The `pipelined-pair` accumulation (see Accumulation). */
function pipelinedPair(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, unroll: number, fused: boolean, init: number): number {
  const body = len - (len % unroll);
  if (body === 0) return chain(a, ai, b, bi, len, fused, init);
  let even = init, odd = 0;
  for (let t = 0; t < body; t += 2) {
    even = step(a[ai + t]!, b[bi + t]!, even, fused);
    if (t + 1 < body - 1) odd = step(a[ai + t + 1]!, b[bi + t + 1]!, odd, fused);
  }
  const s = fround(odd + even);
  return chain(a, ai + body - 1, b, bi + body - 1, len - body + 1, fused, s);
}

/** The `register-lanes` accumulation (see Accumulation). */
function registerLanes(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: Extract<Accumulation, { kind: "register-lanes" }>, init: number): number {
  const L = acc.lanes, R = acc.registers, W = L * R;
  const body = len - (len % W);
  const regs = scratch(W);
  regs[0] = init;
  if (acc.fused) for (let t = fusedLanesBody(a, ai, b, bi, body, W, regs); t < body; t += W) for (let q = 0; q < W; q++) regs[q] = fmaStep(a[ai + t + q]!, b[bi + t + q]!, regs[q]!);
  else for (let t = 0; t < body; t += W) for (let q = 0; q < W; q++) regs[q] = fround(regs[q]! + fround(a[ai + t + q]! * b[bi + t + q]!));
  for (let l = 0; l < L; l++) {
    let s = regs[l]!;
    for (let r = 1; r < R; r++) s = fround(s + regs[r * L + l]!);
    regs[l] = s;
  }
  const s = reduceLanes(regs, acc.reduce, L);
  return chain(a, ai + body, b, bi + body, len - body, acc.tail === "fused-chain", s);
}

function mergedPair(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, fused: boolean, unroll: number, init: number): number {
  const body = len - (len % unroll);
  let s0 = init, s1 = 0;
  if (fused) {
    const w = pairScratch;
    w[0] = s0; w[1] = 0;
    fusedPair(a, ai, b, bi, body, w);
    s0 = w[0]!; s1 = w[1]!;
  } else {
    for (let t = 0; t < body; t += 2) {
      s0 = fround(s0 + fround(a[ai + t]! * b[bi + t]!));
      s1 = fround(s1 + fround(a[ai + t + 1]! * b[bi + t + 1]!));
    }
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

/** The running value of a fused `chain`, for chain1x1Fma. */
const chainCell = new Float64Array(1);

function chain(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, fused: boolean, init: number): number {
  if (fused) {
    if (len === 0) return init;
    chainCell[0] = init;
    chain1x1Fma(a, ai, b, bi, len, chainCell, 0);
    return chainCell[0]!;
  }
  let s = init;
  for (let t = 0; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
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

/** The `add` blocks of a k-blocked tile (tileSums), summed from +0 before they are added. */
const kBlockScratch = new Float64Array(1 << 16);

/**
 * The block sums of a rectangle of elements at once, in exactly the order blockSum gives each of them:
 * element (r, s), r0 ≤ r < r1, s0 ≤ s < s1, sums a[aOff + r·lda + t]·b[bOff + s·ldb + t] over t < len,
 * starting from v[s·ld + r] and leaving its block sum there. Independent elements are interleaved
 * (register blocks of 4×2, 8×1, … that share their loads) only so that their dependency chains overlap
 * in the CPU; the accumulation kinds without a blocked kernel here run element by element through
 * blockSum.
 */
export function tileSums(
  acc: Accumulation, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number,
  r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number,
): void {
  if (acc.kind === "chain") {
    if (acc.fused) chainTileFma(a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
    else chainTileMulAdd(a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
    return;
  }
  if (acc.kind === "interleaved" && acc.fused && acc.accumulators === 2 && acc.unroll % 2 === 0) {
    const body = len - (len % acc.unroll);
    for (let s = s0; s < s1; s++) {
      let r = r0;
      for (; r + 4 <= r1; r += 4) evenOdd4x1Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, body, len, v, s * ld + r);
      for (; r < r1; r++) v[s * ld + r] = blockSum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
    }
    return;
  }
  if (acc.kind === "lanes") {
    if (len < acc.minLength) {
      tileSums({ kind: "chain", fused: acc.fused }, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
      return;
    }
    if (acc.fused && acc.lanes === 8 && acc.tail !== "in-lanes" && acc.tail !== "half-then-mul-add") {
      for (let s = s0; s < s1; s++) {
        let r = r0;
        for (; r + 2 <= r1; r += 2) lanes8x2Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r, acc.reduce, acc.tail);
        for (; r < r1; r++) v[s * ld + r] = blockSum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
      }
      return;
    }
    if (acc.fused && acc.lanes === 16 && acc.tail === "in-lanes") {
      for (let s = s0; s < s1; s++) for (let r = r0; r < r1; r++) {
        const e = s * ld + r;
        v[e] = lanes16Fma(a, aOff + r * lda, b, bOff + s * ldb, len, v[e]!, acc.reduce);
      }
      return;
    }
    if (!acc.fused && acc.lanes === 4 && (acc.tail === "mul-add-chain" || acc.tail === "half-then-mul-add")) {
      const half = acc.tail === "half-then-mul-add";
      for (let s = s0; s < s1; s++) {
        let r = r0;
        for (; r + 2 <= r1; r += 2) lanes4x2MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r, acc.reduce, half);
        for (; r < r1; r++) v[s * ld + r] = blockSum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
      }
      return;
    }
  }
  if (acc.kind === "mkl-avx512-dot" && acc.variant === "quad") {
    for (let s = s0; s < s1; s++) {
      let r = r0;
      for (; r + 2 <= r1; r += 2) mklAvx512DotQuad2(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
      for (; r < r1; r++) v[s * ld + r] = blockSum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
    }
    return;
  }
  if (acc.kind === "k-blocked") {
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
    for (; t + acc.block <= len;) part(acc.block, acc.inner, acc.carry);
    if (t < len) part(len - t, acc.rest, acc.restCarry);
    return;
  }
  if (acc.kind === "packet-cascade" && !acc.fused && acc.packets.length === 1 && acc.packets[0] === 4 && acc.tail === "mul-add-chain") {
    // One packet of 4 multiply-then-add lanes from init, reduced, then a multiply-then-add chain: the
    // order of `lanes` (4, mul-add-chain), so two rows at a time share their loads of b (Eigen -O3's gemv rows).
    for (let s = s0; s < s1; s++) {
      let r = r0;
      for (; r + 2 <= r1; r += 2) lanes4x2MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r, acc.reduce, false);
      for (; r < r1; r++) v[s * ld + r] = blockSum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
    }
    return;
  }
  for (let s = s0; s < s1; s++) for (let r = r0; r < r1; r++) {
    const e = s * ld + r;
    v[e] = blockSum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[e]!);
  }
}

/** Fused chains over a rectangle: 4×2 blocks over column pairs, 8×1 and 4×1 on a single column, 1×4 for leftover rows. */
function chainTileFma(a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  let s = s0;
  for (; s + 2 <= s1; s += 2) {
    let r = r0;
    for (; r + 4 <= r1; r += 4) chain4x2Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, ldb, len, v, s * ld + r, ld);
    for (; r < r1; r++) { chain1x1Fma(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r); chain1x1Fma(a, aOff + r * lda, b, bOff + (s + 1) * ldb, len, v, (s + 1) * ld + r); }
  }
  for (; s < s1; s++) {
    let r = r0;
    for (; r + 8 <= r1; r += 8) chain8x1Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r + 4 <= r1; r += 4) chain4x1Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r < r1; r++) chain1x1Fma(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r);
  }
}

/** Multiply-then-add chains over a rectangle, blocked as chainTileFma. */
function chainTileMulAdd(a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  let s = s0;
  for (; s + 2 <= s1; s += 2) {
    let r = r0;
    for (; r + 4 <= r1; r += 4) chain4x2MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, ldb, len, v, s * ld + r, ld);
    for (; r < r1; r++) { chain1x1MulAdd(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r); chain1x1MulAdd(a, aOff + r * lda, b, bOff + (s + 1) * ldb, len, v, (s + 1) * ld + r); }
  }
  for (; s < s1; s++) {
    let r = r0;
    for (; r + 8 <= r1; r += 8) chain8x1MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r + 4 <= r1; r += 4) chain4x1MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r < r1; r++) chain1x1MulAdd(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r);
  }
}

/** Four rows of one column with two fused registers each (even t, odd t) over `body`, the rest into the even one, then even + odd. */
function evenOdd4x1Fma(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, body: number, len: number, v: Float64Array, e: number): void {
  const o = oddScratch;
  o[0] = 0; o[1] = 0; o[2] = 0; o[3] = 0;
  evenOdd4x1Body(a, a0, lda, b, b0, body, v, e, o);
  if (body < len) chain4x1Fma(a, a0 + body, lda, b, b0 + body, len - body, v, e);
  v[e] = fround(v[e]! + o[0]!); v[e + 1] = fround(v[e + 1]! + o[1]!); v[e + 2] = fround(v[e + 2]! + o[2]!); v[e + 3] = fround(v[e + 3]! + o[3]!);
}

const oddScratch = new Float64Array(4);
const pairScratch = new Float64Array(2);


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
function lanes4x2MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number, how: LaneReduction, half: boolean): void {
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

/**
 * L fused lanes (L a multiple of 8) over t < L·⌊end/L⌋, product t to lane t mod L, starting from and
 * leaving their values in w[0..L−1]; returns L·⌊end/L⌋. The lanes are independent, so they run 8 at a
 * time (lanes o..o+7 over the whole body, then the next 8), each 8 through a call-free fast loop with
 * fma32 steps out of line, as the chain kernels. Any other L does nothing and returns 0.
 */
function fusedLanesBody(a: Float32Array, ai: number, b: Float32Array, bi: number, end: number, L: number, w: Float64Array): number {
  if (L % 8 !== 0) return 0;
  const body = end - (end % L);
  for (let o = 0; o < L; o += 8) lanes8Fma(a, ai + o, b, bi + o, body, L, w, o);
  return body;
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









function chain4x2MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, ldb: number, len: number, v: Float64Array, e: number, ld: number): void {
  const a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = b0 + ldb;
  let c00 = v[e]!, c10 = v[e + 1]!, c20 = v[e + 2]!, c30 = v[e + 3]!, c01 = v[e + ld]!, c11 = v[e + ld + 1]!, c21 = v[e + ld + 2]!, c31 = v[e + ld + 3]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, x1 = a[a1 + t]!, x2 = a[a2 + t]!, x3 = a[a3 + t]!, y0 = b[b0 + t]!, y1 = b[b1 + t]!;
    c00 = fround(c00 + fround(x0 * y0)); c10 = fround(c10 + fround(x1 * y0)); c20 = fround(c20 + fround(x2 * y0)); c30 = fround(c30 + fround(x3 * y0));
    c01 = fround(c01 + fround(x0 * y1)); c11 = fround(c11 + fround(x1 * y1)); c21 = fround(c21 + fround(x2 * y1)); c31 = fround(c31 + fround(x3 * y1));
  }
  v[e] = c00; v[e + 1] = c10; v[e + 2] = c20; v[e + 3] = c30; v[e + ld] = c01; v[e + ld + 1] = c11; v[e + ld + 2] = c21; v[e + ld + 3] = c31;
}

function chain8x1MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  const a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
  let c00 = v[e]!, c10 = v[e + 1]!, c20 = v[e + 2]!, c30 = v[e + 3]!, c40 = v[e + 4]!, c50 = v[e + 5]!, c60 = v[e + 6]!, c70 = v[e + 7]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, x1 = a[a1 + t]!, x2 = a[a2 + t]!, x3 = a[a3 + t]!, x4 = a[a4 + t]!, x5 = a[a5 + t]!, x6 = a[a6 + t]!, x7 = a[a7 + t]!, y0 = b[b0 + t]!;
    c00 = fround(c00 + fround(x0 * y0)); c10 = fround(c10 + fround(x1 * y0)); c20 = fround(c20 + fround(x2 * y0)); c30 = fround(c30 + fround(x3 * y0)); c40 = fround(c40 + fround(x4 * y0)); c50 = fround(c50 + fround(x5 * y0)); c60 = fround(c60 + fround(x6 * y0)); c70 = fround(c70 + fround(x7 * y0));
  }
  v[e] = c00; v[e + 1] = c10; v[e + 2] = c20; v[e + 3] = c30; v[e + 4] = c40; v[e + 5] = c50; v[e + 6] = c60; v[e + 7] = c70;
}

function chain4x1MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  const a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
  let c00 = v[e]!, c10 = v[e + 1]!, c20 = v[e + 2]!, c30 = v[e + 3]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, x1 = a[a1 + t]!, x2 = a[a2 + t]!, x3 = a[a3 + t]!, y0 = b[b0 + t]!;
    c00 = fround(c00 + fround(x0 * y0)); c10 = fround(c10 + fround(x1 * y0)); c20 = fround(c20 + fround(x2 * y0)); c30 = fround(c30 + fround(x3 * y0));
  }
  v[e] = c00; v[e + 1] = c10; v[e + 2] = c20; v[e + 3] = c30;
}

function chain1x1MulAdd(a: Float32Array, a0: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  let c00 = v[e]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, y0 = b[b0 + t]!;
    c00 = fround(c00 + fround(x0 * y0));
  }
  v[e] = c00;
}



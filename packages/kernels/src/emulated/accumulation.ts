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
    };

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
  if (acc.kind === "register-lanes") return registerLanes(a, ai, b, bi, len, acc, init);
  if (acc.kind === "pipelined-pair") return pipelinedPair(a, ai, b, bi, len, acc.unroll, acc.fused, init);
  if (acc.kind === "group-tree") return groupTree(a, ai, b, bi, len, acc.group, acc.tree, acc.wide === true, init);
  if (len < acc.minLength) return chain(a, ai, b, bi, len, acc.fused, init);
  if (acc.tail === "lane-0") return lanesWithLane0Tail(a, ai, b, bi, len, acc.lanes, acc.fused, acc.reduce, init);
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
  let s = reduceLanes(lanes, acc.reduce, L);
  if (acc.tail === "half-then-mul-add" && len - body >= L / 2) {
    const h = L / 2, v = scratch(h);
    for (let l = 0; l < h; l++) v[l] = fround(a[ai + body + l]! * b[bi + body + l]!);
    s = fround(s + reduceLanes(v, acc.reduce, h));
    return chain(a, ai + body + h, b, bi + body + h, len - body - h, false, s);
  }
  return inLanes ? s : chain(a, ai + body, b, bi + body, len - body, acc.tail === "fused-chain", s);
}

/** `lanes` with tail `lane-0` (see LaneTail). */
function lanesWithLane0Tail(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, L: number, fused: boolean, reduce: LaneReduction, init: number): number {
  const body = len - (len % L);
  const lanes = scratch(L);
  lanes[0] = init;
  if (fused) for (let t = 0; t < body; t += L) for (let l = 0; l < L; l++) lanes[l] = fmaStep(a[ai + t + l]!, b[bi + t + l]!, lanes[l]!);
  else for (let t = 0; t < body; t += L) for (let l = 0; l < L; l++) lanes[l] = fround(lanes[l]! + fround(a[ai + t + l]! * b[bi + t + l]!));
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
  if (acc.fused) for (let t = 0; t < body; t += W) for (let q = 0; q < W; q++) regs[q] = fmaStep(a[ai + t + q]!, b[bi + t + q]!, regs[q]!);
  else for (let t = 0; t < body; t += W) for (let q = 0; q < W; q++) regs[q] = fround(regs[q]! + fround(a[ai + t + q]! * b[bi + t + q]!));
  for (let l = 0; l < L; l++) {
    let s = regs[l]!;
    for (let r = 1; r < R; r++) s = fround(s + regs[r * L + l]!);
    regs[l] = s;
  }
  const s = reduceLanes(regs, acc.reduce, L);
  return chain(a, ai + body, b, bi + body, len - body, acc.tail === "fused-chain", s);
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

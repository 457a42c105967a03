import { fma32 } from "../fp32/fma.js";
import {
  mklAvx2Dot, mklAvx512Axpy8, mklAvx512Dot, mklAvx512Horner, mklEvenOdd, mklSseSum,
  type MklAvx2DotAccumulation, type MklAvx512HornerAccumulation, type MklEvenOddAccumulation, type MklAvx512Axpy8Accumulation, type MklAvx512DotAccumulation, type MklSseAccumulation,
} from "./mkl-accumulation.js";

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
 * - `mkl-sse`, `mkl-avx512-dot`, `mkl-avx512-axpy8`, `mkl-avx2-dot`, `mkl-even-odd`,
 *   `mkl-avx512-horner`: MKL's dot kernels, measured by the probe (mkl-accumulation.ts).
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
  | MklSseAccumulation
  | MklAvx512DotAccumulation
  | MklAvx512Axpy8Accumulation
  | MklAvx2DotAccumulation
  | MklEvenOddAccumulation
  | MklAvx512HornerAccumulation;

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

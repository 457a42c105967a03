import { fma32 } from "../fp32/fma.js";

const fround = Math.fround;

/*
 * Fused multiply-add steps in binary32, exact and fast: the one-step form (fmaStep) and the call-free
 * lane loops shared by the tile kernels of accumulation.ts and the MKL kernels of mkl-accumulation.ts.
 */

/** A binary64 scratch viewed as two int32 words, to read the low word of a sum's bits. */
const bits64 = new Float64Array(1);
const words64 = new Int32Array(bits64.buffer);
/** Index of the low 32 bits of a binary64 in words64 (0 on little-endian machines). */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * RN32(a·b + s) for binary32 a, b, s, the same value as fma32(a, b, s), with the common case in a few
 * instructions. a·b is exact in binary64 and x = RN64(a·b + s) rounds once; RN32(x) can differ from the
 * correctly rounded result only when x is a binary32 midpoint (see fma32). Every midpoint has its 28
 * lowest significand bits zero in binary64: a normal binary32 midpoint has 25 significant bits; a
 * subnormal one is a multiple of 2^-150 below 2^-126, whose binary64 ulp is at most 2^-179, so 29 or
 * more low bits are zero. (x is never a binary64 subnormal: it is a multiple of 2^-298.) So when any of
 * those 28 bits is set, RN32(x) is the answer; otherwise (about 1 in 2^28 random sums, and every exact
 * zero, infinity and NaN) the full fma32 decides. The hot loops (fused-kernels.ts, emitted by
 * fused-loop.ts) do not call it: they test for a midpoint without memory traffic and take fma32 out of line.
 */
export function fmaStep(a: number, b: number, s: number): number {
  const x = a * b + s;
  bits64[0] = x;
  return (words64[LOW]! & 0x0fffffff) === 0 ? fma32(a, b, s) : fround(x);
}

/*
 * The fused loops (fused-kernels.ts, emitted by fused-loop.ts) run in two parts so that the hot loop holds no call. A fast loop takes
 * each step as RN32(RN64(x·y + c)) and leaves (exits, its accumulators written back to v) at the first
 * step whose binary64 sum u may be a binary32 midpoint, the only case where that double rounding can
 * differ from fma32 (see fmaStep). The test needs no memory traffic: u is a midpoint only if it has at
 * most 25 significant bits, i.e. u equals its Veltkamp split to 25 bits, h = p − (p − u) with
 * p = u·(2^28 + 1) (exact for |u| < 2^996; a sum of binary32 values and a product is below 2^257), and
 * u ≠ RN32(u) (so an exact sum such as x·0 + c stays in the fast loop). Inf and NaN give h = NaN and stay
 * too: there RN32(u) is fma32's answer. A slow step (fma32 out of line) then finishes that step with fma32 for the
 * accumulators not yet updated, and the fast loop goes on from the next step. Kept apart from the fast
 * loop, the fma32 calls never enter its code: a call there (even a never-taken one, once it has type
 * feedback) makes V8 spill the accumulators around it, and the kernel ran at less than half the speed.
 * The fast loop returns t·8 + j for an exit at step t, accumulator j (the order written in the loop);
 * t at or past the end means it ran to the end. (The comparison u ≠ RN32(u) is written as its own
 * statement, m = r !== u, so that the interpreter evaluates it at every step and V8 has its type feedback
 * before it optimises; the optimised code still evaluates it only after h = u. Reached only behind h = u, it
 * had no feedback when the kernel was first optimised and deoptimised it at the first exact sum, once per
 * site; tested first, it cost a quarter of the speed.)
 */
export const SPLIT25 = 268435457; // 2^28 + 1: Veltkamp's constant that splits a binary64 to 25 significant bits

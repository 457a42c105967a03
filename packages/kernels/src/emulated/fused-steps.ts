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
 * zero, infinity and NaN) the full fma32 decides. The hot loops (below, and accumulation.ts's tile
 * kernels) do not call it: they test for a midpoint without memory traffic and take fma32 out of line.
 */
export function fmaStep(a: number, b: number, s: number): number {
  const x = a * b + s;
  bits64[0] = x;
  return (words64[LOW]! & 0x0fffffff) === 0 ? fma32(a, b, s) : fround(x);
}

/*
 * The fused loops (the lane loops below, accumulation.ts's chain kernels) run in two parts so that the hot loop holds no call. A fast loop takes
 * each step as RN32(RN64(x·y + c)) and leaves (exits, its accumulators written back to v) at the first
 * step whose binary64 sum u may be a binary32 midpoint, the only case where that double rounding can
 * differ from fma32 (see fmaStep). The test needs no memory traffic: u is a midpoint only if it has at
 * most 25 significant bits, i.e. u equals its Veltkamp split to 25 bits, h = p − (p − u) with
 * p = u·(2^28 + 1) (exact for |u| < 2^996; a sum of binary32 values and a product is below 2^257), and
 * u ≠ RN32(u) (so an exact sum such as x·0 + c stays in the fast loop). Inf and NaN give h = NaN and stay
 * too: there RN32(u) is fma32's answer. A slow step (fma32 out of line, e.g. accumulation.ts's fmaSteps) then finishes that step with fma32 for the
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

/** Lanes w[o..o+7]: lane o + l takes products t + l for t = 0, stride, 2·stride, … < body. */
export function lanes8Fma(a: Float32Array, ai: number, b: Float32Array, bi: number, body: number, stride: number, w: Float64Array, o: number): void {
  for (let t = 0; ;) {
    const q = fastLanes8Fma(a, ai, b, bi, t, body, stride, w, o);
    t = q >> 3;
    if (t >= body) return;
    for (let l = q & 7; l < 8; l++) w[o + l] = fma32(a[ai + t + l]!, b[bi + t + l]!, w[o + l]!);
    t += stride;
  }
}

function fastLanes8Fma(a: Float32Array, ai: number, b: Float32Array, bi: number, t: number, body: number, stride: number, w: Float64Array, o: number): number {
  let u = 0, p = 0, r = 0, j = 0, m = false;
  let l0 = w[o]!, l1 = w[o + 1]!, l2 = w[o + 2]!, l3 = w[o + 3]!, l4 = w[o + 4]!, l5 = w[o + 5]!, l6 = w[o + 6]!, l7 = w[o + 7]!;
  loop: for (; t < body; t += stride) {
    const x = ai + t, y = bi + t;
    u = a[x]! * b[y]! + l0; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 0; break loop; } l0 = r;
    u = a[x + 1]! * b[y + 1]! + l1; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 1; break loop; } l1 = r;
    u = a[x + 2]! * b[y + 2]! + l2; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 2; break loop; } l2 = r;
    u = a[x + 3]! * b[y + 3]! + l3; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 3; break loop; } l3 = r;
    u = a[x + 4]! * b[y + 4]! + l4; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 4; break loop; } l4 = r;
    u = a[x + 5]! * b[y + 5]! + l5; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 5; break loop; } l5 = r;
    u = a[x + 6]! * b[y + 6]! + l6; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 6; break loop; } l6 = r;
    u = a[x + 7]! * b[y + 7]! + l7; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 7; break loop; } l7 = r;
  }
  w[o] = l0; w[o + 1] = l1; w[o + 2] = l2; w[o + 3] = l3; w[o + 4] = l4; w[o + 5] = l5; w[o + 6] = l6; w[o + 7] = l7;
  return t * 8 + j;
}

/** Lanes o..o+3 of two rows (w[o..o+3] and w[stride+o..stride+o+3]): lane o + l takes products t + l, t = 0, stride, … < body. */
export function lanes4x2Fma(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, body: number, stride: number, w: Float64Array, o: number): void {
  for (let t = 0; ;) {
    const q = fastLanes4x2Fma(a, a0, lda, b, b0, t, body, stride, w, o);
    t = q >> 3;
    if (t >= body) return;
    for (let j = q & 7; j < 8; j++) {
      const row = j >> 2, l = j & 3, i = o + stride * row + l;
      w[i] = fma32(a[a0 + row * lda + t + l]!, b[b0 + t + l]!, w[i]!);
    }
    t += stride;
  }
}

function fastLanes4x2Fma(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, t: number, body: number, stride: number, w: Float64Array, o: number): number {
  let u = 0, p = 0, r = 0, j = 0, m = false;
  const a1 = a0 + lda;
  let l0 = w[o]!, l1 = w[o + 1]!, l2 = w[o + 2]!, l3 = w[o + 3]!, k0 = w[o + stride]!, k1 = w[o + stride + 1]!, k2 = w[o + stride + 2]!, k3 = w[o + stride + 3]!;
  loop: for (; t < body; t += stride) {
    const y0 = b[b0 + t]!, y1 = b[b0 + t + 1]!, y2 = b[b0 + t + 2]!, y3 = b[b0 + t + 3]!, x = a0 + t, z = a1 + t;
    u = a[x]! * y0 + l0; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 0; break loop; } l0 = r;
    u = a[x + 1]! * y1 + l1; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 1; break loop; } l1 = r;
    u = a[x + 2]! * y2 + l2; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 2; break loop; } l2 = r;
    u = a[x + 3]! * y3 + l3; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 3; break loop; } l3 = r;
    u = a[z]! * y0 + k0; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 4; break loop; } k0 = r;
    u = a[z + 1]! * y1 + k1; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 5; break loop; } k1 = r;
    u = a[z + 2]! * y2 + k2; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 6; break loop; } k2 = r;
    u = a[z + 3]! * y3 + k3; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = 7; break loop; } k3 = r;
  }
  w[o] = l0; w[o + 1] = l1; w[o + 2] = l2; w[o + 3] = l3; w[o + stride] = k0; w[o + stride + 1] = k1; w[o + stride + 2] = k2; w[o + stride + 3] = k3;
  return t * 8 + j;
}

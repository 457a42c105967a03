/**
 * Exact steps along the binary32 number line. Every finite binary32 value has an ordinal: +0 and −0
 * are 0, the smallest positive subnormal 1, the next value up 2, …, the largest finite value
 * 0x7f7fffff; negative values mirror that. One ULP step is one ordinal, so a walk crosses the
 * subnormals, zero and the sign change with no special case, and stops at ±max finite (clamped:
 * a walk never produces ±Infinity or NaN).
 */

/** The largest finite binary32 ordinal (0x7f7fffff, the bits of 3.4028235e38). */
export const MAX_ORDINAL = 0x7f7fffff;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The ordinal of a finite binary32 value (±0 → 0). Throws a RangeError on NaN or ±Infinity. */
export function ordinal(v: number): number {
  f32[0] = v;
  const bits = u32[0]!;
  const mag = bits & 0x7fffffff;
  if (mag > MAX_ORDINAL) throw new RangeError(`ulp walk: ${v} is not a finite binary32 value`);
  return bits >>> 31 ? -mag : mag;
}

/** The binary32 value with ordinal n (|n| <= MAX_ORDINAL; 0 → +0). */
export function fromOrdinal(n: number): number {
  u32[0] = n < 0 ? (0x80000000 | -n) >>> 0 : n;
  return f32[0]!;
}

/**
 * v moved by `steps` ULP (positive: towards +max, negative: towards −max), clamped to the finite
 * range. v must be a finite binary32 value and steps an integer; steps = 0 returns v unchanged
 * (so −0 stays −0). Crossing zero passes through one zero (ordinal 0, returned as +0).
 */
export function ulpStep(v: number, steps: number): number {
  if (!Number.isInteger(steps)) throw new RangeError(`ulp walk: steps must be an integer, got ${steps}`);
  if (steps === 0) {
    ordinal(v); // validates
    return v;
  }
  const n = Math.max(-MAX_ORDINAL, Math.min(MAX_ORDINAL, ordinal(v) + steps));
  return fromOrdinal(n);
}

/** The signed number of ULP steps from a to b (both finite binary32): ordinal(b) − ordinal(a). */
export function ulpDistance(a: number, b: number): number {
  return ordinal(b) - ordinal(a);
}

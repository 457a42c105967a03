/**
 * A correctly rounded binary32 fused multiply-add: fma32(a, b, c) = RN32(a·b + c), one rounding.
 *
 * Why not Math.fround(a*b + c): a·b of two binary32 values is exact in binary64 (48 ≤ 53 bits), but
 * the binary64 sum s = RN64(a·b + c) is a first rounding; rounding s again to binary32 goes wrong
 * exactly when s lands on a binary32 midpoint that the exact sum x only approached (x ≠ s): ties-to-even
 * may then pick the side x is not on. Every other case is right, because a midpoint strictly between x
 * and s would be a binary64 value nearer to x than s is.
 *
 * So: TwoSum gives the exact error err = x − s (exact: no overflow is possible, |a·b| < 2^256); if s
 * is a midpoint and err ≠ 0, the sign of err picks the side. s is a midpoint iff o = 2s − r (r = RN32(s))
 * is itself a binary32 value, the neighbour on the other side. The overflow threshold (MAX + ulp/2 =
 * 2^128 − 2^103) is the one midpoint whose upper neighbour is not finite, handled on its own.
 * Signed zeros, subnormals, Inf and NaN follow IEEE 754 (the binary64 sum already gets them right).
 */
const fround = Math.fround;

/** The largest finite binary32 value, 2^128 − 2^104. */
export const F32_MAX = 3.4028234663852886e38;
/** The midpoint between F32_MAX and 2^128: at or above it RN32 overflows to Infinity. */
const OVERFLOW_MIDPOINT = 3.4028235677973366e38;

/** RN32(a·b + c) for binary32 a, b, c (numbers already representable in binary32). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = fround(s);
  if (r === s || s !== s) return r; // s is a binary32 value (then so is RN32(x)), or NaN
  const t = s - p;
  const err = (p - (s - t)) + (c - t);
  if (err === 0) return r;
  if (r === Infinity || r === -Infinity) {
    // |s| >= the overflow midpoint; only exactly there can the exact sum lie on the finite side.
    const towardZero = s > 0 ? err < 0 : err > 0;
    return Math.abs(s) === OVERFLOW_MIDPOINT && towardZero ? Math.sign(s) * F32_MAX : r;
  }
  const o = 2 * s - r;
  if (fround(o) !== o) return r; // s is not a midpoint: RN32(s) = RN32(x)
  return (err > 0) === (o > r) ? o : r;
}

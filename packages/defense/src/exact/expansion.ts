/**
 * Exact sums of binary64 values as floating-point expansions (Shewchuk 1997, "Adaptive Precision
 * Floating-Point Arithmetic"): a sum is held as components e[0..len) that are nonoverlapping and
 * increase in magnitude, and their exact (unrounded) sum is the value. Every step is an error-free
 * transformation (TwoSum, Dekker's TwoProduct), so nothing is ever rounded away.
 *
 * Range: the exact kernel feeds products of binary32 values (|p| <= 2^256, lowest bit >= 2^-298),
 * binary32 products β·c, and those components times a binary32 α. Every bit lies in 2^-447 .. 2^420,
 * far inside binary64, so TwoSum and TwoProduct neither overflow nor underflow and stay exact; and
 * nonoverlapping components occupy distinct bit positions, so len < SCRATCH_LENGTH always.
 */

/** Components a scratch expansion may need (bit positions in 2^-447 .. 2^420 plus slack). */
export const SCRATCH_LENGTH = 2048;

/**
 * e := e + b, exactly (Shewchuk's Grow-Expansion with zero elimination), in place.
 * Returns the new length. e[0..len) must be nonoverlapping and increasing in magnitude.
 */
export function grow(e: Float64Array, len: number, b: number): number {
  let q = b, out = 0;
  for (let i = 0; i < len; i++) {
    const ei = e[i]!;
    const s = q + ei;
    const bv = s - q;
    const err = (q - (s - bv)) + (ei - bv); // TwoSum: q + ei = s + err exactly
    if (err !== 0) e[out++] = err;
    q = s;
  }
  if (q !== 0) e[out++] = q;
  return out;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for binary64

/**
 * dst := α · e[0..len), exactly (each component by Dekker's TwoProduct, grown into dst).
 * Returns dst's length. α must be finite.
 */
export function scale(e: Float64Array, len: number, alpha: number, dst: Float64Array): number {
  const ca = SPLITTER * alpha, ahi = ca - (ca - alpha), alo = alpha - ahi;
  let out = 0;
  for (let i = 0; i < len; i++) {
    const x = e[i]!;
    const p = x * alpha;
    const cx = SPLITTER * x, xhi = cx - (cx - x), xlo = x - xhi;
    const err = ((xhi * ahi - p) + xhi * alo + xlo * ahi) + xlo * alo; // x·α = p + err exactly
    out = grow(dst, out, err);
    out = grow(dst, out, p);
  }
  return out;
}

/** Exactly v = sig · 2^exp for a finite binary64 v (sig an integer BigInt). */
function toBig(v: number): { sig: bigint; exp: number } {
  let exp = 0, m = v;
  while (!Number.isInteger(m)) { m *= 2 ** 64; exp -= 64; } // exact: powers of two, no overflow here
  return { sig: BigInt(m), exp };
}

/** RN32 (ties to even, overflow to ±Infinity) of the exact sum of e[0..len) by BigInt: always right. */
function roundSlow(e: Float64Array, len: number): number {
  const parts = Array.from(e.subarray(0, len), toBig);
  const exp = Math.min(...parts.map((p) => p.exp));
  let sig = 0n;
  for (const p of parts) sig += p.sig << BigInt(p.exp - exp);
  if (sig === 0n) return 0;
  const neg = sig < 0n, mag = neg ? -sig : sig;
  const lead = exp + mag.toString(2).length - 1;
  const q = Math.max(lead - 23, -149);
  let m: bigint;
  if (q <= exp) m = mag << BigInt(exp - q);
  else {
    const shift = BigInt(q - exp);
    m = mag >> shift;
    const rem = mag - (m << shift), half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  }
  const v = Number(m) * 2 ** q;
  const out = v >= 2 ** 128 ? Infinity : v;
  return neg ? -out : out;
}

/**
 * RN32 of the exact sum of a nonempty expansion: one rounding to binary32, ties to even, overflow to
 * ±Infinity. Fast path: the float64 sum v of the components is within B of the exact sum S, with B a
 * generous bound on naive-summation error (len·2^-53·Σ|e|, doubled, plus v's own rounding); when
 * v − B and v + B round to the same binary32 value, so does S (rounding is monotone). Otherwise (a
 * binary32 midpoint in reach, or heavy cancellation) it rounds the exact BigInt sum.
 */
export function roundExpansion(e: Float64Array, len: number): number {
  let v = 0, abs = 0;
  for (let i = 0; i < len; i++) { const x = e[i]!; v += x; abs += Math.abs(x); }
  const bound = (len + 4) * 2 ** -50 * Math.max(abs, Math.abs(v));
  const lo = Math.fround(v - bound);
  if (lo === Math.fround(v + bound) && lo !== 0) return lo;
  return roundSlow(e, len);
}

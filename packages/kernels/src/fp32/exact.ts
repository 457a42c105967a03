/**
 * Exact binary32 arithmetic on BigInt: the independent oracle for fma32 and for exact kernels.
 * A finite binary32 value is m·2^e with integer m; sums and products of such values are exact as
 * BigInt significands over a common power of two, and rounding to binary32 is done once, by rule.
 */

/** A finite binary32 value v = sig · 2^exp (sig a BigInt, may be 0; `negZero` marks −0). */
export interface Dyadic {
  sig: bigint;
  exp: number;
  negZero?: boolean;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Decodes a finite binary32 value into sig·2^exp exactly. Throws on NaN/Inf. */
export function toDyadic(v: number): Dyadic {
  f32[0] = v;
  const bits = u32[0]!;
  const sign = bits >>> 31 ? -1n : 1n;
  const e = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (e === 0xff) throw new Error(`toDyadic: ${v} is not finite`);
  if (e === 0) return frac === 0 ? { sig: 0n, exp: 0, negZero: sign < 0n } : { sig: sign * BigInt(frac), exp: -149 };
  return { sig: sign * BigInt(frac | 0x800000), exp: e - 150 };
}

/** Exact product. */
export function mulExact(x: Dyadic, y: Dyadic): Dyadic {
  const sig = x.sig * y.sig;
  return { sig, exp: x.exp + y.exp, negZero: sig === 0n && (x.negZero === true || x.sig < 0n) !== (y.negZero === true || y.sig < 0n) };
}

/** Exact sum; a zero sum is +0 unless both operands are −0 (round-to-nearest rule). */
export function addExact(x: Dyadic, y: Dyadic): Dyadic {
  const exp = Math.min(x.exp, y.exp);
  const sig = (x.sig << BigInt(x.exp - exp)) + (y.sig << BigInt(y.exp - exp));
  const bothNegZero = x.sig === 0n && y.sig === 0n && x.negZero === true && y.negZero === true;
  return { sig, exp, negZero: sig === 0n && bothNegZero };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** RN32 (round to nearest, ties to even) of an exact value, with overflow to ±Infinity. */
export function roundToF32(x: Dyadic): number {
  if (x.sig === 0n) return x.negZero ? -0 : 0;
  const neg = x.sig < 0n;
  const mag = neg ? -x.sig : x.sig;
  const lead = x.exp + bitLength(mag) - 1; // exponent of the leading bit
  const q = Math.max(lead - 23, -149); // the binary32 quantum's exponent there
  let m: bigint;
  if (q <= x.exp) {
    m = mag << BigInt(x.exp - q);
  } else {
    const shift = BigInt(q - x.exp);
    m = mag >> shift;
    const rem = mag - (m << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  }
  const v = Number(m) * 2 ** q; // m <= 2^24: exact
  const out = v >= 2 ** 128 ? Infinity : v;
  return neg ? -out : out;
}

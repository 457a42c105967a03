import { ioFail } from "./io-error.js";

/**
 * IEEE-754 binary16 ("float16") and bfloat16 codecs. Both decode exactly to binary32: every binary16
 * value is (integer < 2^11) * 2^k with k in [-24, 5], and a bfloat16 value is the top half of a
 * binary32 pattern. Encoding rounds to nearest, ties to even (what NumPy's astype and PyTorch's
 * .half()/.bfloat16() do); NaN encodes as a quiet NaN with its sign.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The binary32 value of the binary16 pattern `h` (exact). */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** The binary16 pattern nearest `x` (ties to even); |x| >= 65520 gives infinity. */
export function numberToFloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // halfway between 65504 and 2^16 rounds to even: 2^16 = inf
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal; 1024 carries into the exponent
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const m = roundHalfEven(a / 2 ** (e - 10)); // in [1024, 2048]; 2048 carries into the exponent
  return sign | (((e + 15) << 10) + (m - 1024));
}

/** The binary32 value of the bfloat16 pattern `b` (exact). */
export function bfloat16BitsToNumber(b: number): number {
  U32[0] = (b & 0xffff) << 16;
  return F32[0]!;
}

/** The bfloat16 pattern nearest Math.fround(x) (ties to even). */
export function numberToBfloat16Bits(x: number): number {
  F32[0] = x;
  const u = U32[0]!;
  if (Number.isNaN(F32[0])) return (u >>> 16) | 0x0040;
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

/** Decodes `n` little-endian 16-bit patterns of `dtype` from `bytes` to a Float32Array. */
export function decodeHalf(subject: string, dtype: "float16" | "bfloat16", bytes: Uint8Array, n: number): Float32Array {
  if (bytes.length !== 2 * n) ioFail(subject, `${n} elements of ${dtype} need ${2 * n} bytes, found ${bytes.length}`);
  const decode = dtype === "float16" ? float16BitsToNumber : bfloat16BitsToNumber;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = decode(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
  return out;
}

/** Encodes `values` as little-endian `dtype` patterns, rounding to nearest even. */
export function encodeHalf(dtype: "float16" | "bfloat16", values: Float32Array): Uint8Array {
  const encode = dtype === "float16" ? numberToFloat16Bits : numberToBfloat16Bits;
  const out = new Uint8Array(2 * values.length);
  for (let i = 0; i < values.length; i++) {
    const h = encode(values[i]!);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

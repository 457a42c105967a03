/**
 * The two conversions between 8-bit pixels and float32 intensities in [0, 1]. They are stated
 * exactly because the attack compares bits: x = fround(v / 255) is the binary32 nearest v/255 (one
 * correctly rounded division), and quantize8 inverts it: quantize8(toFloat01(u)) === u for every byte.
 */

/**
 * Each byte v as the binary32 nearest v / 255. Math.fround of the binary64 quotient is that value:
 * rounding a quotient to binary64 and then to binary32 is innocuous because 53 >= 2 * 24 + 2
 * (Figueroa, "When is double rounding innocuous?", SIGNUM 1995).
 */
export function toFloat01(u8: Uint8Array): Float32Array {
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = Math.fround(u8[i]! / 255);
  return out;
}

/**
 * Each value x as the byte nearest x * 255 (x * 255 computed in binary64, exact for binary32 x),
 * ties to even, clamped to [0, 255]. NaN is an error naming its index. (In [0, 1] the only exact
 * tie is x = 0.5: 127.5 rounds to 128.)
 */
export function quantize8(f: Float32Array): Uint8Array {
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    if (Number.isNaN(x)) throw new RangeError(`quantize8(f): f[${i}] is NaN, expected a number`);
    const y = x * 255;
    let r = Math.round(y); // rounds ties up; fix ties to even below
    if (r - y === 0.5 && r % 2 !== 0) r -= 1;
    out[i] = r < 0 ? 0 : r > 255 ? 255 : r;
  }
  return out;
}

/**
 * The feasible set S of the paper (§3.1): the inputs a deployed model can actually receive. The search
 * optimises in floating point and maps every candidate back into S with `quantize` (the paper's q)
 * before computing gradients and before the Chimera test, so a reported Chimera is a valid input.
 */
export interface InputDomain {
  /** A short name for reports, e.g. "uint8". */
  readonly name: string;
  /** q: the feasible binary32 input nearest to each value of x (the model sees exactly these values). */
  quantize(x: ArrayLike<number>): Float32Array;
  /** The feasible input as stored (for images: the bytes of the file). Inverse of `decode`. */
  encode(q: Float32Array): Uint8Array;
  /** The model input for stored bytes: `decode(encode(quantize(x)))` equals `quantize(x)` bit for bit. */
  decode(bytes: Uint8Array): Float32Array;
}

/**
 * 8-bit images scaled to [0, 1]: q(x) = fround(round(clamp(x, 0, 1)·255) / 255), the same values as
 * `toFloat01(quantize8(x))` in @chimera/tensor (round half to even on x·255, then the binary32 nearest
 * v/255), so a Chimera found here is the same image that the lab's data path would load from disk.
 */
export const uint8ImageDomain: InputDomain = {
  name: "uint8",
  quantize(x) {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = Math.fround(toByte(x[i]!, i) / 255);
    return out;
  },
  encode(q) {
    const out = new Uint8Array(q.length);
    for (let i = 0; i < q.length; i++) out[i] = toByte(q[i]!, i);
    return out;
  },
  decode(bytes) {
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = Math.fround(bytes[i]! / 255);
    return out;
  },
};

/** The byte nearest v·255 (ties to even, clamped to [0, 255]); NaN is an error naming its index. */
function toByte(v: number, i: number): number {
  if (Number.isNaN(v)) throw new RangeError(`uint8ImageDomain: value ${i} is NaN, expected a number in [0, 1]`);
  const y = v * 255;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1;
  return r <= 0 ? 0 : r > 255 ? 255 : r; // r <= 0 also turns −0 into +0
}

import { fusedPair } from "../fused-kernels.js";

const fround = Math.fround;

/** The two registers evenOddBody leaves (one array for every call: the hot path allocates nothing). */
const registers = new Float64Array(2);

/**
 * The body shared by `interleaved` with two registers and `merged-pair`: over t < body (even), even t
 * into register 0 (from init) and odd t into register 1 (from +0), each step fused (one FMA) or
 * fl(s + fl(a·b)). Returns the registers [r0, r1] in a shared array, valid until the next call.
 */
export function evenOddBody(a: Float32Array, ai: number, b: Float32Array, bi: number, body: number, fused: boolean, init: number): Float64Array {
  const w = registers;
  if (fused) {
    w[0] = init; w[1] = 0;
    fusedPair(a, ai, b, bi, body, w);
    return w;
  }
  let s0 = init, s1 = 0;
  for (let t = 0; t < body; t += 2) {
    s0 = fround(s0 + fround(a[ai + t]! * b[bi + t]!));
    s1 = fround(s1 + fround(a[ai + t + 1]! * b[bi + t + 1]!));
  }
  w[0] = s0; w[1] = s1;
  return w;
}

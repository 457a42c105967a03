import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * libmkl_avx512's path for small m and long k (measured by the probe: `--shape 2x4x64`, `2x4x90`,
 * `2x4x100`, `2x4x127`, `2x4x128`, `3x5x128 --trans-b`). Sixteen lanes (product t to lane t mod 16);
 * the lanes are summed G_r = ((X_r + X_{r+4}) + X_{r+8}) + X_{r+12}, then (G0 + G1) + (G2 + G3).
 * - `pair` (op(A)'s rows in pairs): K in chunks of 64, each lane's four products of a chunk nested
 *   from the last, fma(e_l, fma(e_{l+16}, fma(e_{l+32}, p_{l+48}))); the chunks added lane-wise in
 *   order; the K mod 64 rest FMA'd into the lanes in order.
 * - `odd` (a last odd row): one FMA chain per lane over all of K.
 */
export interface MklAvx512HornerAccumulation {
  readonly kind: "mkl-avx512-horner";
  readonly variant: "pair" | "odd";
}

const zmmX = new Float64Array(16);

export function mklAvx512Horner(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklAvx512HornerAccumulation, init: number): number {
  const X = zmmX;
  X.fill(0);
  let t = 0;
  if (acc.variant === "pair") {
    const chunks = len >> 6;
    for (let c = 0; c < chunks; c++) {
      const o = 64 * c;
      for (let l = 0; l < 16; l++) {
        const q = o + l;
        let h = fround(a[ai + q + 48]! * b[bi + q + 48]!);
        h = fmaStep(a[ai + q + 32]!, b[bi + q + 32]!, h);
        h = fmaStep(a[ai + q + 16]!, b[bi + q + 16]!, h);
        h = fmaStep(a[ai + q]!, b[bi + q]!, h);
        X[l] = c === 0 ? h : fround(X[l]! + h);
      }
    }
    t = 64 * chunks;
  }
  for (; t < len; t++) X[t & 15] = fmaStep(a[ai + t]!, b[bi + t]!, X[t & 15]!);
  const g = (r: number) => fround(fround(fround(X[r]! + X[r + 4]!) + X[r + 8]!) + X[r + 12]!);
  return fround(init + fround(fround(g(0) + g(1)) + fround(g(2) + g(3))));
}

/** The `mkl-avx512-horner` order. */
export const mklAvx512HornerOrder: Order<MklAvx512HornerAccumulation> = { sum: mklAvx512Horner };

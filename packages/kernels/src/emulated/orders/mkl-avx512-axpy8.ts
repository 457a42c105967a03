import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * libmkl_avx512's m = 1 kernel for op(B) = B (row-major transB = false, the layer-dX layout), rows
 * (of C_lib) in blocks of 16; measured by the probe (`--shape 1xNxK` for N = 16, 24, 32, 40, 48, 784 and
 * K = 8, 9, 10, 16, 20, 128, with and without `--beta 1`). The running value y starts at β·C (the
 * `accumulate-into-c` meeting); each full group of 8 products e0..e7 (pi = ei's plain product) does
 *   u = fma(e4, fma(e6, y)),  v = fma(e5, p7),  w = fma(e0, p2),  x = fma(e1, p3),
 *   y = fl(fl(w + x) + fl(u + v));
 * the K mod 8 rest is FMA'd into y in order.
 */
export interface MklAvx512Axpy8Accumulation {
  readonly kind: "mkl-avx512-axpy8";
}

export function mklAvx512Axpy8(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, init: number): number {
  let y = init;
  const body = len - (len & 7);
  const p = (t: number) => fround(a[ai + t]! * b[bi + t]!);
  const f = (t: number, s: number) => fmaStep(a[ai + t]!, b[bi + t]!, s);
  for (let g = 0; g < body; g += 8) {
    const u = f(g + 4, f(g + 6, y)), v = f(g + 5, p(g + 7)), w = f(g, p(g + 2)), x = f(g + 1, p(g + 3));
    y = fround(fround(w + x) + fround(u + v));
  }
  for (let t = body; t < len; t++) y = f(t, y);
  return y;
}

/** The `mkl-avx512-axpy8` order. */
export const mklAvx512Axpy8Order: Order<MklAvx512Axpy8Accumulation> = { sum: (a, ai, b, bi, len, _acc, init) => mklAvx512Axpy8(a, ai, b, bi, len, init) };

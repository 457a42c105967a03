import { fmaStep } from "../fused-steps.js";
import { lanes4x2Fma, lanes8Fma } from "../fused-kernels.js";
import { eachElement, rowPairs, type Order } from "./order.js";
import { reduceLanes } from "./reduce-lanes.js";

const fround = Math.fround;

/**
 * libmkl_avx512's m = 1 dot kernels (measured by the probe; `--shape 1xNxK --trans-b` for N = 1..17,
 * K = 5..49, 128, 784). Product 0 is set apart (a plain multiply); products 1.. go to 16 FMA lanes
 * (product t to lane (t − 1) mod 16); a 16-lane sum is always the halving tree.
 * - `quad` (rows in groups of four): lane 0 starts at product 0; the 16·⌊(K−1)/16⌋ full vectors,
 *   then the halving sum R; the rest (fewer than 16) in a second, masked pass that starts from
 *   [R, 0, …, 0], then the halving sum again.
 * - `pair-first` (the first of each pair of the M mod 4 rows, and a last single row): two
 *   accumulators over steps of 32 (the first 16 of a step to A, the next 16 to B), A + B lane-wise,
 *   then the rest in vectors of 16 (the last masked) into that sum; halving sum R; then p0 + R.
 * - `pair-second`: one accumulator over all of 1.. (the last vector masked); halving sum R; p0 + R.
 */
export interface MklAvx512DotAccumulation {
  readonly kind: "mkl-avx512-dot";
  readonly variant: "quad" | "pair-first" | "pair-second";
}

const zmmA = new Float64Array(16), zmmB = new Float64Array(16);

export function mklAvx512Dot(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklAvx512DotAccumulation, init: number): number {
  if (len === 0) return init;
  const p0 = fround(init + fround(a[ai]! * b[bi]!));
  const A = zmmA, B = zmmB;
  A.fill(0);
  if (acc.variant === "quad") {
    A[0] = p0;
    const body = 16 * Math.floor((len - 1) / 16);
    lanes8Fma(a, ai + 1, b, bi + 1, body, 16, A, 0);
    lanes8Fma(a, ai + 9, b, bi + 9, body, 16, A, 8);
    return quadFinish(a, ai, b, bi, len, body, p0, A);
  }
  let t = 1;
  if (acc.variant === "pair-first") {
    B.fill(0);
    const body2 = 32 * Math.floor((len - 1) / 32);
    lanes8Fma(a, ai + 1, b, bi + 1, body2, 32, A, 0);
    lanes8Fma(a, ai + 9, b, bi + 9, body2, 32, A, 8);
    lanes8Fma(a, ai + 17, b, bi + 17, body2, 32, B, 0);
    lanes8Fma(a, ai + 25, b, bi + 25, body2, 32, B, 8);
    for (let l = 0; l < 16; l++) A[l] = fround(A[l]! + B[l]!);
    t = body2 + 1;
  }
  const full = 16 * Math.floor((len - t) / 16);
  lanes8Fma(a, ai + t, b, bi + t, full, 16, A, 0);
  lanes8Fma(a, ai + t + 8, b, bi + t + 8, full, 16, A, 8);
  for (t += full; t < len; t++) A[(t - 1) & 15] = fmaStep(a[ai + t]!, b[bi + t]!, A[(t - 1) & 15]!);
  return fround(p0 + reduceLanes(A, "halving", 16));
}

/** The `quad` variant after its full vectors (lanes A over products 1..body, p0 in lane 0): the masked rest pass. */
function quadFinish(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, body: number, p0: number, A: Float64Array): number {
  if (body === len - 1) return body === 0 ? p0 : reduceLanes(A, "halving", 16);
  if (body > 0) {
    const r = reduceLanes(A, "halving", 16);
    A.fill(0);
    A[0] = r;
  }
  for (let t = body + 1; t < len; t++) A[(t - 1) & 15] = fmaStep(a[ai + t]!, b[bi + t]!, A[(t - 1) & 15]!);
  return reduceLanes(A, "halving", 16);
}

const quadPair = new Float64Array(32);

/**
 * Two elements (rows a0 and a0 + lda against the same b, starting from v[e] and v[e + 1], results
 * there) in the `quad` order of mklAvx512Dot, their full vectors run together so that they share the
 * loads of b: four lanes of each row per pass.
 */
export function mklAvx512DotQuad2(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  if (len === 0) return;
  const a1 = a0 + lda, W = quadPair;
  W.fill(0);
  const p0 = fround(v[e]! + fround(a[a0]! * b[b0]!)), q0 = fround(v[e + 1]! + fround(a[a1]! * b[b0]!));
  W[0] = p0; W[16] = q0;
  const body = 16 * Math.floor((len - 1) / 16);
  for (let o = 0; o < 16; o += 4) lanes4x2Fma(a, a0 + 1 + o, lda, b, b0 + 1 + o, body, 16, W, o);
  const A = zmmA;
  for (let l = 0; l < 16; l++) A[l] = W[l]!;
  v[e] = quadFinish(a, a0, b, b0, len, body, p0, A);
  for (let l = 0; l < 16; l++) A[l] = W[16 + l]!;
  v[e + 1] = quadFinish(a, a1, b, b0, len, body, q0, A);
}

/** The `mkl-avx512-dot` order; `quad` rows in pairs sharing their loads of b in its tile form. */
export const mklAvx512DotOrder: Order<MklAvx512DotAccumulation> = {
  sum: mklAvx512Dot,
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    const args = [a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld] as const;
    if (acc.variant === "quad") rowPairs(mklAvx512Dot, acc, (r, s, e) => mklAvx512DotQuad2(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, e), ...args);
    else eachElement(mklAvx512Dot, acc, ...args);
  },
};

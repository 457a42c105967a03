import { fmaStep } from "../fused-steps.js";
import { chain1x1Fma, chain4x1Fma, chain4x2Fma, chain8x1Fma } from "../fused-kernels.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/** `chain`: one accumulator, s := s + a·b for p = 0, 1, … (fused: one FMA; otherwise fl(s + fl(a·b))). */
export interface ChainAccumulation { readonly kind: "chain"; readonly fused: boolean }

/** One step s := s + a·b, fused (fmaStep) or multiplied then added. */
export function step(a: number, b: number, s: number, fused: boolean): number {
  return fused ? fmaStep(a, b, s) : fround(s + fround(a * b));
}

/** The running value of a fused `chain`, for chain1x1Fma. */
const chainCell = new Float64Array(1);


/** `chain`: one accumulator, s := s + a·b for t = 0, 1, … < len from init (fused: one FMA each; else fl(s + fl(a·b))). */
export function chain(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, fused: boolean, init: number): number {
  if (fused) {
    if (len === 0) return init;
    chainCell[0] = init;
    chain1x1Fma(a, ai, b, bi, len, chainCell, 0);
    return chainCell[0]!;
  }
  let s = init;
  for (let t = 0; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  return s;
}

/** Fused chains over a rectangle: 4×2 blocks over column pairs, 8×1 and 4×1 on a single column, 1×4 for leftover rows. */
export function chainTileFma(a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  let s = s0;
  for (; s + 2 <= s1; s += 2) {
    let r = r0;
    for (; r + 4 <= r1; r += 4) chain4x2Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, ldb, len, v, s * ld + r, ld);
    for (; r < r1; r++) { chain1x1Fma(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r); chain1x1Fma(a, aOff + r * lda, b, bOff + (s + 1) * ldb, len, v, (s + 1) * ld + r); }
  }
  for (; s < s1; s++) {
    let r = r0;
    for (; r + 8 <= r1; r += 8) chain8x1Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r + 4 <= r1; r += 4) chain4x1Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r < r1; r++) chain1x1Fma(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r);
  }
}

/** Multiply-then-add chains over a rectangle, blocked as chainTileFma. */
export function chainTileMulAdd(a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  let s = s0;
  for (; s + 2 <= s1; s += 2) {
    let r = r0;
    for (; r + 4 <= r1; r += 4) chain4x2MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, ldb, len, v, s * ld + r, ld);
    for (; r < r1; r++) { chain1x1MulAdd(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r); chain1x1MulAdd(a, aOff + r * lda, b, bOff + (s + 1) * ldb, len, v, (s + 1) * ld + r); }
  }
  for (; s < s1; s++) {
    let r = r0;
    for (; r + 8 <= r1; r += 8) chain8x1MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r + 4 <= r1; r += 4) chain4x1MulAdd(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r < r1; r++) chain1x1MulAdd(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r);
  }
}

function chain4x2MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, ldb: number, len: number, v: Float64Array, e: number, ld: number): void {
  const a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = b0 + ldb;
  let c00 = v[e]!, c10 = v[e + 1]!, c20 = v[e + 2]!, c30 = v[e + 3]!, c01 = v[e + ld]!, c11 = v[e + ld + 1]!, c21 = v[e + ld + 2]!, c31 = v[e + ld + 3]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, x1 = a[a1 + t]!, x2 = a[a2 + t]!, x3 = a[a3 + t]!, y0 = b[b0 + t]!, y1 = b[b1 + t]!;
    c00 = fround(c00 + fround(x0 * y0)); c10 = fround(c10 + fround(x1 * y0)); c20 = fround(c20 + fround(x2 * y0)); c30 = fround(c30 + fround(x3 * y0));
    c01 = fround(c01 + fround(x0 * y1)); c11 = fround(c11 + fround(x1 * y1)); c21 = fround(c21 + fround(x2 * y1)); c31 = fround(c31 + fround(x3 * y1));
  }
  v[e] = c00; v[e + 1] = c10; v[e + 2] = c20; v[e + 3] = c30; v[e + ld] = c01; v[e + ld + 1] = c11; v[e + ld + 2] = c21; v[e + ld + 3] = c31;
}

function chain8x1MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  const a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
  let c00 = v[e]!, c10 = v[e + 1]!, c20 = v[e + 2]!, c30 = v[e + 3]!, c40 = v[e + 4]!, c50 = v[e + 5]!, c60 = v[e + 6]!, c70 = v[e + 7]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, x1 = a[a1 + t]!, x2 = a[a2 + t]!, x3 = a[a3 + t]!, x4 = a[a4 + t]!, x5 = a[a5 + t]!, x6 = a[a6 + t]!, x7 = a[a7 + t]!, y0 = b[b0 + t]!;
    c00 = fround(c00 + fround(x0 * y0)); c10 = fround(c10 + fround(x1 * y0)); c20 = fround(c20 + fround(x2 * y0)); c30 = fround(c30 + fround(x3 * y0)); c40 = fround(c40 + fround(x4 * y0)); c50 = fround(c50 + fround(x5 * y0)); c60 = fround(c60 + fround(x6 * y0)); c70 = fround(c70 + fround(x7 * y0));
  }
  v[e] = c00; v[e + 1] = c10; v[e + 2] = c20; v[e + 3] = c30; v[e + 4] = c40; v[e + 5] = c50; v[e + 6] = c60; v[e + 7] = c70;
}

function chain4x1MulAdd(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  const a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
  let c00 = v[e]!, c10 = v[e + 1]!, c20 = v[e + 2]!, c30 = v[e + 3]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, x1 = a[a1 + t]!, x2 = a[a2 + t]!, x3 = a[a3 + t]!, y0 = b[b0 + t]!;
    c00 = fround(c00 + fround(x0 * y0)); c10 = fround(c10 + fround(x1 * y0)); c20 = fround(c20 + fround(x2 * y0)); c30 = fround(c30 + fround(x3 * y0));
  }
  v[e] = c00; v[e + 1] = c10; v[e + 2] = c20; v[e + 3] = c30;
}

function chain1x1MulAdd(a: Float32Array, a0: number, b: Float32Array, b0: number, len: number, v: Float64Array, e: number): void {
  let c00 = v[e]!;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t]!, y0 = b[b0 + t]!;
    c00 = fround(c00 + fround(x0 * y0));
  }
  v[e] = c00;
}

/** The `chain` order: 4×2, 8×1, 4×1 register blocks of the same chains in its tile form. */
export const chainOrder: Order<ChainAccumulation> = {
  sum: (a, ai, b, bi, len, acc, init) => chain(a, ai, b, bi, len, acc.fused, init),
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    if (acc.fused) chainTileFma(a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
    else chainTileMulAdd(a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
  },
};

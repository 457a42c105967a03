import { fmaStep } from "../fused-steps.js";
import { chain1x1Fma, chain1x1MulAdd, chain4x1Fma, chain4x1MulAdd, chain4x2Fma, chain4x2MulAdd, chain8x1Fma, chain8x1MulAdd } from "../fused-kernels.js";
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

type Chain4x2 = typeof chain4x2Fma;
type Chain8x1 = typeof chain8x1Fma;
type Chain1x1 = typeof chain1x1Fma;

/** The generated register blocks of one `chain` flavour (fused or multiply-then-add). */
interface ChainBlocks { readonly b4x2: Chain4x2; readonly b8x1: Chain8x1; readonly b4x1: Chain8x1; readonly b1x1: Chain1x1 }

const fusedBlocks: ChainBlocks = { b4x2: chain4x2Fma, b8x1: chain8x1Fma, b4x1: chain4x1Fma, b1x1: chain1x1Fma };
const mulAddBlocks: ChainBlocks = { b4x2: chain4x2MulAdd, b8x1: chain8x1MulAdd, b4x1: chain4x1MulAdd, b1x1: chain1x1MulAdd };

/** Chains over a rectangle: 4×2 blocks over column pairs (1×1 for their leftover rows), then 8×1, 4×1 and 1×1 on a single column. */
function chainTile(k: ChainBlocks, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  let s = s0;
  for (; s + 2 <= s1; s += 2) {
    let r = r0;
    for (; r + 4 <= r1; r += 4) k.b4x2(a, aOff + r * lda, lda, b, bOff + s * ldb, ldb, len, v, s * ld + r, ld);
    for (; r < r1; r++) { k.b1x1(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r); k.b1x1(a, aOff + r * lda, b, bOff + (s + 1) * ldb, len, v, (s + 1) * ld + r); }
  }
  for (; s < s1; s++) {
    let r = r0;
    for (; r + 8 <= r1; r += 8) k.b8x1(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r + 4 <= r1; r += 4) k.b4x1(a, aOff + r * lda, lda, b, bOff + s * ldb, len, v, s * ld + r);
    for (; r < r1; r++) k.b1x1(a, aOff + r * lda, b, bOff + s * ldb, len, v, s * ld + r);
  }
}

/** Fused chains over a rectangle (chainTile's blocking). */
export function chainTileFma(a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  chainTile(fusedBlocks, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
}

/** Multiply-then-add chains over a rectangle (chainTile's blocking). */
export function chainTileMulAdd(a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  chainTile(mulAddBlocks, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
}

/** The `chain` order: 4×2, 8×1, 4×1 register blocks of the same chains in its tile form. */
export const chainOrder: Order<ChainAccumulation> = {
  sum: (a, ai, b, bi, len, acc, init) => chain(a, ai, b, bi, len, acc.fused, init),
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    if (acc.fused) chainTileFma(a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
    else chainTileMulAdd(a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
  },
};

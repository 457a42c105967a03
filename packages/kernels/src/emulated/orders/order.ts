/*
 * An order: how one element's partial sum over one k-block is accumulated (the micro-kernel's inner
 * order), as one plain definition (`sum`) and, where it has one, a tile form (`tile`) that computes a
 * rectangle of elements in exactly the order `sum` gives each, interleaving independent elements only so
 * that their dependency chains overlap in the CPU. accumulation.ts holds the table from kind to order.
 */

/** Σ a[ai+t]·b[bi+t], t < len, in the order `acc` states, starting from `init` (the first register's start). */
export type BlockSum<A> = (a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: A, init: number) => number;

/**
 * The block sums of a rectangle: element (r, s), r0 ≤ r < r1, s0 ≤ s < s1, sums
 * a[aOff + r·lda + t]·b[bOff + s·ldb + t] over t < len, starting from v[s·ld + r] and leaving its block sum there.
 */
export type TileSums<A> = (acc: A, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number) => void;

/** One order: its definition and, optionally, its tile form. */
export interface Order<A> {
  readonly sum: BlockSum<A>;
  readonly tile?: TileSums<A>;
}

/** The tile form of any order, element by element through its sum. */
export function eachElement<A>(sum: BlockSum<A>, acc: A, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  for (let s = s0; s < s1; s++) for (let r = r0; r < r1; r++) {
    const e = s * ld + r;
    v[e] = sum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[e]!);
  }
}

/** Rows r0.. of each column, `pair` on two rows at a time, the last odd row through `sum`. */
export function rowPairs<A>(sum: BlockSum<A>, acc: A, pair: (r: number, s: number, e: number) => void, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): void {
  for (let s = s0; s < s1; s++) {
    let r = r0;
    for (; r + 2 <= r1; r += 2) pair(r, s, s * ld + r);
    for (; r < r1; r++) v[s * ld + r] = sum(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
  }
}

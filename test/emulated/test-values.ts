import { F32_MAX } from "@chimera/kernels";

const fround = Math.fround;

/** A 32-bit LCG stream (Numerical Recipes constants): deterministic across machines. */
export class Stream {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  /** A uint32. */
  next(): number { this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0; return this.s; }
  /** Uniform in [0, 1). */
  unit(): number { return this.next() / 2 ** 32; }
  /** An integer in [0, n). */
  int(n: number): number { return Math.floor(this.unit() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
}

/**
 * A double-rounding case for the fused step: c + x·y with these is exactly a binary32 midpoint plus a
 * tail the binary64 sum drops, so rounding the binary64 sum to binary32 picks the wrong neighbour.
 */
export const HARD_C = fround(1 + 2 ** -23), HARD_X = fround(1 + 2 ** -23), HARD_Y = fround(2 ** -24 * (1 - 2 ** -23));

/** Signed zeros, NaN, infinities, subnormals, the largest finite values and powers near the overflow threshold. */
export const SPECIAL: readonly number[] = [0, -0, NaN, Infinity, -Infinity, 2 ** -149, -(2 ** -149), 2 ** -130, F32_MAX, -F32_MAX, fround(2 ** 64), fround(1.5 * 2 ** 63)];

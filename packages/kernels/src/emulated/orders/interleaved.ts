import { chain4x1Fma, evenOdd4x1Body } from "../fused-kernels.js";
import { chain, step } from "./chain.js";
import { evenOddBody } from "./even-odd.js";
import { eachElement, type Order } from "./order.js";
import { scratch } from "./scratch.js";

const fround = Math.fround;

/**
 * `interleaved`: the k loop unrolled by `unroll` feeds `accumulators` registers round-robin (product t
 * goes to register (t mod unroll) mod accumulators) over unroll·⌊len/unroll⌋; the rest goes to register
 * 0; the block value is ((r0 + r1) + r2) + … .
 */
export interface InterleavedAccumulation { readonly kind: "interleaved"; readonly fused: boolean; readonly accumulators: number; readonly unroll: number }

const oddScratch = new Float64Array(4);

/** The `interleaved` order. */
export function interleaved(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: InterleavedAccumulation, init: number): number {
  const u = acc.unroll, body = len - (len % u);
  if (acc.accumulators === 2 && u % 2 === 0) {
    const w = evenOddBody(a, ai, b, bi, body, acc.fused, init);
    let s0 = w[0]!;
    const s1 = w[1]!;
    s0 = chain(a, ai + body, b, bi + body, len - body, acc.fused, s0);
    return fround(s0 + s1);
  }
  const regs = scratch(acc.accumulators);
  regs[0] = init;
  for (let t = 0; t < len; t++) {
    const w = t < body ? (t % u) % acc.accumulators : 0;
    regs[w] = step(a[ai + t]!, b[bi + t]!, regs[w]!, acc.fused);
  }
  let s = regs[0]!;
  for (let w = 1; w < acc.accumulators; w++) s = fround(s + regs[w]!);
  return s;
}

/** Four rows of one column with two fused registers each (even t, odd t) over `body`, the rest into the even one, then even + odd. */
function evenOdd4x1Fma(a: Float32Array, a0: number, lda: number, b: Float32Array, b0: number, body: number, len: number, v: Float64Array, e: number): void {
  const o = oddScratch;
  o[0] = 0; o[1] = 0; o[2] = 0; o[3] = 0;
  evenOdd4x1Body(a, a0, lda, b, b0, body, v, e, o);
  if (body < len) chain4x1Fma(a, a0 + body, lda, b, b0 + body, len - body, v, e);
  v[e] = fround(v[e]! + o[0]!); v[e + 1] = fround(v[e + 1]! + o[1]!); v[e + 2] = fround(v[e + 2]! + o[2]!); v[e + 3] = fround(v[e + 3]! + o[3]!);
}

/** The `interleaved` order; fused pairs of registers four rows at a time in its tile form. */
export const interleavedOrder: Order<InterleavedAccumulation> = {
  sum: interleaved,
  tile: (acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld) => {
    if (!(acc.fused && acc.accumulators === 2 && acc.unroll % 2 === 0)) {
      eachElement(interleaved, acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld);
      return;
    }
    const body = len - (len % acc.unroll);
    for (let s = s0; s < s1; s++) {
      let r = r0;
      for (; r + 4 <= r1; r += 4) evenOdd4x1Fma(a, aOff + r * lda, lda, b, bOff + s * ldb, body, len, v, s * ld + r);
      for (; r < r1; r++) v[s * ld + r] = interleaved(a, aOff + r * lda, b, bOff + s * ldb, len, acc, v[s * ld + r]!);
    }
  },
};

import { chain, step } from "./chain.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `pipelined-pair`: the k loop unrolled by `unroll` (even) alternates two registers, even k and odd k,
 * each product added one step late (software pipelining): over body = unroll·⌊len/unroll⌋ the even
 * register holds k = 0, 2, …, body−2 and the odd one k = 1, 3, …, body−3; then s = odd + even, the
 * pending product body−1 joins, and the rest follows as a chain (OpenBLAS gemm_kernel_4x8_nehalem.S,
 * its M = 1, N = 2 tile).
 */
export interface PipelinedPairAccumulation { readonly kind: "pipelined-pair"; readonly fused: boolean; readonly unroll: number }

/** The `pipelined-pair` accumulation (see Accumulation). */
function pipelinedPair(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, unroll: number, fused: boolean, init: number): number {
  const body = len - (len % unroll);
  if (body === 0) return chain(a, ai, b, bi, len, fused, init);
  let even = init, odd = 0;
  for (let t = 0; t < body; t += 2) {
    even = step(a[ai + t]!, b[bi + t]!, even, fused);
    if (t + 1 < body - 1) odd = step(a[ai + t + 1]!, b[bi + t + 1]!, odd, fused);
  }
  const s = fround(odd + even);
  return chain(a, ai + body - 1, b, bi + body - 1, len - body + 1, fused, s);
}

/** The `pipelined-pair` order. */
export const pipelinedPairOrder: Order<PipelinedPairAccumulation> = {
  sum: (a, ai, b, bi, len, acc, init) => pipelinedPair(a, ai, b, bi, len, acc.unroll, acc.fused, init),
};

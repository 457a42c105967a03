import { sseLanes4, sseLanes8 } from "../fused-kernels.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * MKL's SSE dot-product shapes (measured by the order probe on libmkl_def, MKL 2020.4; MKL is closed
 * source, so every rule here is an observation, not a reading):
 *
 * - a scalar `head` of h products, multiplied then added in order (no FMA), whose sum starts lane 0;
 * - a body of `step`·⌊(len − h)/step⌋ products fed to `lanes` SIMD lanes (product t of the body to
 *   lane t mod lanes); 16 lanes are first added lane-wise (i, i+8), 8 lanes (i, i+4) before the fold;
 * - the four lanes folded (L0 + L2) + (L1 + L3) (a movehlps-style horizontal sum);
 * - the rest of the products multiplied then added in order after the fold.
 *
 * The head length:
 * - `k-mod-4`: ((len − 1) mod 4) + 1 (1 to 4, never 0): row-major m = 1 (measured with 16-byte-aligned
 *   operands, which is what the native bridge always hands the library);
 * - `align-b`: the products before the first 16-byte boundary of the B_lib vector (the row of op(A)),
 *   taking element 0 of its Float32Array's buffer as 16-byte aligned (the alignment implied by the
 *   element offset); 0 when aligned.
 */
export interface MklSseAccumulation {
  readonly kind: "mkl-sse";
  readonly lanes: 4 | 8 | 16;
  readonly step: 4 | 8 | 16;
  readonly head: "k-mod-4" | "align-b" | { readonly fixed: number };
  /** `hadd` (libmkl_avx's small-m kernel): eight lanes summed ((L0+L1)+(L4+L5)) + ((L2+L3)+(L6+L7));
   * `sequential` (libmkl_def's strided one-output gemv): ((L0 + L1) + L2) + … in lane order. */
  readonly fold?: "hadd" | "sequential";
  /** `lanes` (libmkl_avx's small-m kernel): the products after the body go into lanes 0, 1, … (a masked load)
   * before the fold, not after it; `lanes-over-4` (libmkl_avx's blocked edge rows) so when more than 4 are left,
   * after the fold when 4 or fewer. */
  readonly rest?: "lanes" | "lanes-over-4";
}

const lanesBuf = new Float64Array(16);

/** Σ a[ai+t]·b[bi+t], t < len, in the MklSseAccumulation order; `init` starts lane 0 (and the head). */
export function mklSseSum(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklSseAccumulation, init: number): number {
  if (len === 0) return init;
  let h: number;
  if (acc.head === "k-mod-4") h = ((len - 1) & 3) + 1;
  else if (acc.head === "align-b") h = (4 - (((b.byteOffset >> 2) + bi) & 3)) & 3;
  else h = acc.head.fixed;
  if (h > len) h = len;
  let s = init;
  for (let t = 0; t < h; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  const body = acc.step * Math.floor((len - h) / acc.step);
  const inLanes = acc.rest === "lanes" || (acc.rest === "lanes-over-4" && len - h - body > 4);
  if (body === 0 && !inLanes) {
    for (let t = h; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
    return s;
  }
  const L = acc.lanes, v = lanesBuf;
  v.fill(0, 0, L);
  v[0] = s;
  const end = h + body;
  if (L === 4) sseLanes4(a, ai + h, b, bi + h, body, v);
  else if (L === 8) sseLanes8(a, ai + h, b, bi + h, body, v);
  else for (let t = h; t < end; t += L) for (let l = 0; l < L; l++) v[l] = fround(v[l]! + fround(a[ai + t + l]! * b[bi + t + l]!));
  if (inLanes) for (let t = end; t < len; t++) v[t - end] = fround(v[t - end]! + fround(a[ai + t]! * b[bi + t]!));
  if (acc.fold === "sequential") {
    s = v[0]!;
    for (let l = 1; l < L; l++) s = fround(s + v[l]!);
  } else if (acc.fold === "hadd") s = fround(fround(fround(v[0]! + v[1]!) + fround(v[4]! + v[5]!)) + fround(fround(v[2]! + v[3]!) + fround(v[6]! + v[7]!)));
  else {
    for (let n = L; n > 4; n >>= 1) for (let l = 0; l < n >> 1; l++) v[l] = fround(v[l]! + v[l + (n >> 1)]!);
    s = fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  }
  if (!inLanes) for (let t = end; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  return s;
}

/** The `mkl-sse` order. */
export const mklSseOrder: Order<MklSseAccumulation> = { sum: mklSseSum };

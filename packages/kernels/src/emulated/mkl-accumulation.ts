const fround = Math.fround;

/**
 * MKL's SSE dot-product shapes (measured by the order probe on libmkl_def, MKL 2020.4; MKL is closed
 * source, so every rule here is an observation, not a reading):
 *
 * - a scalar `head` of h products, multiplied then added in order (no FMA), whose sum starts lane 0;
 * - a body of `step`·⌊(len − h)/step⌋ products fed to `lanes` SIMD lanes (product t of the body to
 *   lane t mod lanes); 8 lanes are two SSE registers, added lane-wise (i, i+4) before the fold;
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
  readonly lanes: 4 | 8;
  readonly step: 4 | 8;
  readonly head: "k-mod-4" | "align-b" | { readonly fixed: number };
}

const lanesBuf = new Float64Array(8);

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
  if (body === 0) {
    for (let t = h; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
    return s;
  }
  const L = acc.lanes, v = lanesBuf;
  v.fill(0, 0, L);
  v[0] = s;
  const end = h + body;
  for (let t = h; t < end; t += L) for (let l = 0; l < L; l++) v[l] = fround(v[l]! + fround(a[ai + t + l]! * b[bi + t + l]!));
  if (L === 8) for (let l = 0; l < 4; l++) v[l] = fround(v[l]! + v[l + 4]!);
  s = fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  for (let t = end; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  return s;
}

/**
 * libmkl_def's k-split on its blocked path (measured by the probe, `--shape 4x12xK --trans-b` for K
 * from 150 to 999): K ≤ size: one block; size < K < 2·size: two blocks of ⌊K/2⌋, then, for odd K, the
 * last product as a block of its own; K ≥ 2·size: blocks of size, the last one shorter.
 */
export interface MklHalveOnceSplit {
  readonly kind: "mkl-halve-once";
  readonly size: number;
}

export function mklHalveOnce(length: number, split: MklHalveOnceSplit): number[] {
  const q = split.size;
  if (length <= q) return [length];
  if (length < 2 * q) {
    const h = Math.floor(length / 2);
    return length % 2 === 1 ? [h, h, 1] : [h, h];
  }
  const out: number[] = [];
  for (let rest = length; rest > 0; rest -= q) out.push(Math.min(q, rest));
  return out;
}

import { fmaStep } from "./fused-steps.js";
import { avx2Chunks, lanes4x2Fma, lanes8Fma } from "./fused-kernels.js";

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
  /** `hadd` (libmkl_avx's small-m kernel): eight lanes summed ((L0+L1)+(L4+L5)) + ((L2+L3)+(L6+L7)). */
  readonly fold?: "hadd";
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
  if (body === 0) {
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
  if (acc.fold === "hadd") s = fround(fround(fround(v[0]! + v[1]!) + fround(v[4]! + v[5]!)) + fround(fround(v[2]! + v[3]!) + fround(v[6]! + v[7]!)));
  else {
    for (let n = L; n > 4; n >>= 1) for (let l = 0; l < n >> 1; l++) v[l] = fround(v[l]! + v[l + (n >> 1)]!);
    s = fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  }
  for (let t = end; t < len; t++) s = fround(s + fround(a[ai + t]! * b[bi + t]!));
  return s;
}

/** Lanes v[0..3] over products t < body (lane t mod 4), multiplied then added, in registers. */
function sseLanes4(a: Float32Array, ai: number, b: Float32Array, bi: number, body: number, v: Float64Array): void {
  let l0 = v[0]!, l1 = v[1]!, l2 = v[2]!, l3 = v[3]!;
  for (let t = 0; t < body; t += 4) {
    const x = ai + t, y = bi + t;
    l0 = fround(l0 + fround(a[x]! * b[y]!));
    l1 = fround(l1 + fround(a[x + 1]! * b[y + 1]!));
    l2 = fround(l2 + fround(a[x + 2]! * b[y + 2]!));
    l3 = fround(l3 + fround(a[x + 3]! * b[y + 3]!));
  }
  v[0] = l0; v[1] = l1; v[2] = l2; v[3] = l3;
}

/** Lanes v[0..7] over products t < body (lane t mod 8), multiplied then added, in registers. */
function sseLanes8(a: Float32Array, ai: number, b: Float32Array, bi: number, body: number, v: Float64Array): void {
  let l0 = v[0]!, l1 = v[1]!, l2 = v[2]!, l3 = v[3]!, l4 = v[4]!, l5 = v[5]!, l6 = v[6]!, l7 = v[7]!;
  for (let t = 0; t < body; t += 8) {
    const x = ai + t, y = bi + t;
    l0 = fround(l0 + fround(a[x]! * b[y]!));
    l1 = fround(l1 + fround(a[x + 1]! * b[y + 1]!));
    l2 = fround(l2 + fround(a[x + 2]! * b[y + 2]!));
    l3 = fround(l3 + fround(a[x + 3]! * b[y + 3]!));
    l4 = fround(l4 + fround(a[x + 4]! * b[y + 4]!));
    l5 = fround(l5 + fround(a[x + 5]! * b[y + 5]!));
    l6 = fround(l6 + fround(a[x + 6]! * b[y + 6]!));
    l7 = fround(l7 + fround(a[x + 7]! * b[y + 7]!));
  }
  v[0] = l0; v[1] = l1; v[2] = l2; v[3] = l3; v[4] = l4; v[5] = l5; v[6] = l6; v[7] = l7;
}

/**
 * MKL's k-splits on its blocked paths (measured by the probe; MKL is closed source).
 * - `mkl-halve-once` (libmkl_def with align 1, `--shape 4x12xK --trans-b` for K from 150 to 999;
 *   libmkl_mc3 with align 4, `--shape 64x16xK` and `16x16xK --trans-b`, K = 207, 257..271, 279, 300,
 *   301, 375, 383, 520, 784): the block
 *   length is K for K ≤ size, ⌈⌊K/2⌋ / align⌉·align for size < K < 2·size, size otherwise, and K is
 *   cut in blocks of that length, the last one shorter (207 → 103, 103, 1; 301 → 152, 149;
 *   257 → 128, 128, 1 and 265 → 132, 132, 1 at align 4; 784 → 192 × 4 + 16).
 * - `mkl-halve-ceil` (libmkl_avx512's blocked path, `--shape 64x16xK --trans-b`, K = 385, 767, 769,
 *   785, 1000): while rest ≥ 2·size take size; if size < rest < 2·size take ⌈rest/2⌉ (785 → 384,
 *   201, 200); else the rest. Also libmkl_avx2's smaller blocked calls with size 256 (`--shape
 *   16x16xK --trans-b`, K = 301, 375, 600, 770 → 151, 150; 188, 187; 256, 172, 172; 256, 256, 129, 129).
 * - `mkl-whole-halve-fixed` (libmkl_avx2's large blocked calls, `--shape 64x64xK --trans-b`, K = 200,
 *   300, 385, 600, and 64x128x784): K ≤ whole: one block; K < 2·size: ⌈K/2⌉ then the rest (300 →
 *   150, 150); otherwise blocks of size (385 → 192, 192, 1; 784 → 192 × 4 + 16).
 */
export type MklHalveOnceSplit =
  | { readonly kind: "mkl-halve-once"; readonly size: number; readonly align: number }
  | { readonly kind: "mkl-halve-ceil"; readonly size: number }
  | { readonly kind: "mkl-whole-halve-fixed"; readonly whole: number; readonly size: number };

export function mklHalveOnce(length: number, split: MklHalveOnceSplit): number[] {
  const q = split.size;
  const out: number[] = [];
  if (split.kind === "mkl-whole-halve-fixed") {
    if (length <= split.whole) return [length];
    if (length < 2 * q) return [Math.ceil(length / 2), Math.floor(length / 2)];
    for (let rest = length; rest > 0; rest -= q) out.push(Math.min(q, rest));
    return out;
  }
  if (split.kind === "mkl-halve-ceil") {
    for (let rest = length; rest > 0;) {
      const len = rest >= 2 * q ? q : rest > q ? Math.ceil(rest / 2) : rest;
      out.push(len);
      rest -= len;
    }
    return out;
  }
  const kc = length <= q ? length : length < 2 * q ? Math.ceil(Math.floor(length / 2) / split.align) * split.align : q;
  for (let rest = length; rest > 0; rest -= kc) out.push(Math.min(kc, rest));
  return out;
}

/** (i, i+8), (i, i+4), (i, i+2), (i, i+1) over 16 lanes: _mm512_reduce_add_ps's tree. Destroys v. */
function halving16(v: Float64Array): number {
  for (let n = 16; n > 1; n >>= 1) {
    const h = n >> 1;
    for (let i = 0; i < h; i++) v[i] = fround(v[i]! + v[i + h]!);
  }
  return v[0]!;
}

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
  return fround(p0 + halving16(A));
}

/** The `quad` variant after its full vectors (lanes A over products 1..body, p0 in lane 0): the masked rest pass. */
function quadFinish(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, body: number, p0: number, A: Float64Array): number {
  if (body === len - 1) return body === 0 ? p0 : halving16(A);
  if (body > 0) {
    const r = halving16(A);
    A.fill(0);
    A[0] = r;
  }
  for (let t = body + 1; t < len; t++) A[(t - 1) & 15] = fmaStep(a[ai + t]!, b[bi + t]!, A[(t - 1) & 15]!);
  return halving16(A);
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

/**
 * libmkl_avx2's m = 1 dot kernels (measured by the probe: `--shape 1xNxK --trans-b` for N = 1..5,
 * K = 7..64; B's row padding changes nothing, 1x4x40 and 1x1x40 with ldb = 41). Eight lanes (lane = t
 * mod 8). K in chunks of 16: per lane s = fma(a_t, b_t, fl(a_{t+8}·b_{t+8})) for the chunk's first
 * and second halves; the chunks' s are added lane-wise in order (unfused). Then the K mod 16 rest:
 * - `quad` (rows in groups of four): every rest product FMA'd into its lane, in order;
 * - `single` (the M mod 4 rows): when the rest has 8 or more products, its first 8 multiplied and added
 *   to their lanes, the remaining ones FMA'd; a rest under 8 is all FMA'd (1x1x321: product 320 fused).
 * The lanes are summed ((L0 + L1) + (L4 + L5)) + ((L2 + L3) + (L6 + L7)).
 */
export interface MklAvx2DotAccumulation {
  readonly kind: "mkl-avx2-dot";
  readonly variant: "quad" | "single";
}

const ymm = new Float64Array(8);

export function mklAvx2Dot(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklAvx2DotAccumulation, init: number): number {
  const v = ymm;
  v.fill(0);
  v[0] = init;
  const chunks = len >> 4;
  // Lanes 1..7 of chunk 0 take s itself: −0 + s is s for every s (+0 + s is not, for s = −0).
  if (chunks > 0) for (let l = 1; l < 8; l++) v[l] = -0;
  avx2Chunks(a, ai, b, bi, chunks, v);
  let t = 16 * chunks;
  if (acc.variant === "single" && len - t >= 8) for (const end = t + 8; t < end; t++) v[t & 7] = fround(v[t & 7]! + fround(a[ai + t]! * b[bi + t]!));
  for (; t < len; t++) v[t & 7] = fmaStep(a[ai + t]!, b[bi + t]!, v[t & 7]!);
  return fround(fround(fround(v[0]! + v[1]!) + fround(v[4]! + v[5]!)) + fround(fround(v[2]! + v[3]!) + fround(v[6]! + v[7]!)));
}

/**
 * libmkl_avx2's edge rows on its blocked path (measured by the probe: `--shape 64x76xK --trans-b`,
 * rows 72..75, K = 9, 11, 151, 64x172x15 rows 168..171: unroll 4; 8x340x15 rows 336..339: unroll 2):
 * two FMA accumulators alternating over the products of unroll·⌊len/unroll⌋ (even k to the first,
 * odd to the second), added, then the rest FMA'd onto the sum.
 */
export interface MklEvenOddAccumulation {
  readonly kind: "mkl-even-odd";
  readonly unroll: 2 | 4;
}

export function mklEvenOdd(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklEvenOddAccumulation, init: number): number {
  const body = len - (len % acc.unroll);
  let s0 = init, s1 = 0;
  for (let t = 0; t < body; t += 2) {
    s0 = fmaStep(a[ai + t]!, b[bi + t]!, s0);
    s1 = fmaStep(a[ai + t + 1]!, b[bi + t + 1]!, s1);
  }
  let s = body > 0 ? fround(s0 + s1) : init;
  for (let t = body; t < len; t++) s = fmaStep(a[ai + t]!, b[bi + t]!, s);
  return s;
}

/**
 * libmkl_avx512's path for small m and long k (measured by the probe: `--shape 2x4x64`, `2x4x90`,
 * `2x4x100`, `2x4x127`, `2x4x128`, `3x5x128 --trans-b`). Sixteen lanes (product t to lane t mod 16);
 * the lanes are summed G_r = ((X_r + X_{r+4}) + X_{r+8}) + X_{r+12}, then (G0 + G1) + (G2 + G3).
 * - `pair` (op(A)'s rows in pairs): K in chunks of 64, each lane's four products of a chunk nested
 *   from the last, fma(e_l, fma(e_{l+16}, fma(e_{l+32}, p_{l+48}))); the chunks added lane-wise in
 *   order; the K mod 64 rest FMA'd into the lanes in order.
 * - `odd` (a last odd row): one FMA chain per lane over all of K.
 */
export interface MklAvx512HornerAccumulation {
  readonly kind: "mkl-avx512-horner";
  readonly variant: "pair" | "odd";
}

export function mklAvx512Horner(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: MklAvx512HornerAccumulation, init: number): number {
  const X = zmmA;
  X.fill(0);
  let t = 0;
  if (acc.variant === "pair") {
    const chunks = len >> 6;
    for (let c = 0; c < chunks; c++) {
      const o = 64 * c;
      for (let l = 0; l < 16; l++) {
        const q = o + l;
        let h = fround(a[ai + q + 48]! * b[bi + q + 48]!);
        h = fmaStep(a[ai + q + 32]!, b[bi + q + 32]!, h);
        h = fmaStep(a[ai + q + 16]!, b[bi + q + 16]!, h);
        h = fmaStep(a[ai + q]!, b[bi + q]!, h);
        X[l] = c === 0 ? h : fround(X[l]! + h);
      }
    }
    t = 64 * chunks;
  }
  for (; t < len; t++) X[t & 15] = fmaStep(a[ai + t]!, b[bi + t]!, X[t & 15]!);
  const g = (r: number) => fround(fround(fround(X[r]! + X[r + 4]!) + X[r + 8]!) + X[r + 12]!);
  return fround(init + fround(fround(g(0) + g(1)) + fround(g(2) + g(3))));
}

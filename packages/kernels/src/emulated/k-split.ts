/**
 * How a library cuts a length (k for the pc loop, m for the ic loop) into blocks.
 *
 * - `whole`: one block (no blocking).
 * - `fixed`: blocks of `size`, the last one shorter (BLIS's kc/mc loops).
 * - `halve-rest`: OpenBLAS driver/level3/level3.c (0.3.21): while rest >= 2·size take size; if
 *   size < rest < 2·size take ⌈⌊rest/2⌋ / align⌉·align; else take the rest. MKL's `mkl-halve-ceil`
 *   (below) is this rule rounding ⌈rest/2⌉ up instead.
 * - `fixed-max`: BLIS's bli_determine_blocksize_f_sub with a maximum blocksize: blocks of `size`,
 *   except that a rest of at most `max` is taken whole.
 * - `fixed-align-rest`: blocks of `size` while they fit, then the rest rounded down to `align`, then
 *   the rest mod `align` (OpenBLAS's sgemv_t_4.c: NB = 4096 blocks, then (len mod 4096) & −4, then len & 3).
 * - `fixed-then`: blocks of `size` while they fit, then the rest in blocks of `then`, the last one shorter
 *   (ATLAS's CacheEdge chunks of K whose last chunk its no-copy aX kernels run KB by KB).
 */
export type Split =
  | { readonly kind: "whole" }
  | { readonly kind: "fixed"; readonly size: number }
  | { readonly kind: "halve-rest"; readonly size: number; readonly align: number }
  | { readonly kind: "fixed-max"; readonly size: number; readonly max: number }
  | { readonly kind: "fixed-align-rest"; readonly size: number; readonly align: number }
  | { readonly kind: "fixed-then"; readonly size: number; readonly then: number }
  | MklHalveOnceSplit;

/** The block lengths `split` cuts `length` into, in loop order. */
export function splitLength(length: number, split: Split): number[] {
  if (length === 0) return [];
  if (split.kind === "whole") return [length];
  if (split.kind === "mkl-halve-once" || split.kind === "mkl-whole-halve-fixed") return mklHalveOnce(length, split);
  const out: number[] = [];
  let rest = length;
  if (split.kind === "fixed-align-rest") {
    for (; rest >= split.size; rest -= split.size) out.push(split.size);
    const tail = rest % split.align;
    if (rest > tail) out.push(rest - tail);
    if (tail > 0) out.push(tail);
    return out;
  }
  if (split.kind === "fixed-then") {
    for (; rest >= split.size; rest -= split.size) out.push(split.size);
    for (; rest > 0; rest -= split.then) out.push(Math.min(split.then, rest));
    return out;
  }
  while (rest > 0) {
    let len: number;
    if (split.kind === "fixed") len = Math.min(split.size, rest);
    else if (split.kind === "fixed-max") len = rest <= split.max ? rest : split.size;
    else if (rest >= 2 * split.size) len = split.size;
    else if (split.kind === "mkl-halve-late") len = 2 * rest >= 3 * split.size ? Math.ceil(rest / 2) : rest;
    else if (rest > split.size) len = split.kind === "mkl-halve-ceil" ? Math.ceil(rest / 2) : Math.ceil(Math.floor(rest / 2) / split.align) * split.align;
    else len = rest;
    out.push(len);
    rest -= len;
  }
  return out;
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
 * - `mkl-halve-late` (libmkl_avx2's N loop with size 48, seen through the N-edge columns its blocks
 *   leave, `--shape Nx16x64` for N = 49..1500 in all four layouts): while rest ≥ 2·size take size; if
 *   1.5·size ≤ rest < 2·size take ⌈rest/2⌉; else the rest (1000 → 48 × 19, 44, 44; 697 → 48 × 13,
 *   37, 36; 770 → 48 × 15, 50).
 */
export type MklHalveOnceSplit =
  | { readonly kind: "mkl-halve-once"; readonly size: number; readonly align: number }
  | { readonly kind: "mkl-halve-ceil"; readonly size: number }
  | { readonly kind: "mkl-whole-halve-fixed"; readonly whole: number; readonly size: number }
  | { readonly kind: "mkl-halve-late"; readonly size: number };

function mklHalveOnce(length: number, split: Extract<MklHalveOnceSplit, { kind: "mkl-halve-once" | "mkl-whole-halve-fixed" }>): number[] {
  const q = split.size;
  const out: number[] = [];
  if (split.kind === "mkl-whole-halve-fixed") {
    if (length <= split.whole) return [length];
    if (length < 2 * q) return [Math.ceil(length / 2), Math.floor(length / 2)];
    for (let rest = length; rest > 0; rest -= q) out.push(Math.min(q, rest));
    return out;
  }
  const kc = length <= q ? length : length < 2 * q ? Math.ceil(Math.floor(length / 2) / split.align) * split.align : q;
  for (let rest = length; rest > 0; rest -= kc) out.push(Math.min(kc, rest));
  return out;
}

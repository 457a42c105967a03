import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `openblas-gemv-n`: one y element of OpenBLAS 0.3.21's kernel/x86_64/sgemv_n_4.c with the `core`'s
 * micro-kernels (sgemv_n_microk_{haswell,sandy,nehalem}-4.c), the BLAS 'N' gemv (the row-major gemv with transA), over
 * all len columns, starting from `init` (y after β, or +0 for the buffer of a strided y). The columns go
 * in groups: of 8 (sgemv_kernel_4x8) then one of 4 (n & 4) then 2 (4x2) then 1 (4x1) for a contiguous x;
 * of 4 then single columns (4x1) for a strided one. Per group, by the element's row `cls`:
 * - "loop" (rows of the kernels' 16-row loop): r := FMA chain over the group's columns from 0 (x_j·a_j),
 *   then y := fma(α, r, y);
 * - "head" (the 4 rows of NB & 4 and the 8 of NB & 8 before the loop): even columns into r0, odd into r1
 *   (FMA chains from 0), then y := fl(fl(fl(r0 + r1)·α) + y);
 * (Haswell: FMA chains. Sandybridge: multiply then add, and "loop" stores fl(fl(r·α) + y). Nehalem: no
 * head; its 4x8 kernel splits even and odd columns as "head" does, its 4x4 one is one chain, both
 * multiply then add, stored fl(fl(r·α) + y).)
 * 4x2 and 4x1 (every row): y := fl(y + fl(a·fl(α·x))) column by column.
 * - "rest" (the len mod 4 last rows, C code): temp := Σ a·x multiply then add (with `pairs`, the unrolled
 *   loop for lda = rows: temp += (p0 + p1) per pair), then y := fl(y + fl(α·temp)).
 * "skylakex" (SkylakeX, Cooperlake: sgemv_n_microk_haswell-4.c plus sgemv_n_microk_skylakex-8.c, C compiled
 * with FMA contraction) is "haswell" but for: the 2- and 1-column groups of a contiguous x go to
 * sgemv_kernel_n_64 (r := FMA chain from 0, y := fma(r, α, y)); "rest" contracts (temp += a·x is
 * fma(a, x, temp); a pair is fl(temp + fma(a0, x0, fl(a1·x1))); a four fl(temp + fma(a3, x3, fma(a2, x2,
 * fma(a0, x0, fl(a1·x1))))); y := fma(α, temp, y)); and "whole" is sgemv_kernel_n_128 (len ≤ 48, ≠ 4): one
 * FMA chain over all columns from 0, y := fma(r, α, y), y's stride not mattering (copied in and out).
 */
export interface OpenblasGemvNAccumulation {
  readonly kind: "openblas-gemv-n";
  readonly core: "haswell" | "sandy" | "nehalem" | "skylakex";
  readonly alpha: number;
  readonly cls: "loop" | "head" | "rest" | "whole";
  readonly xStrided: boolean;
  /** incy ≠ 1: the kernels write a zeroed buffer, added to y at the end (add_y, multiply-free). */
  readonly yStrided: boolean;
  /** rest rows only: 2 (m3 = 2 or 3 with lda = m3: pairs per two columns), 4 (m3 = 1, lda = 1: four per group), 0 otherwise. */
  readonly pairs?: 0 | 2 | 4;
}

function gemvN(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: OpenblasGemvNAccumulation, init: number): number {
  const al = acc.alpha, p = (t: number): number => fround(a[ai + t]! * b[bi + t]!);
  let y = init;
  if (acc.cls === "whole") {
    let r = 0;
    for (let t = 0; t < len; t++) r = fmaStep(a[ai + t]!, b[bi + t]!, r);
    return fmaStep(r, al, y);
  }
  if (acc.cls === "rest" && acc.core === "skylakex") return fusedRest(a, ai, b, bi, len, acc, y);
  if (acc.cls === "rest") {
    let temp = 0, t = 0;
    const g = acc.pairs ?? 0;
    const len4 = len - (len % 4); // the unrolled loops run over i < (n & -4)
    if (g === 2) for (; t < len4; t += 2) temp = fround(temp + fround(p(t) + p(t + 1)));
    else if (g === 4) for (; t < len4; t += 4) temp = fround(temp + fround(fround(fround(p(t) + p(t + 1)) + p(t + 2)) + p(t + 3)));
    for (; t < len; t++) temp = fround(temp + p(t));
    return fround(y + fround(al * temp));
  }
  const groups: number[] = [];
  if (!acc.xStrided) {
    for (let i = 0; i < len >> 3; i++) groups.push(8);
    if (len & 4) groups.push(4);
    if (len & 2) groups.push(2);
    if (len & 1) groups.push(1);
  } else {
    for (let i = 0; i < len >> 2; i++) groups.push(4);
    for (let i = 0; i < (len & 3); i++) groups.push(1);
  }
  if (acc.yStrided) y = 0;
  let t = 0;
  for (const w of groups) {
    if (w >= 4) {
      const fused = acc.core === "haswell" || acc.core === "skylakex";
      const step = (j: number, r: number): number => (fused ? fmaStep(a[ai + t + j]!, b[bi + t + j]!, r) : fround(r + p(t + j)));
      const split = acc.core === "nehalem" ? w === 8 : acc.cls === "head";
      if (!split) {
        let r = 0;
        for (let j = 0; j < w; j++) r = step(j, r);
        y = fused ? fmaStep(al, r, y) : fround(fround(r * al) + y);
      } else {
        let r0 = 0, r1 = 0;
        for (let j = 0; j < w; j += 2) {
          r0 = step(j, r0);
          r1 = step(j + 1, r1);
        }
        y = fround(fround(fround(r0 + r1) * al) + y);
      }
    } else if (acc.core === "skylakex" && !acc.xStrided) {
      let r = 0;
      for (let j = 0; j < w; j++) r = fmaStep(a[ai + t + j]!, b[bi + t + j]!, r);
      y = fmaStep(r, al, y);
    } else {
      for (let j = 0; j < w; j++) y = fround(y + fround(b[bi + t + j]! * fround(al * a[ai + t + j]!)));
    }
    t += w;
  }
  return acc.yStrided ? fround(init + y) : y;
}

/** "rest" rows of the SkylakeX build: sgemv_n_4.c's C loops with a·b + c contracted to FMA. */
function fusedRest(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: OpenblasGemvNAccumulation, y: number): number {
  const g = acc.pairs ?? 0, x = (t: number): number => a[ai + t]!, m = (t: number): number => b[bi + t]!;
  let temp = 0, t = 0;
  const len4 = len - (len % 4); // the unrolled loops run over i < (n & -4)
  if (g === 2) for (; t < len4; t += 2) temp = fround(temp + fmaStep(x(t), m(t), fround(x(t + 1) * m(t + 1))));
  else if (g === 4) {
    for (; t < len4; t += 4) {
      const s = fmaStep(x(t + 3), m(t + 3), fmaStep(x(t + 2), m(t + 2), fmaStep(x(t), m(t), fround(x(t + 1) * m(t + 1)))));
      temp = fround(temp + s);
    }
  }
  for (; t < len; t++) temp = fmaStep(x(t), m(t), temp);
  return fmaStep(acc.alpha, temp, y);
}

/** The `openblas-gemv-n` order. */
export const openblasGemvNOrder: Order<OpenblasGemvNAccumulation> = { sum: gemvN };

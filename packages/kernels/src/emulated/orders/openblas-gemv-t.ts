import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `openblas-gemv-t`: the per-output sums of OpenBLAS 0.3.21's kernel/x86_64/sgemv_t_4.c over one block of
 * the dot length (NB: 4096, then the rest rounded down to 4, then the len mod 4 last ones), by kernel:
 * - "4x4-fma8" (sgemv_t_microk_haswell-4.c): one 8-lane FMA register per output; when len & 4 the first
 *   four products go to lanes 0–3, then every 8 consecutive products to lanes 0–7; reduced by adding the
 *   upper four lanes to the lower, then two hadds: (l0 + l1) + (l2 + l3).
 * - "4x4-sandy" (sgemv_t_microk_sandy-4.c): two 8-lane registers A and B per output, multiply then add;
 *   the first four (len & 4) to A's lanes 0–3, the next eight (len & 8) to A, then of every 16 the first
 *   eight to A and the second to B; A + B, then as "4x4-fma8". "4x4-sandy-swapped": the kernel's second
 *   output of four (its loop adds a1·x[0:8] to ymm1 and a1·x[8:16] to ymm5), where of every 16 the
 *   first eight go to B and the second to A.
 * - "4x2" (sgemv_kernel_4x2, SSE; also Nehalem's 4x4, sgemv_t_microk_nehalem-4.c): one 4-lane register
 *   per output, product t to lane t mod 4, multiply then add; two hadds.
 * - "4x1" (sgemv_kernel_4x1, SSE): two 4-lane registers A and B; the first four (when len & 4) to A, then
 *   alternate groups of four to A and B; A + B, two hadds; multiply then add.
 * - "rest" (the C loops for len mod 4 ≤ 3): ((p0 + p1) + p2), multiply then add (the products use x
 *   already scaled by α: see MeetC's `alphaFirstBelow`).
 * Without `meet`, `init` starts the first lane (it is 0 on every sgemv_t block: each block's sum meets y
 * through the plan's MeetC); with `meet`, init is y and the order returns the new y.
 */
export interface OpenblasGemvTAccumulation {
  readonly kind: "openblas-gemv-t";
  readonly kernel: "4x4-fma8" | "4x4-sandy" | "4x4-sandy-swapped" | "4x2" | "4x1" | "rest" | "rest-fused";
  /**
   * The SkylakeX / Cooperlake build (plans with MeetC `accumulate-into-c`, `alphaInOrder`): `init` is y and
   * the block's sum s meets it here, y := fl(y + fl(α·s)) (add_y's SSE loop, `fused` false) or fma(s, α, y)
   * (C compiled with FMA contraction: `*y_ptr += ybuffer[0] * alpha`, add_y's strided loop). "rest-fused"
   * (the len mod 4 rest, contracted, x scaled first: xt = fl(α·x)) always has it: len 1 y := fma(a0, xt0, y),
   * len 2 fl(y + fma(a0, xt0, fl(a1·xt1))), len 3 fl(y + fma(a2, xt2, fma(a0, xt0, fl(a1·xt1)))).
   */
  readonly meet?: { readonly alpha: number; readonly fused: boolean };
}

const lanes = new Float64Array(8), other = new Float64Array(8);

function hadd2(r: Float64Array): number {
  return fround(fround(r[0]! + r[1]!) + fround(r[2]! + r[3]!));
}

function gemvT(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: OpenblasGemvTAccumulation, init: number): number {
  const m = acc.meet;
  if (m === undefined) return blockSumT(a, ai, b, bi, len, acc, init);
  if (acc.kernel === "rest-fused") {
    const xt = (t: number): number => fround(m.alpha * a[ai + t]!);
    if (len === 1) return fmaStep(b[bi]!, xt(0), init);
    let s = fmaStep(b[bi]!, xt(0), fround(b[bi + 1]! * xt(1)));
    if (len === 3) s = fmaStep(b[bi + 2]!, xt(2), s);
    return fround(init + s);
  }
  const s = blockSumT(a, ai, b, bi, len, acc, 0);
  return m.fused ? fmaStep(s, m.alpha, init) : fround(init + fround(m.alpha * s));
}

function blockSumT(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: OpenblasGemvTAccumulation, init: number): number {
  const p = (t: number): number => fround(a[ai + t]! * b[bi + t]!);
  if (acc.kernel === "rest-fused") throw new Error(`openblas-gemv-t: kernel "rest-fused" needs meet (alpha)`);
  if (acc.kernel === "rest") {
    let s = init;
    for (let t = 0; t < len; t++) s = fround(s + p(t));
    return s;
  }
  lanes.fill(0);
  lanes[0] = init;
  if (acc.kernel === "4x4-fma8") {
    const h = len & 4;
    for (let t = 0; t < h; t++) lanes[t] = fmaStep(a[ai + t]!, b[bi + t]!, lanes[t]!);
    for (let t = h; t < len; t++) lanes[(t - h) % 8] = fmaStep(a[ai + t]!, b[bi + t]!, lanes[(t - h) % 8]!);
    for (let l = 0; l < 4; l++) lanes[l] = fround(lanes[l]! + lanes[l + 4]!);
    return hadd2(lanes);
  }
  if (acc.kernel === "4x4-sandy" || acc.kernel === "4x4-sandy-swapped") {
    const firstToA = acc.kernel === "4x4-sandy";
    other.fill(0);
    const h = len & 4, e = h + (len & 8);
    for (let t = 0; t < h; t++) lanes[t] = fround(lanes[t]! + p(t));
    for (let t = h; t < e; t++) lanes[t - h] = fround(lanes[t - h]! + p(t));
    for (let t = e; t < len; t++) {
      const l = (t - e) % 16;
      const toA = (l < 8) === firstToA;
      if (toA) lanes[l % 8] = fround(lanes[l % 8]! + p(t));
      else other[l % 8] = fround(other[l % 8]! + p(t));
    }
    for (let l = 0; l < 8; l++) lanes[l] = fround(lanes[l]! + other[l]!);
    for (let l = 0; l < 4; l++) lanes[l] = fround(lanes[l]! + lanes[l + 4]!);
    return hadd2(lanes);
  }
  if (acc.kernel === "4x2") {
    for (let t = 0; t < len; t++) lanes[t % 4] = fround(lanes[t % 4]! + p(t));
    return hadd2(lanes);
  }
  other.fill(0);
  const h = len & 4;
  for (let t = 0; t < h; t++) lanes[t] = fround(lanes[t]! + p(t));
  for (let t = h; t < len; t++) {
    const g = Math.floor((t - h) / 4);
    if (g % 2 === 0) lanes[t % 4] = fround(lanes[t % 4]! + p(t));
    else other[t % 4] = fround(other[t % 4]! + p(t));
  }
  for (let l = 0; l < 4; l++) lanes[l] = fround(lanes[l]! + other[l]!);
  return hadd2(lanes);
}

/** The `openblas-gemv-t` order. */
export const openblasGemvTOrder: Order<OpenblasGemvTAccumulation> = { sum: gemvT };

import { fma32 } from "../../fp32/fma.js";
import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `openblas-sdot`: OpenBLAS 0.3.21's kernel/x86_64/sdot.c. Contiguous x and y: the first n1 = 32·⌊n/32⌋
 * products go to sdot_kernel_16 (below), the rest are added one by one to a binary64 accumulator as
 * binary32 products (`double dot += y[i] * x[i]`), then dot += the kernel's binary32 result, rounded to
 * binary32 on return. sdot_kernel_16: `registers` SIMD registers of `lanes` lanes over
 * registers·lanes products per trip (multiply-add or FMA); with `wide` (the SkylakeX kernel built for
 * AVX-512) first 4 registers of 16 lanes over 64 per trip, each then folded to 8 lanes (lo + hi) to
 * continue in the 8-lane registers. The registers are then reduced:
 * - "halves-then-pairs" (Haswell, Sandybridge asm): each 8-lane register's upper half added to its lower
 *   half, then (r0 + r1) + (r2 + r3) lane by lane, then two hadds: (l0 + l1) + (l2 + l3).
 * - "pairs" (Nehalem, 4 lanes): (r0 + r1) + (r2 + r3), then the two hadds.
 * - "sum-then-halves" (SkylakeX intrinsics): ((r0 + r1) + r2) + r3, then the halves, then the two hadds.
 * Strided (`strided`): dot += (binary32) y0·x0 + y1·x1 per pair (`pairFused`: the compiler's contraction
 * fma(y0, x0, fl(y1·x1))), the odd last product alone, in binary64.
 */
export interface OpenblasSdotAccumulation {
  readonly kind: "openblas-sdot";
  readonly lanes: 4 | 8;
  readonly registers: 4;
  readonly fused: boolean;
  readonly wide: boolean;
  readonly reduce: "halves-then-pairs" | "pairs" | "sum-then-halves";
  readonly strided?: { readonly pairFused: boolean };
}

function kernel16(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number, acc: OpenblasSdotAccumulation): number {
  const L = acc.lanes, R = acc.registers;
  const regs = new Float64Array(R * L);
  let t = 0;
  if (acc.wide) {
    const z = new Float64Array(4 * 16), n64 = n - (n % 64);
    for (; t < n64; t += 64) for (let q = 0; q < 64; q++) z[q] = fmaStep(a[ai + t + q]!, b[bi + t + q]!, z[q]!);
    for (let r = 0; r < 4; r++) for (let l = 0; l < 8; l++) regs[r * 8 + l] = fround(z[r * 16 + l]! + z[r * 16 + 8 + l]!);
  }
  const W = R * L;
  for (; t + W <= n; t += W) {
    for (let q = 0; q < W; q++) regs[q] = acc.fused ? fmaStep(a[ai + t + q]!, b[bi + t + q]!, regs[q]!) : fround(regs[q]! + fround(a[ai + t + q]! * b[bi + t + q]!));
  }
  const add = (x: number, y: number, w: number): void => { for (let l = 0; l < w; l++) regs[x * L + l] = fround(regs[x * L + l]! + regs[y * L + l]!); };
  const halve = (r: number): void => { for (let l = 0; l < 4; l++) regs[r * L + l] = fround(regs[r * L + l]! + regs[r * L + 4 + l]!); };
  if (acc.reduce === "sum-then-halves") {
    add(0, 1, L); add(0, 2, L); add(0, 3, L);
    if (L === 8) halve(0);
  } else {
    if (acc.reduce === "halves-then-pairs") for (let r = 0; r < R; r++) halve(r);
    add(0, 1, 4); add(2, 3, 4); add(0, 2, 4);
  }
  return fround(fround(regs[0]! + regs[1]!) + fround(regs[2]! + regs[3]!));
}

function openblasSdot(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: OpenblasSdotAccumulation, init: number): number {
  let dot = init;
  if (acc.strided !== undefined) {
    const pairs = len - (len % 2);
    for (let t = 0; t < pairs; t += 2) {
      const p0 = fround(a[ai + t]! * b[bi + t]!), p1 = fround(a[ai + t + 1]! * b[bi + t + 1]!);
      dot += acc.strided.pairFused ? fma32(a[ai + t]!, b[bi + t]!, p1) : fround(p0 + p1);
    }
    if (pairs < len) dot += fround(a[ai + pairs]! * b[bi + pairs]!);
    return fround(dot);
  }
  const n1 = len - (len % 32);
  const mine = n1 > 0 ? kernel16(a, ai, b, bi, n1, acc) : 0;
  for (let t = n1; t < len; t++) dot += fround(a[ai + t]! * b[bi + t]!);
  return fround(dot + mine);
}

/** The `openblas-sdot` order. */
export const openblasSdotOrder: Order<OpenblasSdotAccumulation> = { sum: openblasSdot };

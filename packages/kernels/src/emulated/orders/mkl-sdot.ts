import { step } from "./chain.js";
import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `mkl-sdot`: MKL 2020.4's level-1 cblas_sdot kernels (closed source: every rule here was measured with the
 * order probe on the real library through the native bridge, whose operands start 64-byte aligned, then held
 * bit for bit on random inputs; see libraries/mkl-sdot.ts). A kernel keeps `registers` SIMD registers of
 * `lanes` lanes, all starting at zero (`init` joins register 0's lane 0), and runs its `loops` in turn:
 * a loop takes trips of `chunks`·lanes products while that many remain (`repeat`), or at most one trip;
 * each step of a trip feeds chunk `at` (the trip's products at·lanes … at·lanes + lanes − 1, product
 * at·lanes + l to lane l) to register `reg`:
 * - `mul-add`: r := fl(r + fl(x·y)) lane by lane; `fma`: r := fma(x, y, r);
 * - `fma-pair` (`at` = [i, j]): r := fl(r + fma(x_i, y_i, fl(x_j·y_j))), lane by lane.
 * Then the n mod lanes `rest` (`restFused`: FMA, else multiplied and added), and the reduction:
 * - rest `lane0`: each product into register 0's lane 0, before the registers meet;
 * - rest `lanes`: product q of the rest into register 0's lane q, before the registers meet;
 * - rest `pairs`: in pairs into lanes 0 and 1 of register 0, a last odd one into lane 0;
 * - rest `after-fold`: each product added in order to the folded sum.
 * The registers meet lane by lane, `sequential` ((r0 + r1) + r2) + r3 or `pairs` (r0 + r1) + (r2 + r3); the
 * lanes are then folded: `movehl` (4 lanes) (L0 + L2) + (L1 + L3); `hadd` (4 lanes) (L0 + L1) + (L2 + L3),
 * (8 lanes) ((L0 + L1) + (L4 + L5)) + ((L2 + L3) + (L6 + L7)).
 */
export interface MklSdotAccumulation {
  readonly kind: "mkl-sdot";
  readonly lanes: 4 | 8;
  readonly registers: 1 | 2 | 4;
  readonly loops: readonly MklSdotLoop[];
  readonly rest: "lane0" | "lanes" | "pairs" | "after-fold";
  readonly restFused: boolean;
  readonly combine: "sequential" | "pairs";
  readonly fold: "movehl" | "hadd";
}

/** One loop of an MklSdotAccumulation: trips of `chunks` chunks of `lanes` products. */
export interface MklSdotLoop {
  readonly chunks: number;
  readonly repeat: boolean;
  readonly steps: readonly MklSdotStep[];
}

/** One step of a trip: which chunk (or pair of chunks) goes to which register, and how. */
export type MklSdotStep =
  | { readonly at: number; readonly reg: number; readonly op: "mul-add" | "fma" }
  | { readonly at: readonly [number, number]; readonly reg: number; readonly op: "fma-pair" };

/** Σ x[xi+t]·y[yi+t], t < len, in the MklSdotAccumulation order, from `init`. */
export function mklSdot(x: Float32Array, xi: number, y: Float32Array, yi: number, len: number, acc: MklSdotAccumulation, init: number): number {
  const L = acc.lanes, R = acc.registers;
  const r = new Float64Array(R * L);
  r[0] = init;
  let t = 0;
  for (const loop of acc.loops) {
    const width = loop.chunks * L;
    while (t + width <= len) {
      for (const s of loop.steps) {
        const o = s.reg * L;
        for (let l = 0; l < L; l++) {
          if (s.op === "fma-pair") {
            const i = t + s.at[0] * L + l, j = t + s.at[1] * L + l;
            r[o + l] = fround(r[o + l]! + fmaStep(x[xi + i]!, y[yi + i]!, fround(x[xi + j]! * y[yi + j]!)));
          } else {
            const i = t + s.at * L + l;
            r[o + l] = step(x[xi + i]!, y[yi + i]!, r[o + l]!, s.op === "fma");
          }
        }
      }
      t += width;
      if (!loop.repeat) break;
    }
  }
  const restAt = t;
  if (acc.rest !== "after-fold") {
    for (let q = 0; t < len; t++, q++) {
      const lane = acc.rest === "lane0" ? 0 : acc.rest === "lanes" ? q : q % 2;
      r[lane] = step(x[xi + t]!, y[yi + t]!, r[lane]!, acc.restFused);
    }
  }
  const v = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    if (R === 1) v[l] = r[l]!;
    else if (R === 2) v[l] = fround(r[l]! + r[L + l]!);
    else if (acc.combine === "sequential") v[l] = fround(fround(fround(r[l]! + r[L + l]!) + r[2 * L + l]!) + r[3 * L + l]!);
    else v[l] = fround(fround(r[l]! + r[L + l]!) + fround(r[2 * L + l]! + r[3 * L + l]!));
  }
  let s: number;
  if (L === 8) s = fround(fround(fround(v[0]! + v[1]!) + fround(v[4]! + v[5]!)) + fround(fround(v[2]! + v[3]!) + fround(v[6]! + v[7]!)));
  else if (acc.fold === "hadd") s = fround(fround(v[0]! + v[1]!) + fround(v[2]! + v[3]!));
  else s = fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  if (acc.rest === "after-fold") for (t = restAt; t < len; t++) s = step(x[xi + t]!, y[yi + t]!, s, acc.restFused);
  return s;
}

/** The `mkl-sdot` order. */
export const mklSdotOrder: Order<MklSdotAccumulation> = { sum: mklSdot };

import { fmaStep } from "../fused-steps.js";
import { chain } from "./chain.js";
import { fusedLanesBody } from "./lanes.js";
import type { Order } from "./order.js";
import { reduceLanes, type LaneReduction } from "./reduce-lanes.js";
import { scratch } from "./scratch.js";

const fround = Math.fround;

/**
 * `register-lanes`: `registers` SIMD registers of `lanes` lanes, the k loop unrolled over all of them:
 * product t of the first lanes·registers·⌊len/(lanes·registers)⌋ goes to register ⌊t/lanes⌋ mod
 * registers, lane t mod lanes; the registers are added lane by lane in order (((r0 + r1) + r2) + …),
 * the lanes then reduced by `reduce`; the rest follows as a chain (BLIS's bli_sdotxv_zen_int: 4 ymm
 * registers over 32 k, lanes summed 0..7, scalar tail).
 */
export interface RegisterLanesAccumulation {
  readonly kind: "register-lanes";
  readonly fused: boolean;
  readonly lanes: number;
  readonly registers: number;
  readonly reduce: LaneReduction;
  readonly tail: "fused-chain" | "mul-add-chain";
}

/** The `register-lanes` accumulation (see Accumulation). */
function registerLanes(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: RegisterLanesAccumulation, init: number): number {
  const L = acc.lanes, R = acc.registers, W = L * R;
  const body = len - (len % W);
  const regs = scratch(W);
  regs[0] = init;
  if (acc.fused) for (let t = fusedLanesBody(a, ai, b, bi, body, W, regs); t < body; t += W) for (let q = 0; q < W; q++) regs[q] = fmaStep(a[ai + t + q]!, b[bi + t + q]!, regs[q]!);
  else for (let t = 0; t < body; t += W) for (let q = 0; q < W; q++) regs[q] = fround(regs[q]! + fround(a[ai + t + q]! * b[bi + t + q]!));
  for (let l = 0; l < L; l++) {
    let s = regs[l]!;
    for (let r = 1; r < R; r++) s = fround(s + regs[r * L + l]!);
    regs[l] = s;
  }
  const s = reduceLanes(regs, acc.reduce, L);
  return chain(a, ai + body, b, bi + body, len - body, acc.tail === "fused-chain", s);
}

/** The `register-lanes` order. */
export const registerLanesOrder: Order<RegisterLanesAccumulation> = { sum: registerLanes };

import { fmaStep } from "../fused-steps.js";
import { chain } from "./chain.js";
import type { Order } from "./order.js";
import { scratch } from "./scratch.js";

const fround = Math.fround;

/**
 * `cascade-registers`: a k loop that steps down through ever fewer SIMD registers of `lanes` lanes, with
 * a fold between stages (BLIS's bli_sdotv_zen_int10). `stages` lists each stage's register count, from
 * the widest; stage i takes whole trips of stages[i]·lanes products while they fit, product t of a trip
 * going to register ⌊t/lanes⌋, lane t mod lanes, by FMA. `folds[i]`, after stage i, is a list of
 * [to, from] register pairs added lane by lane in that order. The rest (fewer than the last stage's
 * products) is a chain from 0 (`tail`), then the last register's lanes are summed in order 0..lanes−1
 * and that sum is added to the tail's: fl(tail + (((l0 + l1) + l2) + …)). `init` starts register 0, lane 0.
 */
export interface CascadeRegistersAccumulation {
  readonly kind: "cascade-registers";
  readonly lanes: number;
  readonly stages: readonly number[];
  readonly folds: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly tail: "fused-chain" | "mul-add-chain";
}

function cascadeRegisters(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: CascadeRegistersAccumulation, init: number): number {
  const L = acc.lanes, regs = scratch(L * acc.stages[0]!);
  regs[0] = init;
  let t = 0;
  for (const [i, R] of acc.stages.entries()) {
    const W = R * L;
    for (; t + W <= len; t += W) for (let q = 0; q < W; q++) regs[q] = fmaStep(a[ai + t + q]!, b[bi + t + q]!, regs[q]!);
    for (const [to, from] of acc.folds[i] ?? []) for (let l = 0; l < L; l++) regs[to * L + l] = fround(regs[to * L + l]! + regs[from * L + l]!);
  }
  const rest = chain(a, ai + t, b, bi + t, len - t, acc.tail === "fused-chain", 0);
  let lanes = regs[0]!;
  for (let l = 1; l < L; l++) lanes = fround(lanes + regs[l]!);
  return fround(rest + lanes);
}

/** The `cascade-registers` order. */
export const cascadeRegistersOrder: Order<CascadeRegistersAccumulation> = { sum: cascadeRegisters };

import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "./attack-model.js";

/** Each backend's verdict on one input. */
export interface BackendVerdicts {
  /** f_i(x) per backend, in the order given. */
  logits: Float32Array[];
  /** h_i(x) = argmax f_i(x) per backend (the first maximum, as torch.argmax). */
  labels: number[];
}

/** The index of the first largest value (NaN never wins). */
export function argmaxOf(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Runs the model on every backend, batch 1, bit-faithfully (each backend's own forward). */
export function verdicts(model: AttackModel, x: Float32Array, backends: readonly Kernel[]): BackendVerdicts {
  const logits = backends.map((k) => model.logits(x, k));
  return { logits, labels: logits.map(argmaxOf) };
}

/** Definition 3.1: every pair of backends predicts a different label. */
export function isChimera(labels: readonly number[]): boolean {
  return labels.length >= 2 && new Set(labels).size === labels.length;
}

/** The gap between the largest and second-largest logit (0 on a tie; Infinity with one class). */
export function topTwoMargin(z: ArrayLike<number>): number {
  let a = -Infinity, b = -Infinity;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (v > a) { b = a; a = v; } else if (v > b) b = v;
  }
  return a - b;
}

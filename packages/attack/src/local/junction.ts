import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "../attack-model.js";

/**
 * Where n backends can disagree on n labels: a point where the n target classes' logits are tied
 * and every other class lies below them. The residuals r_k = z_{y_1} − z_{y_k} (k = 2..n) measure the
 * distance to the tie; `intrusion` how far the best other class rises above the lowest target
 * (plus a margin κ, so the junction is not shared with a class no backend aims at).
 */
export interface Junction {
  logits: Float32Array;
  /** r_k = z_{y_1} − z_{y_k}, k = 2..n. */
  residuals: number[];
  /** max(0, max_{j ∉ T} z_j − min_T z + κ). */
  intrusion: number;
  /** Σ|r_k| + n·intrusion: 0 exactly at a clean junction. */
  loss: number;
}

/** The junction measures of logits z for targets T. */
export function junctionOf(z: Float32Array, targets: readonly number[], kappa: number): Junction {
  const y1 = targets[0]!;
  const residuals = targets.slice(1).map((y) => z[y1]! - z[y]!);
  let minT = Infinity, maxOther = -Infinity;
  for (const y of targets) minT = Math.min(minT, z[y]!);
  for (let j = 0; j < z.length; j++) if (!targets.includes(j)) maxOther = Math.max(maxOther, z[j]!);
  const intrusion = Math.max(0, maxOther - minT + kappa);
  const loss = residuals.reduce((s, r) => s + Math.abs(r), 0) + targets.length * intrusion;
  return { logits: z, residuals, intrusion, loss };
}

/** The gradient seed of `loss` at z (a subgradient at ties): ∂loss/∂z. */
export function junctionSeed(j: Junction, targets: readonly number[]): Float64Array {
  const z = j.logits, y1 = targets[0]!;
  const s = new Float64Array(z.length);
  targets.slice(1).forEach((y, k) => {
    const sign = Math.sign(j.residuals[k]!);
    s[y1]! += sign;
    s[y]! -= sign;
  });
  if (j.intrusion > 0) {
    let lowest = targets[0]!, other = -1;
    for (const y of targets) if (z[y]! < z[lowest]!) lowest = y;
    for (let c = 0; c < z.length; c++) if (!targets.includes(c) && (other < 0 || z[c]! > z[other]!)) other = c;
    s[other]! += targets.length;
    s[lowest]! -= targets.length;
  }
  return s;
}

/** ∂r_k/∂level for every residual (one backward each) at levels-as-input x, plus the logits. */
export function residualGradients(model: AttackModel, x: Float32Array, targets: readonly number[], kernel: Kernel): { logits: Float32Array; grads: Float64Array[] } {
  const y1 = targets[0]!;
  let logits: Float32Array = new Float32Array(0);
  const grads = targets.slice(1).map((y) => {
    const r = model.logitsGradient(x, (z) => {
      const s = new Float64Array(z.length);
      s[y1] = 1;
      s[y] = -1;
      return s;
    }, kernel);
    logits = r.logits;
    return Float64Array.from(r.grad, (g) => g / 255);
  });
  return { logits, grads };
}

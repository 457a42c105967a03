import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "./attack-model.js";
import { isChimera, verdicts } from "./chimera-check.js";
import type { IntSource } from "./targets.js";

const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);

/** A binary32 value's position on the ordered line of floats: consecutive floats differ by 1, ±0 are both 0. */
export function floatOrdinal(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** The binary32 value at an ordinal (inverse of floatOrdinal; 0 gives +0). */
export function floatAtOrdinal(o: number): number {
  i32[0] = o < 0 ? (-o | 0x80000000) : o;
  return f32[0]!;
}

/** `x` moved by `k` ULP (k binary32 steps along the ordered line; negative k moves down). */
export function ulpStep(x: number, k: number): number {
  return floatAtOrdinal(floatOrdinal(x) + k);
}

/**
 * A draw from Δ_d of §4.6: every value of `x` moved by a uniform whole number of ULP in [−d, d],
 * then one value, chosen at random, moved by exactly ±d, so the L∞ distance is exactly d ULP.
 */
export function ulpPerturbation(x: Float32Array, d: number, rng: IntSource): Float32Array {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`ulpPerturbation: d must be an integer >= 1 ULP, got ${d}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = ulpStep(x[i]!, rng.int(2 * d + 1) - d);
  const j = rng.int(x.length);
  out[j] = ulpStep(x[j]!, rng.int(2) === 0 ? -d : d);
  return out;
}

/**
 * V(x̄, d) of §4.6 estimated by Monte Carlo: the fraction of `draws` perturbations of exactly d ULP
 * (L∞, unconstrained floats: "infeasible" Chimeras count) on which the backends still all disagree.
 */
export function pocketDensity(model: AttackModel, chimera: Float32Array, backends: readonly Kernel[], d: number, draws: number, rng: IntSource): number {
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`pocketDensity: draws must be an integer >= 1, got ${draws}`);
  let hits = 0;
  for (let t = 0; t < draws; t++) if (isChimera(verdicts(model, ulpPerturbation(chimera, d, rng), backends).labels)) hits++;
  return hits / draws;
}

/** The paper's distance grid for Figure 6: half-decades from 1 to 100,000 ULP (1, 3, 10, 32, …, 100000). */
export const pocketDistances: readonly number[] = Array.from({ length: 11 }, (_, i) => Math.round(10 ** (i / 2)));

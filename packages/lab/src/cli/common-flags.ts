import { backendIdProblem } from "../backends.js";
import type { FlagSpec } from "./flag-spec.js";

/** The largest seed the commands take (Rng seeds are 31-bit). */
export const MAX_SEED = 2 ** 31 - 1;

/** --backend ID: one id from `chimera backends` (or profile:FILE, derived:FILE); an unknown id names the nearest. */
export const backendFlag = (fallback?: string): FlagSpec => ({ type: "string", check: backendIdProblem, ...(fallback ? { default: fallback } : {}) });

/** --backends A,B,…: at least `min` backend ids, distinct unless `repeats`. */
export const backendsFlag = (min = 2, max?: number, repeats = false): FlagSpec =>
  ({ type: "list", min, ...(max ? { max } : {}), ...(repeats ? { repeats } : {}), check: backendIdProblem });

/** --seed S. */
export const seedFlag = (fallback = 0): FlagSpec => ({ type: "int", min: 0, max: MAX_SEED, default: fallback });

/** --data-dir DIR and --fixture (exclusive: declare them with `exclusive: [["data-dir", "fixture"]]`). */
export const dataFlags = { "data-dir": { type: "path" }, fixture: { type: "boolean" } } as const satisfies Record<string, FlagSpec>;

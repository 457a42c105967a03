import type { Kernel } from "@chimera/kernels";
import { KeyedNoise } from "./keyed-noise.js";

/** What the defense wraps: any model that maps an input to logits on a given kernel (an AttackModel is one). */
export interface LogitsModel {
  /** Values per input. */
  readonly inputSize: number;
  /** Number of classes. */
  readonly classes: number;
  /** f(x) on `kernel`. */
  logits(x: Float32Array, kernel: Kernel): Float32Array;
}

/** A model behind the keyed-noise defense: logits are f(x + ζ_d(x, s)). */
export interface DefendedModel extends LogitsModel {
  /** The noise (its d; the key stays inside). */
  readonly noise: KeyedNoise;
  /** h(x) = argmax_k f(x + ζ_d(x, s))_k on `kernel` (lowest index on ties). */
  classify(x: Float32Array, kernel: Kernel): number;
}

/** Index of the largest value (the first on ties; NaN never wins). */
export function argmaxOf(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]! || Number.isNaN(v[best]!)) best = i;
  return best;
}

/**
 * The paper's defended classifier (§5.1): h(x) = argmax f(x + ζ_d(x, s)). Deterministic for each
 * (x, s); runs on any kernel; no retraining. Wraps AttackModel too (structural).
 */
export function defendedModel(model: LogitsModel, noise: KeyedNoise): DefendedModel {
  const check = (x: Float32Array) => {
    if (x.length !== model.inputSize) {
      throw new RangeError(`defended model: expected an input of ${model.inputSize} values, got ${x.length}`);
    }
  };
  const logits = (x: Float32Array, kernel: Kernel) => {
    check(x);
    return model.logits(noise.apply(x), kernel);
  };
  return {
    inputSize: model.inputSize,
    classes: model.classes,
    noise,
    logits,
    classify: (x, kernel) => argmaxOf(logits(x, kernel)),
  };
}

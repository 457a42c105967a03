import { Tensor } from "../tensor.js";
import type { Rng } from "../rng.js";
import { mul } from "./binary.js";

/**
 * Inverted dropout (torch.nn.functional.dropout): in training, each element is kept with
 * probability 1 − p and scaled by fround(1 / (1 − p)), otherwise zeroed; the mask comes from `rng`.
 * A composite: x times a constant mask tensor. Identity when not training or p = 0.
 */
export function dropout(x: Tensor, p: number, training: boolean, rng?: Rng): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (!rng) throw new Error("dropout: training with p > 0 needs an rng (ForwardContext.rng)");
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < p ? 0 : scale;
  return mul(x, new Tensor(mask, x.shape));
}

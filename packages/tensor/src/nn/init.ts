import { Tensor } from "../tensor.js";
import type { Rng } from "../rng.js";
import { sizeOf } from "../shape.js";

/**
 * PyTorch's default initialisation for Linear and Conv2d (reset_parameters in torch 2.5):
 * weight ~ kaiming_uniform_(a = √5), i.e. U(−b, b) with gain = √(2 / (1 + a²)), b = gain·√3 / √fan_in
 * (= 1/√fan_in); bias ~ U(−1/√fan_in, 1/√fan_in). fan_in = in_features, or in_channels/groups·kh·kw.
 * Draws come from our seeded Rng (not torch's generator) and are rounded to binary32.
 */
export function kaimingUniform(shape: number[], fanIn: number, rng: Rng): Tensor {
  const a = Math.sqrt(5), gain = Math.sqrt(2 / (1 + a * a));
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fanIn));
  return uniformTensor(shape, bound, rng);
}

/** Bias init: U(−1/√fan_in, 1/√fan_in) (0 bound when fan_in is 0). */
export function biasUniform(shape: number[], fanIn: number, rng: Rng): Tensor {
  return uniformTensor(shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, rng);
}

function uniformTensor(shape: number[], bound: number, rng: Rng): Tensor {
  const d = new Float32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform(-bound, bound);
  return new Tensor(d, shape);
}

import { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Module } from "./module.js";
import { mul } from "../ops/binary.js";

/**
 * torchvision.ops.StochasticDepth(p, "row"): in training, each sample of the batch is kept with
 * probability 1 − p and scaled by fround(1 / (1 − p)), or zeroed; identity in eval or when p = 0.
 * A composite (multiply by a constant [N, 1, …, 1] mask drawn from ctx.rng).
 */
export class StochasticDepth extends Module {
  constructor(readonly p: number) {
    super();
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    if (!this.isTraining(ctx) || this.p === 0) return x;
    if (!ctx.rng) throw new Error("StochasticDepth: training with p > 0 needs an rng (ForwardContext.rng)");
    const n = x.shape[0]!, survival = 1 - this.p, mask = new Float32Array(n);
    for (let i = 0; i < n; i++) mask[i] = ctx.rng.next() < survival ? (survival > 0 ? 1 / survival : 0) : 0;
    return mul(x, new Tensor(mask, [n, ...x.shape.slice(1).map(() => 1)]));
  }
}

import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Rng } from "../rng.js";
import { Module } from "./module.js";
import { biasUniform, kaimingUniform } from "./init.js";
import { linear } from "../ops/matmul.js";

/**
 * torch.nn.Linear: y = x·Wᵀ + b with weight [out, in] and bias [out] ("weight", "bias"). The forward
 * is ONE gemm on ctx.kernel with the output pre-filled with the bias and β = 1 (see ops/matmul.ts).
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /** Creates the layer with PyTorch default init from `rng` (default seed 0). */
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean; rng?: Rng } = {}) {
    super();
    const rng = opts.rng ?? new Rng(0);
    this.weight = this.registerParameter("weight", kaimingUniform([outFeatures, inFeatures], inFeatures, rng));
    this.bias = opts.bias === false ? null : this.registerParameter("bias", biasUniform([outFeatures], inFeatures, rng));
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    return linear(x, this.weight, this.bias, ctx.kernel);
  }
}

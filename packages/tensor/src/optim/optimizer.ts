import type { Tensor } from "../tensor.js";

/** Base of the optimizers: holds the parameters, clears their gradients, applies one step. */
export abstract class Optimizer {
  constructor(readonly params: Tensor[]) {
    if (params.length === 0) throw new Error(`${new.target.name}: got an empty parameter list`);
  }

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True), the 2.x default). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** Updates the parameters in place from their gradients; parameters without a gradient are skipped. */
  abstract step(): void;
}

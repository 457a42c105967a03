import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Module } from "./module.js";

/** torch.nn.Sequential: children named "0", "1", …, so keys read "1.weight", "3.bias", … like torch. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    let h = x;
    for (const m of this.layers) h = m.forward(h, ctx);
    return h;
  }
}

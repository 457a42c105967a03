import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Module } from "./module.js";
import { relu, silu } from "../ops/index.js";
import { flatten } from "../ops/movement.js";
import { adaptiveAvgPool2d, maxPool2d } from "../ops/pool.js";
import { dropout } from "../ops/dropout.js";

/** Parameter-free layers with torch.nn names. */

/** torch.nn.ReLU. */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** torch.nn.SiLU. */
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** torch.nn.Flatten (start_dim = 1). */
export class Flatten extends Module {
  constructor(readonly startDim = 1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return flatten(x, this.startDim);
  }
}

/** torch.nn.MaxPool2d(kernel_size, stride = kernel_size, padding = 0). */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: number, readonly stride = kernelSize, readonly padding = 0) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.stride, this.padding);
  }
}

/** torch.nn.AdaptiveAvgPool2d(output_size). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | [number, number]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** torch.nn.Dropout(p = 0.5): active only when training; masks come from ctx.rng. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
  }
  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    return dropout(x, this.p, this.isTraining(ctx), ctx.rng);
  }
}

import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Module } from "./module.js";
import { Conv2d } from "./conv2d.js";
import { Rng } from "../rng.js";
import { adaptiveAvgPool2d } from "../ops/pool.js";
import { mul } from "../ops/binary.js";
import { sigmoid } from "../ops/unary.js";
import { silu } from "../ops/softmax.js";

/**
 * torchvision.ops.SqueezeExcitation(in, squeeze, activation=SiLU) as EfficientNet uses it:
 * scale = sigmoid(fc2(silu(fc1(avgpool(x))))); out = scale · x. fc1/fc2 are 1×1 Conv2d with bias
 * (keys "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"); each is a gemm on ctx.kernel.
 */
export class SqueezeExcitation extends Module {
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;

  constructor(inputChannels: number, squeezeChannels: number, rng: Rng = new Rng(0)) {
    super();
    this.fc1 = this.registerModule("fc1", new Conv2d(inputChannels, squeezeChannels, 1, { rng }));
    this.fc2 = this.registerModule("fc2", new Conv2d(squeezeChannels, inputChannels, 1, { rng }));
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    const s = this.fc2.forward(silu(this.fc1.forward(adaptiveAvgPool2d(x, 1), ctx)), ctx);
    return mul(sigmoid(s), x);
  }
}

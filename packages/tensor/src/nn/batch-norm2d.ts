import { ones, zeros, type Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Module } from "./module.js";
import { batchNorm2d } from "../ops/batch-norm.js";

/**
 * torch.nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1): parameters "weight" (ones) and "bias"
 * (zeros); buffers "running_mean" (zeros), "running_var" (ones) and "num_batches_tracked" (a
 * one-element float32 here; int64 in torch, converted by the weight I/O). See ops/batch-norm.ts.
 */
export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;

  constructor(readonly numFeatures: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    super();
    this.weight = this.registerParameter("weight", ones([numFeatures]));
    this.bias = this.registerParameter("bias", zeros([numFeatures]));
    this.runningMean = this.registerBuffer("running_mean", zeros([numFeatures]));
    this.runningVar = this.registerBuffer("running_var", ones([numFeatures]));
    this.numBatchesTracked = this.registerBuffer("num_batches_tracked", zeros([]));
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    const training = this.isTraining(ctx);
    if (training) this.numBatchesTracked.data[0]! += 1;
    return batchNorm2d(
      x,
      { weight: this.weight, bias: this.bias, runningMean: this.runningMean, runningVar: this.runningVar, momentum: this.momentum, eps: this.eps },
      training,
    );
  }
}

import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Rng } from "../rng.js";
import { Module } from "../nn/module.js";
import { Conv2d } from "../nn/conv2d.js";
import { BatchNorm2d } from "../nn/batch-norm2d.js";
import { Dropout, Flatten, MaxPool2d, ReLU } from "../nn/layers.js";
import { Linear } from "../nn/linear.js";
import { Sequential } from "../nn/sequential.js";

/** The free sizes of the paper's VGG (Table A1); the layer types and their order are fixed. */
export interface VggShape {
  /** Input colour channels (3 for CIFAR-10, 1 for Fashion-MNIST). */
  inChannels: number;
  /** Channels of every convolution (Table A1: 128). */
  width: number;
  /** Width of the two hidden classifier layers (Table A1: 512). */
  hidden: number;
  /** Spatial size of the input (32 for CIFAR-10, 28 for Fashion-MNIST); MaxPool2d(3) three times must leave 1×1. */
  imageSize: number;
}

/**
 * The paper's VGG (Table A1): three blocks of 2 × (Conv2d 3×3, padding 1, + BatchNorm2d + ReLU), each
 * followed by MaxPool2d(3) (kernel 3, stride 3: 32 → 10 → 3 → 1 on CIFAR, 28 → 9 → 3 → 1 on
 * Fashion-MNIST), then Flatten and a classifier Linear(width, hidden) + ReLU + Dropout(0.5),
 * Linear(hidden, hidden) + ReLU + Dropout(0.5), Linear(hidden, 10). The table's per-row counts match
 * conv weight + bias + BN weight + bias (3·128·9 + 128 + 256 = 3,840; 128·128·9 + 128 + 256 = 147,840);
 * running stats are buffers.
 *
 * State dict layout (our choice, documented): `features` = Sequential of the 21 feature layers
 * (per block: conv, bn, relu, conv, bn, relu, pool → indices 0–6, 7–13, 14–20), `classifier` =
 * Sequential(Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear) → "classifier.0/3/6.*".
 * Input [b, inChannels, imageSize, imageSize] (NCHW); output logits [b, 10].
 */
export class Vgg extends Module {
  readonly features: Sequential;
  readonly flatten = new Flatten();
  readonly classifier: Sequential;

  constructor(readonly shape: VggShape, seed = 0) {
    super();
    let side = shape.imageSize;
    for (let b = 0; b < 3; b++) side = Math.floor((side - 3) / 3) + 1;
    if (side !== 1) throw new Error(`Vgg: image size ${shape.imageSize} does not pool to 1×1 after three MaxPool2d(3) (got ${side}×${side})`);
    const rng = new Rng(seed);
    const layers: Module[] = [];
    let cin = shape.inChannels;
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 2; c++) {
        layers.push(new Conv2d(cin, shape.width, 3, { padding: 1, rng }), new BatchNorm2d(shape.width), new ReLU());
        cin = shape.width;
      }
      layers.push(new MaxPool2d(3));
    }
    this.features = this.registerModule("features", new Sequential(...layers));
    const h = shape.hidden;
    this.classifier = this.registerModule(
      "classifier",
      new Sequential(
        new Linear(shape.width, h, { rng }), new ReLU(), new Dropout(0.5),
        new Linear(h, h, { rng }), new ReLU(), new Dropout(0.5),
        new Linear(h, 10, { rng }),
      ),
    );
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.classifier.forward(this.flatten.forward(this.features.forward(x, ctx)), ctx);
  }
}

/** The paper's CIFAR-10 VGG (Table A1 exactly): 3×32×32 input, 128 channels, 512 hidden, 1,076,874 parameters. */
export class CifarVgg extends Vgg {
  constructor(seed = 0) {
    super({ inChannels: 3, width: 128, hidden: 512, imageSize: 32 }, seed);
  }
}

/** A fresh CifarVgg with PyTorch default init from `seed`. */
export function cifarVgg(opts: { seed?: number } = {}): CifarVgg {
  return new CifarVgg(opts.seed ?? 0);
}

/**
 * Table A1's VGG on Fashion-MNIST (1×28×28), narrowed so that it trains in this engine on two shared
 * cores: 32 channels per convolution (Table A1: 128) and 128 hidden units in the classifier (Table A1:
 * 512). Same layers in the same order (BatchNorm, MaxPool2d(3): 28 → 9 → 3 → 1, dropout head). At 128
 * channels one 28×28 image costs about 0.7 GFLOP forward + backward, hours per epoch here; at 32
 * channels it is about 16× less. 68,970 parameters.
 */
export function fmnistVgg(opts: { seed?: number } = {}): Vgg {
  return new Vgg({ inChannels: 1, width: 32, hidden: 128, imageSize: 28 }, opts.seed ?? 0);
}

import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Rng } from "../rng.js";
import { Module } from "../nn/module.js";
import { Conv2d } from "../nn/conv2d.js";
import { BatchNorm2d } from "../nn/batch-norm2d.js";
import { Dropout, Flatten, MaxPool2d, ReLU } from "../nn/layers.js";
import { Linear } from "../nn/linear.js";
import { Sequential } from "../nn/sequential.js";

/**
 * The paper's CIFAR-10 VGG (Table A1), 1,076,874 trainable parameters. Three blocks of
 * 2 × (Conv2d 3×3, padding 1, + BatchNorm2d + ReLU) with 128 channels, each followed by
 * MaxPool2d(3) (kernel 3, stride 3: 32 → 10 → 3 → 1, the sizes the table lists), then Flatten and a
 * classifier Linear(128, 512) + ReLU + Dropout(0.5), Linear(512, 512) + ReLU + Dropout(0.5),
 * Linear(512, 10). The table's per-row counts match conv weight + bias + BN weight + bias
 * (3·128·9 + 128 + 256 = 3,840; 128·128·9 + 128 + 256 = 147,840); running stats are buffers.
 *
 * State dict layout (our choice, documented): `features` = Sequential of the 21 feature layers
 * (per block: conv, bn, relu, conv, bn, relu, pool → indices 0–6, 7–13, 14–20), `classifier` =
 * Sequential(Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear) → "classifier.0/3/6.*".
 * Input [b, 3, 32, 32] (NCHW); output logits [b, 10].
 */
export class CifarVgg extends Module {
  readonly features: Sequential;
  readonly flatten = new Flatten();
  readonly classifier: Sequential;

  constructor(seed = 0) {
    super();
    const rng = new Rng(seed);
    const layers: Module[] = [];
    let cin = 3;
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 2; c++) {
        layers.push(new Conv2d(cin, 128, 3, { padding: 1, rng }), new BatchNorm2d(128), new ReLU());
        cin = 128;
      }
      layers.push(new MaxPool2d(3));
    }
    this.features = this.registerModule("features", new Sequential(...layers));
    this.classifier = this.registerModule(
      "classifier",
      new Sequential(
        new Linear(128, 512, { rng }), new ReLU(), new Dropout(0.5),
        new Linear(512, 512, { rng }), new ReLU(), new Dropout(0.5),
        new Linear(512, 10, { rng }),
      ),
    );
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.classifier.forward(this.flatten.forward(this.features.forward(x, ctx)), ctx);
  }
}

/** A fresh CifarVgg with PyTorch default init from `seed`. */
export function cifarVgg(opts: { seed?: number } = {}): CifarVgg {
  return new CifarVgg(opts.seed ?? 0);
}

import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Rng } from "../rng.js";
import { Module } from "../nn/module.js";
import { Conv2d } from "../nn/conv2d.js";
import { BatchNorm2d } from "../nn/batch-norm2d.js";
import { AdaptiveAvgPool2d, Dropout, Flatten, SiLU } from "../nn/layers.js";
import { Linear } from "../nn/linear.js";
import { Sequential } from "../nn/sequential.js";
import { SqueezeExcitation } from "../nn/squeeze-excitation.js";
import { StochasticDepth } from "../nn/stochastic-depth.js";
import { add, div, sub } from "../ops/binary.js";
import { tensor } from "../tensor.js";

/**
 * torchvision.models.efficientnet_v2_s (torchvision 0.20 / PyTorch 2.5), 21,458,488 parameters for
 * 1000 classes (paper Table A3). State dict keys match torchvision's ("features.0.0.weight",
 * "features.1.0.block.0.0.weight", "features.4.0.block.2.fc1.weight", "classifier.1.weight", …),
 * so torchvision weights load directly. BatchNorm eps = 1e-3; stochastic depth 0.2 scaled linearly
 * over the 40 blocks; dropout 0.2. Init follows torchvision: conv kaiming_normal(fan_out), BN ones/
 * zeros, Linear U(±1/√out) with zero bias (from our Rng, so values differ from torch's).
 */

/** (expand ratio, kernel, stride, in, out, layers, fused) per stage, torchvision's _efficientnet_conf. */
const STAGES: [number, number, number, number, number, number, boolean][] = [
  [1, 3, 1, 24, 24, 2, true],
  [4, 3, 2, 24, 48, 4, true],
  [4, 3, 2, 48, 64, 4, true],
  [4, 3, 2, 64, 128, 6, false],
  [6, 3, 1, 128, 160, 9, false],
  [6, 3, 2, 160, 256, 15, false],
];

/** torchvision Conv2dNormActivation: conv (no bias) → BN(eps 1e-3) → SiLU (or no activation). */
function convNormAct(cin: number, cout: number, k: number, stride: number, groups: number, act: boolean, rng: Rng): Sequential {
  const conv = new Conv2d(cin, cout, k, { stride, padding: (k - 1) >> 1, groups, bias: false, rng });
  const bn = new BatchNorm2d(cout, 1e-3);
  return act ? new Sequential(conv, bn, new SiLU()) : new Sequential(conv, bn);
}

/** MBConv / FusedMBConv block: `block` (a Sequential) plus an optional residual with stochastic depth. */
class MbBlock extends Module {
  readonly block: Sequential;
  readonly stochasticDepth: StochasticDepth;
  readonly residual: boolean;

  constructor(expand: number, k: number, stride: number, cin: number, cout: number, fused: boolean, sdProb: number, rng: Rng) {
    super();
    this.residual = stride === 1 && cin === cout;
    const mid = cin * expand;
    const layers: Module[] = [];
    if (fused) {
      if (mid !== cin) layers.push(convNormAct(cin, mid, k, stride, 1, true, rng), convNormAct(mid, cout, 1, 1, 1, false, rng));
      else layers.push(convNormAct(cin, cout, k, stride, 1, true, rng));
    } else {
      if (mid !== cin) layers.push(convNormAct(cin, mid, 1, 1, 1, true, rng));
      layers.push(convNormAct(mid, mid, k, stride, mid, true, rng));
      layers.push(new SqueezeExcitation(mid, Math.max(1, cin >> 2), rng));
      layers.push(convNormAct(mid, cout, 1, 1, 1, false, rng));
    }
    this.block = this.registerModule("block", new Sequential(...layers));
    this.stochasticDepth = this.registerModule("stochastic_depth", new StochasticDepth(sdProb));
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    const y = this.block.forward(x, ctx);
    return this.residual ? add(this.stochasticDepth.forward(y, ctx), x) : y;
  }
}

/**
 * The per-channel input normalisation torchvision's ImageNet weights expect (its transforms' Normalize: x − mean, then
 * ÷ std, channel by channel, in float32), for a model fed bytes / 255.
 */
export interface InputNormalization { readonly mean: readonly number[]; readonly std: readonly number[] }

/** torchvision's ImageNet mean and standard deviation (EfficientNet_V2_S_Weights.IMAGENET1K_V1's transforms). */
export const IMAGENET_NORMALIZATION: InputNormalization = Object.freeze({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });

/**
 * EfficientNetV2-S: [normalisation →] features → adaptive avg pool → flatten → classifier (Dropout, Linear). The
 * normalisation, when given, holds no parameters (the state dict is torchvision's model's, key for key).
 */
export class EfficientNetV2S extends Module {
  readonly features: Sequential;
  readonly avgpool = new AdaptiveAvgPool2d(1);
  readonly flatten = new Flatten();
  readonly classifier: Sequential;
  private readonly normalization: { mean: Tensor; std: Tensor } | undefined;

  constructor(numClasses = 1000, seed = 0, normalization?: InputNormalization) {
    super();
    if (normalization !== undefined) {
      const { mean, std } = normalization;
      if (mean.length !== 3 || std.length !== 3 || !std.every((v) => Number.isFinite(v) && v > 0) || !mean.every(Number.isFinite)) {
        throw new RangeError(`EfficientNetV2S: normalization needs 3 finite means and 3 positive standard deviations, got mean [${mean.join(", ")}], std [${std.join(", ")}]`);
      }
      this.normalization = { mean: tensor(mean, [1, 3, 1, 1]), std: tensor(std, [1, 3, 1, 1]) };
    }
    const rng = new Rng(seed);
    const total = STAGES.reduce((s, c) => s + c[5], 0);
    const layers: Module[] = [convNormAct(3, 24, 3, 2, 1, true, rng)];
    let id = 0;
    for (const [e, k, s, cin, cout, n, fused] of STAGES) {
      const stage: Module[] = [];
      for (let i = 0; i < n; i++, id++) stage.push(new MbBlock(e, k, i === 0 ? s : 1, i === 0 ? cin : cout, cout, fused, (0.2 * id) / total, rng));
      layers.push(new Sequential(...stage));
    }
    layers.push(convNormAct(256, 1280, 1, 1, 1, true, rng));
    this.features = this.registerModule("features", new Sequential(...layers));
    this.classifier = this.registerModule("classifier", new Sequential(new Dropout(0.2), new Linear(1280, numClasses, { rng })));
    torchvisionInit(this, rng);
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    const n = this.normalization;
    const input = n === undefined ? x : div(sub(x, n.mean), n.std);
    return this.classifier.forward(this.flatten.forward(this.avgpool.forward(this.features.forward(input, ctx))), ctx);
  }
}

function torchvisionInit(root: Module, rng: Rng): void {
  const visit = (m: Module): void => {
    if (m instanceof Conv2d) {
      const [o, , kh, kw] = m.weight.shape as [number, number, number, number];
      const std = Math.sqrt(2) / Math.sqrt(o * kh * kw);
      for (let i = 0; i < m.weight.size; i++) m.weight.data[i] = std * rng.normal();
      m.bias?.data.fill(0);
    } else if (m instanceof Linear) {
      const r = 1 / Math.sqrt(m.outFeatures);
      for (let i = 0; i < m.weight.size; i++) m.weight.data[i] = rng.uniform(-r, r);
      m.bias?.data.fill(0);
    }
    for (const [, c] of m.namedChildren()) visit(c);
  };
  visit(root);
}

/** A fresh EfficientNetV2-S (default 1000 classes, no input normalisation). */
export function efficientNetV2S(opts: { numClasses?: number; seed?: number; normalization?: InputNormalization } = {}): EfficientNetV2S {
  return new EfficientNetV2S(opts.numClasses ?? 1000, opts.seed ?? 0, opts.normalization);
}

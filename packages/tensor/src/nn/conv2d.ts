import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { Rng } from "../rng.js";
import { Module } from "./module.js";
import { biasUniform, kaimingUniform } from "./init.js";
import { conv2d } from "../ops/conv2d.js";
import { onednnConv2d, torchUsesOnednn } from "../ops/conv2d-onednn.js";
import { isGradEnabled } from "../autograd/grad-mode.js";

/** Options of nn.Conv2d (square kernels; numbers apply to both spatial dims). */
export interface Conv2dLayerOptions {
  stride?: number;
  padding?: number;
  groups?: number;
  bias?: boolean;
  rng?: Rng;
}

/**
 * torch.nn.Conv2d: weight [out, in/groups, k, k] and bias [out] ("weight", "bias"); the forward is
 * im2col + one gemm per image and group on ctx.convKernel when given, else on ctx.kernel (see
 * ops/conv2d.ts and ForwardContext); with ctx.onednn, PyTorch's own choice between oneDNN and that gemm.
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  readonly groups: number;

  /** Creates the layer with PyTorch default init from `rng` (default seed 0). */
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv2dLayerOptions = {}) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.groups = opts.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(`Conv2d: groups=${this.groups} must divide in_channels=${inChannels} and out_channels=${outChannels}`);
    }
    const rng = opts.rng ?? new Rng(0);
    const fanIn = (inChannels / this.groups) * kernelSize * kernelSize;
    this.weight = this.registerParameter("weight", kaimingUniform([outChannels, inChannels / this.groups, kernelSize, kernelSize], fanIn, rng));
    this.bias = opts.bias === false ? null : this.registerParameter("bias", biasUniform([outChannels], fanIn, rng));
  }

  override forward(x: Tensor, ctx: ForwardContext): Tensor {
    const opts = { stride: this.stride, padding: this.padding, groups: this.groups };
    // PyTorch's dispatch (ctx.onednn): oneDNN's convolution where PyTorch would call it, else the backend's gemm.
    const onednn = ctx.onednn !== undefined && torchUsesOnednn(x.shape, this.weight.shape, this.groups);
    const kernel = ctx.onednn !== undefined ? ctx.kernel : ctx.convKernel ?? ctx.kernel;
    const run = onednn ? () => onednnConv2d(x, this.weight, this.bias, kernel, opts) : () => conv2d(x, this.weight, this.bias, kernel, opts);
    const computedBy: object = onednn ? onednnKey : kernel;
    // The cache serves passes that record no gradient only (a cached tensor must never join a graph).
    const cache = ctx.convCache;
    if (!cache || (isGradEnabled() && (x.requiresGrad || this.weight.requiresGrad))) return run();
    const input = x.values();
    const hit = cache.lookup(this, computedBy, input);
    if (hit) return hit;
    const out = run();
    cache.store(this, computedBy, input, out);
    return out;
  }
}

/** The cache's key for outputs of oneDNN's emulated convolution (the same for every backend). */
const onednnKey = { id: "onednn-2.6.3-avx2" };

import type { Kernel } from "@chimera/kernels";
import type { Rng } from "./rng.js";
import type { ConvCache } from "./nn/conv-cache.js";

/**
 * What a forward pass runs with. `kernel` receives every gemm the model makes (there is no global
 * backend). `training` overrides each module's own train()/eval() mode when given. `rng` feeds
 * dropout masks; it is required when a Dropout with p > 0 runs in training mode.
 *
 * `convKernel`, when given, computes every convolution instead of `kernel` (which then receives the
 * Linear layers' gemms only): PyTorch on CPU runs fp32 convolutions through oneDNN, one code whatever
 * BLAS is linked, and only Linear layers through BLAS. `convCache` lets passes that share their
 * convolutions compute each one once (see nn/conv-cache.ts).
 */
export interface ForwardContext {
  kernel: Kernel;
  convKernel?: Kernel;
  convCache?: ConvCache;
  /**
   * PyTorch 1.13's CPU dispatch with oneDNN on (its default), bit for bit: a convolution PyTorch sends to
   * oneDNN runs on the emulation of oneDNN's convolution for this ISA (ops/conv2d-onednn.ts), every other
   * one on `kernel` (PyTorch's im2col + BLAS sgemm); convKernel, if also given, is not used.
   */
  onednn?: "avx2";
  training?: boolean;
  rng?: Rng;
}

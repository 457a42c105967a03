import { float64GradientKernel, type ConvOptions } from "@chimera/attack";
import type { FlagSpec } from "./cli/flag-spec.js";

/**
 * Which kernel computes a CNN's convolutions, part of the backend as in PyTorch on CPU:
 * - `shared` (default): every convolution runs on ONE kernel whatever the backend (PyTorch's default:
 *   fp32 convolutions go through oneDNN, the same code for every BLAS; paper §4.3), and only Linear
 *   layers go to the backend's gemm. The shared kernel is `sharedConvKernel` below.
 * - `blas`: a convolution is im2col + the backend's gemm, the call PyTorch makes with
 *   torch.backends.mkldnn.enabled = False (see packages/tensor/README.md, "The gemm each layer makes").
 * - `torch`: PyTorch 1.13's own choice with oneDNN on (its default), bit for bit: oneDNN only where
 *   PyTorch calls it (at batch 1, inputs over 20,480 values; tensor/src/ops/conv2d-onednn.ts), there
 *   oneDNN 2.6's avx2 direct convolution emulated, the same for every backend; every other convolution
 *   im2col + the backend's gemm. Checked against PyTorch run with ONEDNN_MAX_CPU_ISA=AVX2.
 * A model without convolutions (fmnist-mlp) computes the same in both modes.
 */
export type ConvMode = "shared" | "blas" | "torch";

/** The modes, in the order help lists them. */
export const convModes: readonly ConvMode[] = ["shared", "blas", "torch"];

/** --conv shared|blas|torch. */
export const convFlag: FlagSpec = { type: "enum", values: convModes, default: "shared" };

/** The help line every command with --conv prints. */
export const convHelp = `  --conv MODE      CNN convolutions: shared (default; one kernel for every backend, PyTorch's oneDNN
                   behaviour, only Linear layers on the backend) or blas (im2col + the backend's gemm,
                   PyTorch with mkldnn disabled) or torch (PyTorch 1.13's default: oneDNN's convolution,
                   emulated, where PyTorch calls oneDNN, the backend's gemm elsewhere); no effect on fmnist-mlp`;

/**
 * The kernel shared convolutions run on: binary64 accumulation, one rounding per output (the attack's
 * fast gradient kernel). It stands in for oneDNN: like oneDNN it is one fixed order for every backend,
 * so backends differ in their Linear layers only; it does NOT reproduce oneDNN's bits, so a shared-mode
 * Chimera checked in PyTorch (oneDNN on) is checked by its labels, not its logits.
 */
export const sharedConvKernel = float64GradientKernel;

/** The attack model's convolution options for `mode`. */
export function convOptions(mode: ConvMode): ConvOptions {
  return mode === "shared" ? { convKernel: sharedConvKernel } : mode === "torch" ? { onednn: "avx2" } : {};
}

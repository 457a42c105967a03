import type { Kernel } from "@chimera/kernels";
import { nn, noGrad, Tensor } from "@chimera/tensor";

/**
 * What the search needs from a classifier: logits of ONE input (batch 1, as in the paper §4.2) on a
 * given kernel, and the input gradient of the averaged cross-entropy toward several targets.
 */
export interface AttackModel {
  /** Values per input (784 for Fashion-MNIST). */
  readonly inputSize: number;
  /** Number of classes c. */
  readonly classes: number;
  /** f(x) on `kernel`: every linear-algebra call of one batch-1 forward goes to it. */
  logits(x: Float32Array, kernel: Kernel): Float32Array;
  /**
   * ∇ₓ (1/n) Σᵢ ℓ(f(x), yᵢ) with ℓ the cross-entropy and f run on `kernel`, plus the logits it saw.
   * The targets may repeat; with one target this is the ordinary gradient.
   */
  lossGradient(x: Float32Array, targets: readonly number[], kernel: Kernel): { logits: Float32Array; grad: Float32Array };
  /**
   * ∇ₓ Σ_c s_c·f(x)_c with s = seed(f(x)): the vector–Jacobian product of the logits with a seed
   * that may depend on them (the margin losses of Carlini & Wagner pick their classes from the
   * logits), plus the logits it saw. One forward and one backward.
   */
  logitsGradient(x: Float32Array, seed: (logits: Float32Array) => ArrayLike<number>, kernel: Kernel): { logits: Float32Array; grad: Float32Array };
}

/** How a CNN's convolutions run (see ForwardContext.convKernel). */
export interface ConvOptions {
  /**
   * Shared convolutions: every convolution of every pass (each backend's logits, the gradients) runs on
   * this kernel, PyTorch's oneDNN behaviour; the backends differ in their Linear layers only. Absent:
   * a convolution is im2col + the given kernel's gemm, as PyTorch does with oneDNN off.
   */
  convKernel?: Kernel;
  /**
   * PyTorch's own dispatch with oneDNN on (ForwardContext.onednn): each backend's logits run the
   * convolutions PyTorch sends to oneDNN on the emulation of oneDNN's (computed once per input for all
   * backends) and the others on the backend's gemm. Gradients run every convolution on the gradient
   * kernel (they need not be faithful). Not with convKernel.
   */
  onednn?: "avx2";
}

/**
 * An AttackModel over an nn.Module taking inputs of `sampleShape` (e.g. [1, 28, 28]). The module is
 * run in eval mode. The gradient walks only the input's path: parameters are marked as not needing a
 * gradient for the duration of the call (and restored), so no weight gradient is computed.
 *
 * The cross-entropy gradient is seeded directly on the logits, ∂ℓ/∂z = softmax(z) − e_y (torch's
 * cross_entropy), averaged over the targets: one forward and one backward for any number of targets.
 */
export function moduleAttackModel(module: nn.Module, sampleShape: readonly number[], classes: number, opts: ConvOptions = {}): AttackModel {
  const inputSize = sampleShape.reduce((a, b) => a * b, 1);
  // Shared convolutions: every pass runs them on opts.convKernel, and the cache computes them once per
  // input for all kernels (the search asks each backend for the logits of the same candidate).
  if (opts.convKernel && opts.onednn) throw new RangeError("moduleAttackModel: give convKernel (shared convolutions) or onednn (PyTorch's dispatch), not both");
  const shared = opts.convKernel ? { convKernel: opts.convKernel, convCache: new nn.ConvCache() } : {};
  const forLogits = opts.onednn ? { onednn: opts.onednn, convCache: new nn.ConvCache() } : shared;
  const params = module.parameters();
  const check = (x: Float32Array) => {
    if (x.length !== inputSize) throw new RangeError(`moduleAttackModel: expected an input of ${inputSize} values (shape [${sampleShape.join(", ")}]), got ${x.length}`);
  };
  const logitsGradient: AttackModel["logitsGradient"] = (x, seed, kernel) => {
    check(x);
    const saved = params.map((p) => p.requiresGrad);
    for (const p of params) p.requiresGrad = false;
    try {
      const input = new Tensor(Float32Array.from(x), [1, ...sampleShape], { requiresGrad: true });
      const out = module.forward(input, { kernel, training: false, ...shared });
      const logits = out.values();
      const s = seed(logits);
      if (s.length !== logits.length) throw new RangeError(`moduleAttackModel: the gradient seed has ${s.length} values, the model has ${logits.length} logits`);
      out.backward(new Tensor(Float32Array.from(s), out.shape));
      return { logits, grad: input.grad!.values() };
    } finally {
      params.forEach((p, i) => (p.requiresGrad = saved[i]!));
    }
  };
  return {
    inputSize,
    classes,
    logits(x, kernel) {
      check(x);
      return noGrad(() => module.forward(new Tensor(Float32Array.from(x), [1, ...sampleShape]), { kernel, training: false, ...forLogits }).values());
    },
    lossGradient: (x, targets, kernel) => logitsGradient(x, (logits) => crossEntropySeed(logits, targets), kernel),
    logitsGradient,
  };
}

/** (1/n) Σᵢ (softmax(z) − e_{yᵢ}), the gradient of the averaged cross-entropy at logits z. */
export function crossEntropySeed(z: Float32Array, targets: readonly number[]): Float32Array {
  if (targets.length === 0) throw new RangeError("crossEntropySeed: expected at least one target");
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  const g = new Float32Array(z.length);
  for (let c = 0; c < z.length; c++) g[c] = Math.exp(z[c]! - m) / s;
  for (const y of targets) {
    if (!Number.isInteger(y) || y < 0 || y >= z.length) throw new RangeError(`crossEntropySeed: target ${y} outside [0, ${z.length})`);
    g[y]! -= 1 / targets.length;
  }
  return g;
}

/** (1/n) Σᵢ −log softmax(z)_{yᵢ}, in binary64: the loss the search descends (for its step-size rule). */
export function meanCrossEntropy(z: ArrayLike<number>, targets: readonly number[]): number {
  let m = -Infinity;
  for (let c = 0; c < z.length; c++) m = Math.max(m, z[c]!);
  let s = 0;
  for (let c = 0; c < z.length; c++) s += Math.exp(z[c]! - m);
  const lse = m + Math.log(s);
  let loss = 0;
  for (const y of targets) loss += lse - z[y]!;
  return loss / targets.length;
}

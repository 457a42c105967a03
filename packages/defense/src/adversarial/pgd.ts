import type { Kernel } from "@chimera/kernels";
import { crossEntropy, Tensor, type nn, type Rng } from "@chimera/tensor";
import { ulpStep } from "../noise/ulp-walk.js";

/** The L∞ PGD attack's settings (Madry et al., 2018, §2.1 and Appendix). */
export interface PgdOptions {
  /** Radius ε of the L∞ ball around each clean input, in pixel units of [0, 1]; 0 returns x. */
  eps: number;
  /** Number of signed-gradient ascent steps after the random start. */
  steps: number;
  /** Step size α of each ascent step (Madry et al. use 2.5·ε/steps). */
  stepSize: number;
  /** Draws the random start, uniform in [−ε, ε] per value. */
  rng: Rng;
}

/**
 * Madry et al.'s L∞ projected gradient descent on a batch: x⁰ = Π(x + U[−ε, ε]), then `steps` times
 * xᵗ⁺¹ = Π(xᵗ + α·sign(∇ₓ CE(f(xᵗ), y))), with Π the projection onto the ε-ball around x intersected
 * with [0, 1]. The loss is the batch-mean cross-entropy (the per-input gradient's sign is that of the
 * summed loss), f runs in eval mode on `kernel`, and the parameters are marked as not needing a
 * gradient for the walk (and restored), so only the input gradient is computed.
 *
 * Every value is binary32: each step is Math.fround(x + α·s), and the ball's bounds are the binary32
 * values nearest x ± ε that lie inside the real ball, so |x_adv − x| ≤ ε holds exactly. A zero
 * gradient component does not move (sign 0). Returns a new tensor of x's shape; x is not modified.
 */
export function pgdPerturb(model: nn.Module, x: Tensor, labels: ArrayLike<number>, kernel: Kernel, opts: PgdOptions): Tensor {
  const { eps, steps, stepSize, rng } = opts;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`pgdPerturb: eps ${eps} outside [0, 1]`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`pgdPerturb: steps ${steps} is not a non-negative integer`);
  if (!(stepSize >= 0 && Number.isFinite(stepSize))) throw new RangeError(`pgdPerturb: stepSize ${stepSize} is not a finite non-negative number`);
  if (x.shape[0] !== labels.length) throw new RangeError(`pgdPerturb: ${labels.length} labels for a batch of ${x.shape[0]}`);
  const clean = x.values();
  if (eps === 0) return new Tensor(Float32Array.from(clean), x.shape);

  const { lo, hi } = ballBounds(clean, eps);
  const adv = new Float32Array(clean.length);
  for (let i = 0; i < adv.length; i++) adv[i] = clamp(Math.fround(clean[i]! + Math.fround(rng.uniform(-eps, eps))), lo[i]!, hi[i]!);
  const alpha = Math.fround(stepSize);
  const params = model.parameters();
  const saved = params.map((p) => p.requiresGrad);
  for (const p of params) p.requiresGrad = false;
  try {
    for (let t = 0; t < steps; t++) {
      const input = new Tensor(Float32Array.from(adv), x.shape, { requiresGrad: true });
      crossEntropy(model.forward(input, { kernel, training: false }), labels).backward();
      const g = input.grad!.values();
      for (let i = 0; i < adv.length; i++) adv[i] = clamp(Math.fround(adv[i]! + Math.sign(g[i]!) * alpha), lo[i]!, hi[i]!);
    }
  } finally {
    params.forEach((p, i) => (p.requiresGrad = saved[i]!));
  }
  return new Tensor(adv, x.shape);
}

/**
 * Per value, the binary32 interval [lo, hi] = [max(x − ε, 0), min(x + ε, 1)] rounded inward: the
 * rounded bound is stepped one ULP toward x when rounding pushed it outside the real ball.
 */
function ballBounds(x: Float32Array, eps: number): { lo: Float32Array; hi: Float32Array } {
  const lo = new Float32Array(x.length), hi = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    let l = Math.fround(v - eps), h = Math.fround(v + eps);
    if (v - l > eps) l = ulpStep(l, 1);
    if (h - v > eps) h = ulpStep(h, -1);
    lo[i] = Math.max(l, 0);
    hi[i] = Math.min(h, 1);
  }
  return { lo, hi };
}

/** v clamped to [lo, hi]. */
function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "../attack-model.js";
import { argmaxOf, isChimera, verdicts, type BackendVerdicts } from "../chimera-check.js";
import { float64GradientKernel } from "../gradient-kernel.js";
import { uint8ImageDomain, type InputDomain } from "../input-domain.js";
import { chimeraResult, type ChimeraResult } from "../chimera-result.js";

/** Settings of the boundary-sample baseline. */
export interface BoundarySampleOptions {
  backends: readonly Kernel[];
  /** The class to push toward first (the other side of the boundary). */
  target: number;
  gradientKernel?: Kernel;
  domain?: InputDomain;
  /** Steps at most (default 3000, Algorithm 1's N). */
  iterations?: number;
  /** The first FGSM step size in input units (default 4/255). */
  epsilon?: number;
}

/**
 * The paper's second baseline (§4.5, "Boundary sample search", after Schlögl et al. 2021): a
 * modified iterative FGSM in floating point, x ← clip(x − ε·sign(∇ℓ(f(x), t)), 0, 1), that swaps the
 * target t between the two classes and halves ε each time the label crosses over, so x closes in on
 * the boundary. Unlike Algorithm 1, gradients are taken at x itself and only one class pulls at a
 * time; q(x) is tested on every backend whenever it is a new feasible input. Stops at the first
 * Chimera or after `iterations` steps. `targets` in the result are [source class, target].
 */
export function boundarySampleChimera(model: AttackModel, source: Float32Array, opts: BoundarySampleOptions): ChimeraResult {
  const t0 = performance.now();
  const { backends } = opts;
  if (backends.length < 2) throw new RangeError(`boundarySampleChimera: need at least 2 backends, got ${backends.length}`);
  const gk = opts.gradientKernel ?? float64GradientKernel;
  const domain = opts.domain ?? uint8ImageDomain;
  const iterations = opts.iterations ?? 3000;
  let eps = opts.epsilon ?? 4 / 255;
  const x = Float64Array.from(source);
  const sourceLabel = argmaxOf(model.logits(source, gk));
  if (opts.target === sourceLabel) throw new RangeError(`boundarySampleChimera: target ${opts.target} is the source's own class`);
  const sides = [opts.target, sourceLabel];
  let side = 0, checks = 0, steps = 0;
  let xq = domain.quantize(x), tested: Float32Array | null = null;
  let v: BackendVerdicts | null = null;
  const result = (found: boolean) => {
    v ??= verdicts(model, xq, backends);
    return chimeraResult({ found, domain, source, xq, v, backends, targets: [sourceLabel, opts.target], iterations: steps, warmup: 0, checks, t0 });
  };
  for (; steps < iterations; steps++) {
    if (tested === null || !same(xq, tested)) {
      tested = xq;
      v = verdicts(model, xq, backends);
      checks++;
      if (isChimera(v.labels)) return result(true);
    }
    const { logits, grad } = model.lossGradient(Float32Array.from(x), [sides[side]!], gk);
    if (argmaxOf(logits) === sides[side]) {
      side = 1 - side; // crossed over: pull back toward the other class, with a smaller step
      eps /= 2;
      continue;
    }
    for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, x[i]! - eps * Math.sign(grad[i]!)));
    xq = domain.quantize(x);
    v = null;
  }
  return result(false);
}

function same(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "./attack-model.js";
import { isChimera, topTwoMargin, verdicts, argmaxOf } from "./chimera-check.js";
import { meanCrossEntropy } from "./attack-model.js";
import { float64GradientKernel } from "./gradient-kernel.js";
import { uint8ImageDomain, type InputDomain } from "./input-domain.js";
import { AdaptiveStepSize, type StepSizeOptions } from "./step-size.js";
import { fromW, gradientToW, toW } from "./tanh-reparam.js";
import { chimeraResult, type ChimeraResult } from "./chimera-result.js";

/** Settings of one search (Algorithm 1). Only `backends` and `targets` are required. */
export interface ChimeraSearchOptions {
  /** The n >= 2 backends f_1 … f_n whose verdicts must all differ. */
  backends: readonly Kernel[];
  /** y_1 … y_n, all different (see chooseTargets: y_1 is the true class). */
  targets: readonly number[];
  /** Where gradients are computed (default float64GradientKernel); verdicts always use `backends`. */
  gradientKernel?: Kernel;
  /** The feasible set S and its q (default uint8ImageDomain). */
  domain?: InputDomain;
  /** Warm-up steps toward the boundary before any Chimera test (default 2000, paper §3.3). */
  warmup?: number;
  /** Joint steps N, each preceded by a Chimera test (default 3000, paper §3.3). */
  iterations?: number;
  /** The adaptive step-size rule's settings (see AdaptiveStepSize). */
  step?: StepSizeOptions;
  /** "quantized" (the paper's method: ∇ at q(x)) or "unquantized" (the §4.4 ablation: ∇ at x). */
  gradientAt?: "quantized" | "unquantized";
  /**
   * Skip the bit-faithful test when the gradient kernel's top-two logit gap at q(x) exceeds this
   * (default: never skip). Sound only if backends differ from the gradient kernel by less than half
   * the gap; a skipped test can only miss a Chimera, never report a false one.
   */
  screenMargin?: number;
  /** Called after every step with the phase and the step's index (for progress bars). */
  onStep?: (phase: "warmup" | "joint", k: number) => void;
}

/**
 * Algorithm 1 of the paper: searches for a feasible x̄ = q(x) on which every pair of backends
 * predicts a different label, starting from `source` (a feasible input, e.g. a test image).
 *
 * x = ½(tanh(w) + 1); each step moves w along −(1/n) Σᵢ ∇ℓ(f(x̄), yᵢ) taken at the quantized x̄ on
 * the gradient kernel (the tug of war between the targets holds x̄ at the boundary), with the
 * adaptive step size of AdaptiveStepSize. The first `warmup` steps only move toward the boundary;
 * then up to `iterations` joint steps, each after a bit-faithful test of x̄ on every backend (batch 1).
 * Stops at the first Chimera. The result re-checks by construction: its labels are the backends'
 * verdicts on `domain.decode(result.image)`, which is x̄.
 */
export function findChimera(model: AttackModel, source: Float32Array, opts: ChimeraSearchOptions): ChimeraResult {
  const t0 = performance.now();
  const { backends, targets } = opts;
  if (backends.length < 2) throw new RangeError(`findChimera: need at least 2 backends, got ${backends.length}`);
  if (targets.length !== backends.length) throw new RangeError(`findChimera: ${backends.length} backends need ${backends.length} targets, got ${targets.length}`);
  if (!isChimera(targets)) throw new RangeError(`findChimera: targets must all differ, got [${targets.join(", ")}]`);
  if (source.length !== model.inputSize) throw new RangeError(`findChimera: source has ${source.length} values, the model takes ${model.inputSize}`);
  const gk = opts.gradientKernel ?? float64GradientKernel;
  const domain = opts.domain ?? uint8ImageDomain;
  const warmup = opts.warmup ?? 2000, iterations = opts.iterations ?? 3000;
  const atQuantized = (opts.gradientAt ?? "quantized") === "quantized";
  const screen = opts.screenMargin ?? Infinity;
  const step = new AdaptiveStepSize(opts.step);

  let w = toW(source);
  let xq = domain.quantize(fromW(w));
  let prevLabel = -1, prevLoss = Infinity;
  let checks = 0;

  /** One update of w from the gradient at the current point; returns the gradient kernel's logits at xq. */
  const move = (): Float32Array => {
    const x = fromW(w);
    const at = atQuantized ? xq : Float32Array.from(x);
    const { logits, grad } = model.lossGradient(at, targets, gk);
    const gw = gradientToW(grad, w);
    let scale = 0;
    for (const g of gw) scale = Math.max(scale, Math.abs(g));
    if (scale > 0) for (let i = 0; i < w.length; i++) w[i]! -= (step.alpha / scale) * gw[i]!;
    const next = domain.quantize(fromW(w));
    const label = argmaxOf(logits), loss = meanCrossEntropy(logits, targets);
    step.update(!sameValues(next, xq), prevLabel >= 0 && (label !== prevLabel || loss > prevLoss));
    prevLabel = label;
    prevLoss = loss;
    const seen = xq;
    xq = next;
    return atQuantized ? logits : seenLogits(seen);
  };
  const seenLogits = (x: Float32Array) => (Number.isFinite(screen) ? model.logits(x, gk) : new Float32Array(0));

  for (let k = 0; k < warmup; k++) {
    move();
    opts.onStep?.("warmup", k);
  }
  let k = 0;
  let lastTested: Float32Array | null = null;
  for (; k < iterations; k++) {
    const tested = xq;
    const gLogits = move();
    // Kernels are deterministic: an input already tested gives the same verdicts again.
    const fresh = lastTested === null || !sameValues(tested, lastTested);
    if (fresh && !(topTwoMargin(gLogits) > screen)) {
      lastTested = tested;
      checks++;
      const v = verdicts(model, tested, backends);
      if (isChimera(v.labels)) {
        return chimeraResult({ found: true, domain, source, xq: tested, v, backends, targets, iterations: k + 1, warmup, checks, t0 });
      }
    }
    opts.onStep?.("joint", k);
  }
  const v = verdicts(model, xq, backends);
  return chimeraResult({ found: isChimera(v.labels), domain, source, xq, v, backends, targets, iterations: k, warmup, checks: checks + 1, t0 });
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

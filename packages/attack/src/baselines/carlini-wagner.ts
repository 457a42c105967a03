import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "../attack-model.js";
import { argmaxOf, isChimera, verdicts } from "../chimera-check.js";
import { float64GradientKernel } from "../gradient-kernel.js";
import { uint8ImageDomain, type InputDomain } from "../input-domain.js";
import { chimeraResult, type ChimeraResult } from "../chimera-result.js";
import { fromW, gradientToW, toW } from "../tanh-reparam.js";

/** Settings of the Carlini–Wagner L2 attack (defaults after Carlini & Wagner 2017, with a smaller budget). */
export interface CarliniWagnerOptions {
  /** The class to reach (targeted attack); absent: any class but the source's own (untargeted). */
  target?: number;
  /** Where logits and gradients are computed (default float64GradientKernel). */
  kernel?: Kernel;
  /** κ >= 0: how far past the boundary a success must be, in logit units (default 0: right at it). */
  confidence?: number;
  /** The first trade-off constant c > 0 (default 0.1; C&W use 1e-3 with more binary steps). */
  initialConst?: number;
  /** Binary-search steps over c (default 6; C&W use 9). */
  binarySteps?: number;
  /** Adam steps per c (default 300; C&W use 10,000 with early abort). */
  iterations?: number;
  /** Adam's learning rate on w (default 0.01, as C&W). */
  learningRate?: number;
  /** Stop a c early when the objective has not fallen 0.01% over a tenth of `iterations` (default true, as C&W). */
  abortEarly?: boolean;
}

/** What the attack found. */
export interface CarliniWagnerResult {
  /** True when some iterate met the success test (on `kernel`, in floating point). */
  success: boolean;
  /** The successful iterate of least L2 distance (binary32 values the model saw), or the source when none. */
  x: Float32Array;
  /** ‖x − source‖₂ in input units (0 when none). */
  l2: number;
  /** The class the source has on `kernel`. */
  sourceLabel: number;
  /** The target (targeted) or the class reached (untargeted; the source's class when none). */
  label: number;
  /** The c of the best iterate (null when none). */
  c: number | null;
  /** Adam steps taken in all. */
  steps: number;
}

/** The objective's value and gradient at one point. */
export interface CarliniWagnerObjective {
  /** ‖x − x₀‖² + c·max(margin, −κ) with margin = max_{i≠t} Z_i − Z_t (targeted) or Z_y − max_{i≠y} Z_i. */
  loss: number;
  /** ∂loss/∂w. */
  grad: Float64Array;
  /** The logits at x (binary32 values). */
  logits: Float32Array;
  /** ‖x − x₀‖². */
  l2sq: number;
  /** The margin term (negative past the boundary). */
  margin: number;
  /** x = ½(tanh w + 1) as the model saw it (binary32). */
  x: Float32Array;
}

/**
 * The C&W L2 objective of "Towards Evaluating the Robustness of Neural Networks" (2017) §V at
 * w, with x = ½(tanh w + 1): ‖x − x₀‖² + c·max(m(x), −κ), m as in CarliniWagnerObjective.loss.
 * `targeted`: `cls` is the target t; else `cls` is the source's class y. The hinge's gradient is
 * the vector–Jacobian product of the logits with e_j − e_t (j the largest other class), zero when
 * the hinge is flat; the chain rule through tanh gives the gradient on w.
 */
export function carliniWagnerObjective(model: AttackModel, w: Float64Array, source: ArrayLike<number>, cls: number, targeted: boolean, c: number, kappa: number, kernel: Kernel): CarliniWagnerObjective {
  const x64 = fromW(w);
  const x = Float32Array.from(x64);
  let margin = 0;
  const seed = (z: Float32Array) => {
    let other = -1;
    for (let i = 0; i < z.length; i++) if (i !== cls && (other < 0 || z[i]! > z[other]!)) other = i;
    margin = targeted ? z[other]! - z[cls]! : z[cls]! - z[other]!;
    const s = new Float32Array(z.length);
    if (margin > -kappa) {
      s[targeted ? other : cls] = c;
      s[targeted ? cls : other] = -c;
    }
    return s;
  };
  const { logits, grad: gx } = model.logitsGradient(x, seed, kernel);
  let l2sq = 0;
  const total = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - source[i]!;
    l2sq += d * d;
    total[i] = 2 * d + gx[i]!;
  }
  return { loss: l2sq + c * Math.max(margin, -kappa), grad: gradientToW(total, w), logits, l2sq, margin, x };
}

/**
 * The Carlini–Wagner L2 attack: minimise ‖x − x₀‖² + c·max(m(x), −κ) over w with Adam, for a
 * binary search over c (success at c: try smaller; failure: larger, ×10 until a success bounds it),
 * keeping the successful iterate of least L2. Success is C&W's test on the float iterate: targeted,
 * Z_t − κ is the largest logit; untargeted, the largest logit with Z_y + κ is not y's.
 */
export function carliniWagnerL2(model: AttackModel, source: Float32Array, opts: CarliniWagnerOptions = {}): CarliniWagnerResult {
  if (source.length !== model.inputSize) throw new RangeError(`carliniWagnerL2: source has ${source.length} values, the model takes ${model.inputSize}`);
  const kernel = opts.kernel ?? float64GradientKernel;
  const kappa = opts.confidence ?? 0;
  const c0 = opts.initialConst ?? 0.1;
  const binarySteps = opts.binarySteps ?? 6, iterations = opts.iterations ?? 300, lr = opts.learningRate ?? 0.01;
  const abortEarly = opts.abortEarly ?? true;
  if (!(kappa >= 0 && Number.isFinite(kappa))) throw new RangeError(`carliniWagnerL2: confidence κ must be a finite number >= 0, got ${kappa}`);
  if (!(c0 > 0 && Number.isFinite(c0))) throw new RangeError(`carliniWagnerL2: initialConst must be a finite number > 0, got ${c0}`);
  if (!Number.isInteger(binarySteps) || binarySteps < 1) throw new RangeError(`carliniWagnerL2: binarySteps must be an integer >= 1, got ${binarySteps}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`carliniWagnerL2: iterations must be an integer >= 1, got ${iterations}`);
  if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`carliniWagnerL2: learningRate must be a finite number > 0, got ${lr}`);
  for (const v of source) if (!(v >= 0 && v <= 1)) throw new RangeError(`carliniWagnerL2: source values must lie in [0, 1], got ${v}`);
  const sourceLabel = argmaxOf(model.logits(source, kernel));
  const targeted = opts.target !== undefined;
  if (targeted) {
    const t = opts.target!;
    if (!Number.isInteger(t) || t < 0 || t >= model.classes) throw new RangeError(`carliniWagnerL2: target must be a class in [0, ${model.classes}), got ${t}`);
    if (t === sourceLabel) throw new RangeError(`carliniWagnerL2: target ${t} is the source's own class`);
  }
  const cls = targeted ? opts.target! : sourceLabel;
  const succeeds = (z: Float32Array) => {
    const s = Array.from(z);
    s[cls] = s[cls]! + (targeted ? -kappa : kappa);
    const top = argmaxOf(s);
    return targeted ? top === cls : top !== cls;
  };

  let best: { x: Float32Array; l2sq: number; c: number; label: number } | null = null;
  let lower = 0, upper = Infinity, c = c0, steps = 0;
  const w0 = toW(source);
  for (let b = 0; b < binarySteps; b++) {
    const w = Float64Array.from(w0), m = new Float64Array(w.length), v = new Float64Array(w.length);
    let successHere = false, prev = Infinity;
    for (let k = 1; k <= iterations; k++) {
      const o = carliniWagnerObjective(model, w, source, cls, targeted, c, kappa, kernel);
      if (succeeds(o.logits)) {
        successHere = true;
        if (best === null || o.l2sq < best.l2sq) best = { x: o.x, l2sq: o.l2sq, c, label: argmaxOf(o.logits) };
      }
      if (abortEarly && k % Math.max(1, Math.floor(iterations / 10)) === 0) {
        if (o.loss > prev * 0.9999) break;
        prev = o.loss;
      }
      // Adam (β₁ 0.9, β₂ 0.999, ε 1e-8), as tf.train.AdamOptimizer in C&W's code
      const b1 = 1 - 0.9 ** k, b2 = 1 - 0.999 ** k;
      for (let i = 0; i < w.length; i++) {
        const g = o.grad[i]!;
        m[i] = 0.9 * m[i]! + 0.1 * g;
        v[i] = 0.999 * v[i]! + 0.001 * g * g;
        w[i]! -= (lr * (m[i]! / b1)) / (Math.sqrt(v[i]! / b2) + 1e-8);
      }
      steps++;
    }
    if (successHere) upper = Math.min(upper, c);
    else lower = Math.max(lower, c);
    c = upper < Infinity ? (lower + upper) / 2 : c * 10;
  }
  if (best === null) return { success: false, x: Float32Array.from(source), l2: 0, sourceLabel, label: sourceLabel, c: null, steps };
  return { success: true, x: best.x, l2: Math.sqrt(best.l2sq), sourceLabel, label: best.label, c: best.c, steps };
}

/** Settings of the C&W baseline: the backends to test and the attack's own settings. */
export interface CarliniWagnerChimeraOptions extends CarliniWagnerOptions {
  backends: readonly Kernel[];
  domain?: InputDomain;
}

/**
 * The paper's third baseline (§4.5, "Adversarial example search", Table 2 row 4): a C&W L2
 * adversarial example lies just past the decision boundary (κ = 0), so it is a Chimera candidate.
 * Its feasible version q(x) is tested once on every backend (batch 1, bit-faithful). With no
 * adversarial example found, q(source) is tested. `targets` in the result are [source class,
 * target (or the class reached, untargeted)]; `iterations` counts Adam steps.
 */
export function carliniWagnerChimera(model: AttackModel, source: Float32Array, opts: CarliniWagnerChimeraOptions): ChimeraResult {
  const t0 = performance.now();
  const { backends } = opts;
  if (backends.length < 2) throw new RangeError(`carliniWagnerChimera: need at least 2 backends, got ${backends.length}`);
  const domain = opts.domain ?? uint8ImageDomain;
  const a = carliniWagnerL2(model, source, opts);
  const xq = domain.quantize(a.x);
  const v = verdicts(model, xq, backends);
  return chimeraResult({ found: isChimera(v.labels), domain, source, xq, v, backends, targets: [a.sourceLabel, opts.target ?? a.label], iterations: a.steps, warmup: 0, checks: 1, t0 });
}

import type { Kernel } from "@chimera/kernels";
import { pgdPerturb } from "@chimera/defense";
import { Rng, type nn } from "@chimera/tensor";
import { numberFlag, optionalFlag, UsageError } from "./cli/args.js";
import type { ParsedArgs } from "./cli/command.js";
import type { BatchTransform } from "./training.js";

/**
 * Adversarial training settings of `chimera train --adversarial pgd` (the comparison defense of the
 * paper's Appendix A). Madry et al. (2018): train on the PGD examples of each batch only (no clean
 * half), ε-ball in L∞, random start, α = 2.5·ε/steps by default.
 */
export interface AdversarialSettings {
  readonly method: "pgd";
  readonly eps: number;
  readonly steps: number;
  readonly stepSize: number;
}

/** Default ε: 0.1 of the [0, 1] pixel range (Madry et al. use 0.3 for MNIST; Fashion-MNIST is harder). */
export const DEFAULT_EPS = 0.1;
/** Default PGD steps per batch: 3 keeps an epoch at about 4× the cost of standard training. */
export const DEFAULT_PGD_STEPS = 3;

/**
 * Reads --adversarial, --eps, --pgd-steps and --pgd-step-size; undefined without --adversarial. The
 * PGD flags without --adversarial pgd are a usage error (they would silently do nothing).
 */
export function adversarialFlags(args: ParsedArgs): AdversarialSettings | undefined {
  const method = optionalFlag(args, "adversarial");
  if (method === undefined) {
    for (const f of ["eps", "pgd-steps", "pgd-step-size"]) {
      if (args.flags.has(f)) throw new UsageError(`--${f} needs --adversarial pgd`);
    }
    return undefined;
  }
  if (method !== "pgd") throw new UsageError(`unknown --adversarial method "${method}"; known: pgd`);
  const eps = Math.fround(numberFlag(args, "eps", DEFAULT_EPS, { min: 0, max: 1 }));
  const steps = numberFlag(args, "pgd-steps", DEFAULT_PGD_STEPS, { min: 1, max: 1000, integer: true });
  const stepSize = Math.fround(numberFlag(args, "pgd-step-size", (2.5 * eps) / steps, { min: 0, max: 1 }));
  return { method, eps, steps, stepSize };
}

/**
 * The batch transform that replaces each batch by its PGD examples against the model as it is at
 * that step, every gemm on `kernel`. The random starts come from `rng` (seed it per epoch, so a
 * resumed run draws the same starts).
 */
export function pgdTransform(model: nn.Module, kernel: Kernel, s: AdversarialSettings, rng: Rng): BatchTransform {
  return (x, labels) => pgdPerturb(model, x, labels, kernel, { eps: s.eps, steps: s.steps, stepSize: s.stepSize, rng });
}

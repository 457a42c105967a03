import type { Kernel } from "@chimera/kernels";
import { pgdPerturb } from "@chimera/defense";
import { Rng, type nn } from "@chimera/tensor";
import { maybeNumber, maybeString } from "./cli/args.js";
import type { FlagSpecs } from "./cli/flag-spec.js";
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
 * The flags of adversarial training. The PGD flags without --adversarial pgd would silently do
 * nothing: a command declaring these declares them as requiring --adversarial.
 */
export const adversarialSpecs: FlagSpecs = {
  adversarial: { type: "enum", values: ["pgd"] }, eps: { type: "number", min: 0, max: 1, default: DEFAULT_EPS },
  "pgd-steps": { type: "int", min: 1, max: 1000, default: DEFAULT_PGD_STEPS }, "pgd-step-size": { type: "number", min: 0, max: 1 },
};

/** Reads --adversarial, --eps, --pgd-steps and --pgd-step-size; undefined without --adversarial. */
export function adversarialFlags(args: ParsedArgs): AdversarialSettings | undefined {
  const method = maybeString(args, "adversarial");
  if (method === undefined) return undefined;
  const eps = Math.fround(maybeNumber(args, "eps")!);
  const steps = maybeNumber(args, "pgd-steps")!;
  const stepSize = Math.fround(maybeNumber(args, "pgd-step-size") ?? (2.5 * eps) / steps);
  return { method: "pgd", eps, steps, stepSize };
}

/**
 * The batch transform that replaces each batch by its PGD examples against the model as it is at
 * that step, every gemm on `kernel`. The random starts come from `rng` (seed it per epoch, so a
 * resumed run draws the same starts).
 */
export function pgdTransform(model: nn.Module, kernel: Kernel, s: AdversarialSettings, rng: Rng): BatchTransform {
  return (x, labels) => pgdPerturb(model, x, labels, kernel, { eps: s.eps, steps: s.steps, stepSize: s.stepSize, rng });
}

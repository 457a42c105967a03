import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "../attack-model.js";
import { isChimera, verdicts } from "../chimera-check.js";
import { uint8ImageDomain, type InputDomain } from "../input-domain.js";
import { chimeraResult, type ChimeraResult } from "../chimera-result.js";

/** Settings of the binary-search baseline. */
export interface BinarySearchOptions {
  backends: readonly Kernel[];
  domain?: InputDomain;
  /** Bisection steps at most (default 64; the 8-bit grid usually collapses the interval in ~20). */
  maxSteps?: number;
}

/**
 * The paper's first baseline (§4.5, "Binary Search"): bisects the segment from `source` to `other`
 * (an input of another class) on backend 1's label until the quantized midpoint sits on the decision
 * boundary, testing every quantized midpoint on all backends; stops at the first Chimera or when the
 * two quantized ends coincide. `targets` in the result are backend 1's labels at the two ends.
 */
export function binarySearchChimera(model: AttackModel, source: Float32Array, other: Float32Array, opts: BinarySearchOptions): ChimeraResult {
  const t0 = performance.now();
  const { backends } = opts;
  const domain = opts.domain ?? uint8ImageDomain;
  if (backends.length < 2) throw new RangeError(`binarySearchChimera: need at least 2 backends, got ${backends.length}`);
  if (source.length !== other.length) throw new RangeError(`binarySearchChimera: source has ${source.length} values, other has ${other.length}`);
  const at = (t: number) => {
    const x = new Float64Array(source.length);
    for (let i = 0; i < x.length; i++) x[i] = (1 - t) * source[i]! + t * other[i]!;
    return domain.quantize(x);
  };
  const first = backends[0]!;
  let lo = 0, hi = 1, xq = at(0);
  let v = verdicts(model, xq, backends);
  const endLabels = [v.labels[0]!, verdicts(model, at(1), [first]).labels[0]!];
  const maxSteps = opts.maxSteps ?? 64;
  let steps = 0, checks = 1;
  const done = (found: boolean) => chimeraResult({ found, domain, source, xq, v, backends, targets: endLabels, iterations: steps, warmup: 0, checks, t0 });
  if (isChimera(v.labels)) return done(true);
  if (endLabels[0] === endLabels[1]) return done(false);
  while (steps < maxSteps) {
    const mid = (lo + hi) / 2;
    const mq = at(mid);
    if (sameValues(mq, at(lo)) || sameValues(mq, at(hi))) break;
    steps++;
    xq = mq;
    v = verdicts(model, xq, backends);
    checks++;
    if (isChimera(v.labels)) return done(true);
    if (v.labels[0] === endLabels[0]) lo = mid;
    else hi = mid;
  }
  return done(false);
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

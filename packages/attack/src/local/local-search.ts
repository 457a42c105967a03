import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "../attack-model.js";
import { isChimera, verdicts, type BackendVerdicts } from "../chimera-check.js";
import { chimeraResult, type ChimeraResult } from "../chimera-result.js";
import { float64GradientKernel } from "../gradient-kernel.js";
import { uint8ImageDomain } from "../input-domain.js";
import { walkToJunction } from "./boundary-walk.js";
import { junctionOf, residualGradients, type Junction } from "./junction.js";
import { LevelBox, levelsToInput } from "./level-box.js";
import { applyMove, pairMoves, singleMoves, type LevelMove } from "./level-moves.js";

/** Settings of the boundary-then-local search. Only `backends` and `targets` are required. */
export interface LocalSearchOptions {
  /** The n >= 2 backends whose labels must all differ. */
  backends: readonly Kernel[];
  /** n distinct classes whose junction the search walks to (targets[0]: the source's class). */
  targets: readonly number[];
  /** Where gradients and candidate screening run (default float64GradientKernel). */
  gradientKernel?: Kernel;
  /** L∞ bound to the source in 8-bit levels, 1..255 (default 255: unconstrained). */
  maxLinf?: number;
  /** Verdict queries at most: each runs the model once on every backend (default 200). */
  maxQueries?: number;
  /** Linearised steps of the walk to the junction (default 100). */
  walkSteps?: number;
  /** Rounds pulling the junction point toward the source, each followed by steps back (default 20). */
  closerRounds?: number;
  /** Greedy ±1-level moves that bring the quantized point onto the junction (default 300). */
  refineMoves?: number;
  /** Candidate inputs screened on the gradient kernel at most (default 5000). */
  screenings?: number;
  /** How far every other class must stay below the targets, in logits (default 0.01). */
  kappa?: number;
}

/**
 * A Chimera search that stays near its source and spends bit-faithful verdicts only where backends
 * can disagree. (1) From the source, linearised (DeepFool-style) steps on the junction loss reach
 * the point where the targets' logits tie, inside the L∞ box. (2) The point is quantized to 8-bit
 * levels and greedy ±1-level moves drive the residuals toward zero. (3) Around it, one- and two-pixel
 * moves predicted to keep every residual within the backends' own deviation (measured at the first
 * verdict: how far each backend's residuals lie from the gradient kernel's) are screened on the
 * gradient kernel and only then sent to the backends, until a Chimera or `maxQueries`. The reported
 * labels and logits are the backends' own on the returned image; `checks` counts verdict queries.
 */
export function localChimeraSearch(model: AttackModel, source: Float32Array, opts: LocalSearchOptions): ChimeraResult {
  const t0 = performance.now();
  const { backends, targets } = opts;
  if (backends.length < 2) throw new RangeError(`localChimeraSearch: need at least 2 backends, got ${backends.length}`);
  if (targets.length !== backends.length) throw new RangeError(`localChimeraSearch: ${backends.length} backends need ${backends.length} targets, got ${targets.length}`);
  if (!isChimera(targets)) throw new RangeError(`localChimeraSearch: targets must all differ, got [${targets.join(", ")}]`);
  if (source.length !== model.inputSize) throw new RangeError(`localChimeraSearch: source has ${source.length} values, the model takes ${model.inputSize}`);
  const domain = uint8ImageDomain;
  const bytes = domain.encode(source);
  const decoded = domain.decode(bytes);
  for (let i = 0; i < source.length; i++) {
    if (!Object.is(decoded[i], source[i])) throw new RangeError(`localChimeraSearch: source value ${i} (${source[i]}) is not an 8-bit level v/255`);
  }
  const gk = opts.gradientKernel ?? float64GradientKernel;
  const kappa = opts.kappa ?? 0.01, maxQueries = opts.maxQueries ?? 200;
  const box = new LevelBox(bytes, opts.maxLinf ?? 255);
  const fast = (v: Uint8Array): Junction => junctionOf(model.logits(levelsToInput(v), gk), targets, kappa);

  // (1) to the junction, (2) onto it on the 8-bit grid
  const walk = walkToJunction(model, box, gk, { targets, kappa, steps: opts.walkSteps ?? 100, closerRounds: opts.closerRounds ?? 20 });
  let base = box.round(walk.x);
  let baseJ = fast(base);
  for (let it = 0; it < (opts.refineMoves ?? 300) && baseJ.loss > 0; it++) {
    const { grads } = residualGradients(model, levelsToInput(base), targets, gk);
    const tries = singleMoves(base, box, baseJ.residuals, grads).slice(0, 6);
    const better = tries.map((m) => applyMove(base, m)).map((v) => ({ v, j: fast(v) })).find((c) => c.j.loss < baseJ.loss);
    if (!better) break;
    ({ v: base, j: baseJ } = better);
  }

  // (3) verdicts only on screened neighbours of the junction
  let checks = 0, screened = 0;
  let last: { v: Uint8Array; verdict: BackendVerdicts } | undefined;
  const query = (v: Uint8Array): boolean => {
    checks++;
    last = { v, verdict: verdicts(model, domain.decode(v), backends) };
    return isChimera(last.verdict.labels);
  };
  const done = (found: boolean) => chimeraResult({
    found, domain, source, xq: domain.decode(last!.v), v: last!.verdict, backends, targets,
    iterations: screened, warmup: 0, checks, t0,
  });
  if (query(base)) return done(true);
  let tau = deviation(last!.verdict, baseJ, targets);
  const visited = new Set<string>([key(base)]);
  const budget = opts.screenings ?? 5000;
  while (checks < maxQueries && screened < budget) {
    const { grads } = residualGradients(model, levelsToInput(base), targets, gk);
    const singles = singleMoves(base, box, baseJ.residuals, grads);
    const moves: LevelMove[] = [...singles.slice(0, 64), ...pairMoves(singles, baseJ.residuals, 400)].sort((a, b) => a.score - b.score);
    let next: { v: Uint8Array; j: Junction } | undefined;
    for (const m of moves) {
      if (checks >= maxQueries || screened >= budget) break;
      const v = applyMove(base, m);
      const k = key(v);
      if (visited.has(k)) continue;
      visited.add(k);
      screened++;
      const j = fast(v);
      if (j.intrusion > 0) continue;
      if (!next || maxAbs(j.residuals) < maxAbs(next.j.residuals)) next = { v, j };
      if (maxAbs(j.residuals) > tau) continue;
      if (query(v)) return done(true);
      tau = Math.max(tau, deviation(last!.verdict, j, targets));
    }
    if (!next) break;
    // walk along the junction: the best screened neighbour becomes the next centre
    ({ v: base, j: baseJ } = next);
  }
  return done(false);
}

/** How far the backends' residuals lie from the gradient kernel's (at least 1e-7). */
function deviation(v: BackendVerdicts, j: Junction, targets: readonly number[]): number {
  let d = 1e-7;
  for (const z of v.logits) {
    targets.slice(1).forEach((y, k) => (d = Math.max(d, Math.abs(z[targets[0]!]! - z[y]! - j.residuals[k]!))));
  }
  return d;
}

function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

function key(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("latin1");
}

import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "../attack-model.js";
import { junctionOf, junctionSeed, type Junction } from "./junction.js";
import { LevelBox, levelsToInput } from "./level-box.js";

/** Settings of the walk from the source to the targets' junction. */
export interface BoundaryWalkOptions {
  targets: readonly number[];
  kappa: number;
  /** Steps at most (each one forward and one backward on the gradient kernel). */
  steps: number;
  /** Rounds of pulling the junction point toward the source (default 0). */
  closerRounds?: number;
}

/**
 * Phase 1: from the source, DeepFool-style linearised steps on the junction loss (a piecewise-linear
 * function of the input for a ReLU network): x ← x − (loss / ‖∇loss‖²)·∇loss, clamped to the L∞ box,
 * over the coordinates not pinned at a face of the box, halving the step when it did not lower the loss. Each step goes straight to where the
 * linearisation reaches the junction, so the walk stays near the smallest L2 move. Returns the
 * continuous point (levels) with the lowest loss seen, and that loss.
 */
export function walkToJunction(model: AttackModel, box: LevelBox, gk: Kernel, opts: BoundaryWalkOptions): { x: Float64Array; junction: Junction } {
  const first = linearisedSteps(model, box, gk, opts, Float64Array.from(box.source));
  if (first.junction.loss < 1e-3) return closer(model, box, gk, opts, first);
  // Out of reach for L2-shaped steps inside the box: signed (L∞-steepest) steps with momentum use the
  // whole box, then the linearised steps land on the junction from there.
  const second = linearisedSteps(model, box, gk, opts, signedSteps(model, box, gk, opts, first.x));
  return second.junction.loss < first.junction.loss ? second : first;
}

/**
 * Rounds of "shrink toward the source, step back onto the junction" (as the minimal-norm attacks
 * DDN and FMN do): each accepted round lands on the junction nearer the source in L2.
 */
function closer(model: AttackModel, box: LevelBox, gk: Kernel, opts: BoundaryWalkOptions, at: { x: Float64Array; junction: Junction }): { x: Float64Array; junction: Junction } {
  let best = at, dist = l2(best.x, box.source);
  for (let round = 0, shrink = 0.8; round < (opts.closerRounds ?? 0) && shrink < 0.999; round++) {
    const pulled = Float64Array.from(best.x, (v, i) => box.source[i]! + shrink * (v - box.source[i]!));
    const back = linearisedSteps(model, box, gk, { ...opts, steps: 20 }, pulled);
    const d = l2(back.x, box.source);
    if (back.junction.loss < 1e-3 && d < dist) {
      best = back;
      dist = d;
    } else shrink = 1 - (1 - shrink) / 2;
  }
  return best;
}

function l2(x: Float64Array, s: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d += (x[i]! - s[i]!) ** 2;
  return Math.sqrt(d);
}

/** Signed-gradient steps with momentum on the junction loss (projected PGD), step shrinking to 0.1 level. */
function signedSteps(model: AttackModel, box: LevelBox, gk: Kernel, opts: BoundaryWalkOptions, from: Float64Array): Float64Array {
  const { targets, kappa } = opts;
  const x = Float64Array.from(from), velocity = new Float64Array(x.length);
  let best = Float64Array.from(x), bestLoss = evaluate(model, x, gk, targets, kappa).loss;
  const steps = opts.steps;
  for (let k = 0; k < steps && bestLoss > 1e-3; k++) {
    const j = evaluate(model, x, gk, targets, kappa);
    if (j.loss < bestLoss) { bestLoss = j.loss; best = Float64Array.from(x); }
    const seed = junctionSeed(j, targets);
    const { grad } = model.logitsGradient(levelsToInput(x), () => seed, gk);
    let norm = 0;
    for (const g of grad) norm += Math.abs(g);
    if (!(norm > 0)) break;
    const size = Math.max(0.1, Math.min(4, box.maxLinf / 4) * (1 - k / steps));
    for (let i = 0; i < x.length; i++) {
      velocity[i] = 0.75 * velocity[i]! + grad[i]! / norm;
      x[i]! -= size * Math.sign(velocity[i]!);
    }
    box.clamp(x);
  }
  const last = evaluate(model, x, gk, targets, kappa).loss;
  return last < bestLoss ? x : best;
}

function linearisedSteps(model: AttackModel, box: LevelBox, gk: Kernel, opts: BoundaryWalkOptions, start: Float64Array): { x: Float64Array; junction: Junction } {
  const { targets, kappa } = opts;
  let best: { x: Float64Array; junction: Junction } = { x: start, junction: evaluate(model, start, gk, targets, kappa) };
  let scale = 1;
  for (let step = 0; step < opts.steps && best.junction.loss > 1e-6; step++) {
    const j = best.junction;
    const seed = junctionSeed(j, targets);
    const { grad } = model.logitsGradient(levelsToInput(best.x), () => seed, gk);
    // Coordinates pinned at a face of the box that the step would push outward cannot move: leave
    // them out of the step, so the linearised step is taken over the free ones.
    const g = Float64Array.from(grad, (d, i) => {
      const v = best.x[i]!, gi = d / 255;
      return (gi > 0 && v <= box.lo[i]!) || (gi < 0 && v >= box.hi[i]!) ? 0 : gi;
    });
    let g2 = 0;
    for (const gi of g) g2 += gi * gi;
    if (!(g2 > 0)) break;
    const t = (scale * 1.02 * j.loss) / g2;
    const next = box.clamp(Float64Array.from(best.x, (v, i) => v - t * g[i]!));
    const nj = evaluate(model, next, gk, targets, kappa);
    if (nj.loss < j.loss) {
      best = { x: next, junction: nj };
      scale = Math.min(1, scale * 2);
    } else {
      scale /= 2;
      if (scale < 1e-3) break;
    }
  }
  return best;
}

function evaluate(model: AttackModel, x: Float64Array, gk: Kernel, targets: readonly number[], kappa: number): Junction {
  return junctionOf(model.logits(levelsToInput(x), gk), targets, kappa);
}

/**
 * The adaptive step size of the search. The paper only says that α is adapted dynamically so the
 * input can get "infinitesimally close to the decision boundary" (§3.3); this is our rule:
 *
 * - the step moves w by at most α in any coordinate (the update is δ / max|δ| · α), so α is in the
 *   units of the optimisation variable and independent of the gradient's scale;
 * - when the quantized input q(x) did not change in the last step, α grows by `grow` (we are stuck
 *   inside one cell of the 8-bit grid and must move further to reach another);
 * - when the predicted label (on the gradient kernel) changed, we stepped across the boundary, or
 *   when the loss at the quantized input rose, we overshot, and α shrinks by `shrink`; so the walk
 *   keeps crossing the boundary in ever smaller hops of one or a few pixel levels, visiting many
 *   feasible points right next to it (where the pockets are, §4.6);
 * - α stays in [min, max].
 */
export interface StepSizeOptions {
  /** Starting α (default 0.05). */
  initial?: number;
  /** Smallest α (default 1e-4). */
  min?: number;
  /** Largest α (default 1). */
  max?: number;
  /** Factor when q(x) is unchanged (default 1.5). */
  grow?: number;
  /** Factor when the label flipped (default 0.5). */
  shrink?: number;
}

/** The rule above, with its current α. */
export class AdaptiveStepSize {
  alpha: number;
  private readonly min: number;
  private readonly max: number;
  private readonly grow: number;
  private readonly shrink: number;

  /** Starts at `initial`; throws on an inconsistent range. */
  constructor(opts: StepSizeOptions = {}) {
    this.alpha = opts.initial ?? 0.05;
    this.min = opts.min ?? 1e-4;
    this.max = opts.max ?? 1;
    this.grow = opts.grow ?? 1.5;
    this.shrink = opts.shrink ?? 0.5;
    if (!(this.min > 0 && this.min <= this.alpha && this.alpha <= this.max)) {
      throw new RangeError(`AdaptiveStepSize: need 0 < min <= initial <= max, got ${this.min}, ${this.alpha}, ${this.max}`);
    }
  }

  /** Adapts α after a step (`overshot`: the label flipped or the loss rose); returns the new α. */
  update(quantizedChanged: boolean, overshot: boolean): number {
    if (overshot) this.alpha = Math.max(this.min, this.alpha * this.shrink);
    else if (!quantizedChanged) this.alpha = Math.min(this.max, this.alpha * this.grow);
    return this.alpha;
  }
}

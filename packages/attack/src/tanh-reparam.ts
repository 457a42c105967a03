/**
 * The change of variables of Carlini & Wagner (2017) that the paper uses (§3.3): x = ½(tanh(w) + 1)
 * keeps every x in [0, 1] whatever w the optimiser picks. Computed in binary64 (these are the
 * optimiser's own variables, not model values).
 */

/** Largest |2x − 1| mapped back to w, so pixels at exactly 0 or 1 give a finite w (|w| <= 7.6). */
const EDGE = 1 - 1e-6;

/** w = atanh(2x − 1), with 2x − 1 clipped to ±(1 − 1e-6) so black and white pixels stay finite. */
export function toW(x: ArrayLike<number>): Float64Array {
  const w = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) w[i] = Math.atanh(Math.max(-EDGE, Math.min(EDGE, 2 * x[i]! - 1)));
  return w;
}

/** x = ½(tanh(w) + 1), in [0, 1]. */
export function fromW(w: Float64Array): Float64Array {
  const x = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) x[i] = 0.5 * (Math.tanh(w[i]!) + 1);
  return x;
}

/** The chain rule through the change of variables: ∂ℓ/∂w = ∂ℓ/∂x · ½(1 − tanh²(w)). */
export function gradientToW(gradX: ArrayLike<number>, w: Float64Array): Float64Array {
  const g = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const t = Math.tanh(w[i]!);
    g[i] = gradX[i]! * 0.5 * (1 - t * t);
  }
  return g;
}

import { Tensor, noGrad, Rng } from "@chimera/tensor";

/** Result of comparing analytic gradients with central finite differences. */
export interface GradCheckResult {
  ok: boolean;
  /** Worst |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|)); ok when ≤ 1. */
  worst: number;
  where: string;
}

/**
 * Checks d/dx of L(x) = Σ_i f(x)_i · r_i (r fixed random weights, the sum taken in binary64 so the
 * oracle adds no rounding of its own) against central differences (L(x+h) − L(x−h)) / (x₊ − x₋),
 * where x₊ and x₋ are the binary32 values actually used. f runs in binary32; inputs are chosen
 * well-conditioned (away from kinks, moderate magnitudes), so h = 1e-2 keeps truncation and rounding
 * errors far below rtol = 1e-2.
 */
export function gradCheck(f: (xs: Tensor[]) => Tensor, inputs: Tensor[], opts: { h?: number; rtol?: number; atol?: number; seed?: number } = {}): GradCheckResult {
  const h = opts.h ?? 1e-2, rtol = opts.rtol ?? 1e-2, atol = opts.atol ?? 1e-3;
  for (const x of inputs) {
    x.requiresGrad = true;
    x.grad = null;
  }
  const out0 = f(inputs);
  const rng = new Rng(opts.seed ?? 7);
  const r = Float32Array.from({ length: out0.size }, () => rng.uniform(0.5, 1.5) * (rng.next() < 0.5 ? -1 : 1));
  const loss = (o: Tensor): number => {
    const v = o.values();
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * r[i]!;
    return s;
  };
  out0.backward(new Tensor(r, out0.shape));
  let worst = 0, where = "";
  inputs.forEach((x, k) => {
    const analytic = x.grad ? x.grad.values() : new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + h;
      const xp = x.data[i]!;
      const lp = noGrad(() => loss(f(inputs)));
      x.data[i] = orig - h;
      const xm = x.data[i]!;
      const lm = noGrad(() => loss(f(inputs)));
      x.data[i] = orig;
      const numeric = (lp - lm) / (xp - xm), a = analytic[i]!;
      const err = Math.abs(a - numeric) / (atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)));
      if (!(err <= worst)) {
        worst = err;
        where = `input ${k} element ${i}: analytic ${a}, numeric ${numeric}`;
      }
    }
  });
  return { ok: worst <= 1, worst, where };
}

/** A tensor of fround(U(lo, hi)) values from a fixed seed. */
export function rand(shape: number[], lo = -1, hi = 1, seed = 1): Tensor {
  const rng = new Rng(seed);
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(Float32Array.from({ length: n }, () => rng.uniform(lo, hi)), shape);
}

/** Distinct values spaced ≥ `gap` apart in random order (safe for max/relu kinks under FD). */
export function distinct(shape: number[], gap = 0.05, seed = 3): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const vals = Array.from({ length: n }, (_, i) => (i - n / 2) * gap + gap / 2);
  new Rng(seed).shuffle(vals);
  return new Tensor(Float32Array.from(vals), shape);
}

/** Values with |x| in [lo, hi] and random signs (away from 0, for relu). */
export function awayFromZero(shape: number[], lo = 0.1, hi = 1, seed = 5): Tensor {
  const rng = new Rng(seed);
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(Float32Array.from({ length: n }, () => rng.uniform(lo, hi) * (rng.next() < 0.5 ? -1 : 1)), shape);
}

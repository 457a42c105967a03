const fround = Math.fround;

/**
 * How SIMD lanes are summed into one value.
 * - `halving`: (i, i+L/2) pairs, then (i, i+L/4), … — a shuffle-and-add horizontal sum.
 * - `adjacent`: (0,1),(2,3),… then pairs of those — hadd-style.
 * - `sequential`: ((l0 + l1) + l2) + … .
 * - `blis-generic-4`: (l0 + l2) + (l1 + l3), four lanes only.
 */
export type LaneReduction = "halving" | "adjacent" | "sequential" | "blis-generic-4";

/** Sums the first `n` lanes of `v` in the named tree (see LaneReduction). Destroys `v`. */
export function reduceLanes(v: Float64Array, how: LaneReduction, n = v.length): number {
  if (how === "sequential") {
    let s = v[0]!;
    for (let i = 1; i < n; i++) s = fround(s + v[i]!);
    return s;
  }
  if (how === "blis-generic-4") return fround(fround(v[0]! + v[2]!) + fround(v[1]! + v[3]!));
  while (n > 1) {
    const h = n >> 1;
    if (how === "halving") for (let i = 0; i < h; i++) v[i] = fround(v[i]! + v[i + h]!);
    else for (let i = 0; i < h; i++) v[i] = fround(v[2 * i]! + v[2 * i + 1]!);
    n = h;
  }
  return v[0]!;
}

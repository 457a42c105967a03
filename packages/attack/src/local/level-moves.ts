import type { LevelBox } from "./level-box.js";

/** A change of one or two pixels by ±1 level, with the residuals it is predicted to give. */
export interface LevelMove {
  pixels: number[];
  signs: number[];
  /** Predicted residuals after the move (linearised: r + Σ s·∂r/∂level). */
  predicted: number[];
  /** max_k |predicted_k|. */
  score: number;
}

/** Every feasible single-pixel ±1 move from `v`, scored by its linearised residuals. */
export function singleMoves(v: Uint8Array, box: LevelBox, residuals: readonly number[], grads: readonly Float64Array[]): LevelMove[] {
  const moves: LevelMove[] = [];
  for (let i = 0; i < v.length; i++) {
    for (const s of [1, -1]) {
      if (!box.canMove(v, i, s)) continue;
      const predicted = residuals.map((r, k) => r + s * grads[k]![i]!);
      moves.push({ pixels: [i], signs: [s], predicted, score: maxAbs(predicted) });
    }
  }
  return moves.sort((a, b) => a.score - b.score);
}

/**
 * Moves of two pixels whose linearised residuals are closest to zero. For each single move a, the
 * moves b whose offset on the first residual best cancels r_1 + d_a (a binary search over the
 * offsets sorted, `neighbours` on each side) are paired with it; pairs are scored on every residual
 * and the best `count` returned, best first. Two pixels reach far finer residuals than one.
 */
export function pairMoves(singles: readonly LevelMove[], residuals: readonly number[], count: number, neighbours = 3): LevelMove[] {
  const deltas = singles.map((m) => m.predicted.map((p, k) => p - residuals[k]!));
  const order = [...singles.keys()].sort((a, b) => deltas[a]![0]! - deltas[b]![0]!);
  const sorted = order.map((i) => deltas[i]![0]!);
  const out: LevelMove[] = [];
  const seen = new Set<number>();
  for (let a = 0; a < singles.length; a++) {
    const want = -(residuals[0]! + deltas[a]![0]!);
    let lo = 0, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < want) lo = mid + 1;
      else hi = mid;
    }
    for (let q = Math.max(0, lo - neighbours); q < Math.min(sorted.length, lo + neighbours); q++) {
      const b = order[q]!;
      const key = Math.min(a, b) * singles.length + Math.max(a, b);
      if (b === a || singles[a]!.pixels[0] === singles[b]!.pixels[0] || seen.has(key)) continue;
      seen.add(key);
      const predicted = residuals.map((r, k) => r + deltas[a]![k]! + deltas[b]![k]!);
      out.push({ pixels: [singles[a]!.pixels[0]!, singles[b]!.pixels[0]!], signs: [singles[a]!.signs[0]!, singles[b]!.signs[0]!], predicted, score: maxAbs(predicted) });
    }
  }
  return out.sort((x, y) => x.score - y.score).slice(0, count);
}

/** `v` with a move applied (a copy). */
export function applyMove(v: Uint8Array, m: LevelMove): Uint8Array {
  const out = Uint8Array.from(v);
  m.pixels.forEach((p, k) => (out[p] = out[p]! + m.signs[k]!));
  return out;
}

function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

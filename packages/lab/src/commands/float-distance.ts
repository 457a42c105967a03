/**
 * Distances between binary32 values: units in the last place along the ordered line of floats
 * (adjacent floats are 1 apart, +0 and -0 are 0 apart; NaN is infinitely far).
 */
const scratch = new Float32Array(1), bits = new Uint32Array(scratch.buffer);

/** The float's position on the ordered integer line (monotone in its value). */
function ordered(x: number): number {
  scratch[0] = x;
  const u = bits[0]!;
  return u >= 0x80000000 ? 0x80000000 - (u - 0x80000000) : 0x80000000 + u;
}

/** ULPs between two binary32 values (Infinity when either is NaN). */
export function ulpDistance(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
  return Math.abs(ordered(x) - ordered(y));
}

/** True when the two binary32 values have the same bits (so +0 and -0 differ). */
export function sameBits(x: number, y: number): boolean {
  scratch[0] = x;
  const a = bits[0];
  scratch[0] = y;
  return a === bits[0];
}

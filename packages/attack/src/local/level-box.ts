/**
 * The search space of the boundary-then-local search: 8-bit images as pixel levels 0..255, kept
 * inside an L∞ box of `maxLinf` levels around the source. The model sees level v as fround(v / 255),
 * exactly what uint8ImageDomain.decode gives for the stored byte v.
 */
export class LevelBox {
  /** Smallest and largest level allowed per pixel. */
  readonly lo: Uint8Array;
  readonly hi: Uint8Array;

  constructor(readonly source: Uint8Array, readonly maxLinf: number) {
    if (!Number.isInteger(maxLinf) || maxLinf < 1 || maxLinf > 255) {
      throw new RangeError(`LevelBox: maxLinf must be an integer number of 8-bit levels in [1, 255], got ${maxLinf}`);
    }
    this.lo = source.map((v) => Math.max(0, v - maxLinf));
    this.hi = source.map((v) => Math.min(255, v + maxLinf));
  }

  /** Clamps a continuous point (levels) into the box, in place. */
  clamp(x: Float64Array): Float64Array {
    for (let i = 0; i < x.length; i++) x[i] = Math.min(this.hi[i]!, Math.max(this.lo[i]!, x[i]!));
    return x;
  }

  /** The nearest levels of a continuous point (clamped; ties to even, as uint8ImageDomain). */
  round(x: Float64Array): Uint8Array {
    const out = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let r = Math.round(x[i]!);
      if (r - x[i]! === 0.5 && r % 2 !== 0) r -= 1;
      out[i] = Math.min(this.hi[i]!, Math.max(this.lo[i]!, r));
    }
    return out;
  }

  /** True when pixel i may move by s (±1) levels from `v`. */
  canMove(v: Uint8Array, i: number, s: number): boolean {
    const t = v[i]! + s;
    return t >= this.lo[i]! && t <= this.hi[i]!;
  }
}

/** Model input of levels (continuous or integer): fround(v / 255) per pixel. */
export function levelsToInput(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / 255;
  return out;
}

/** L0 (pixels changed), L2 and L∞ between two 8-bit images, in 8-bit levels. */
export function levelDistances(a: Uint8Array, b: Uint8Array): { l0: number; l2: number; linf: number } {
  let l0 = 0, l2 = 0, linf = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d) l0++;
    l2 += d * d;
    linf = Math.max(linf, d);
  }
  return { l0, l2: Math.sqrt(l2), linf };
}

/**
 * Hard cases for a binary32 fused multiply-add: random bit patterns (every class: subnormal, Inf, NaN),
 * constructed double-rounding midpoints, cancellation, subnormal results and the overflow threshold.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function fromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/** xorshift32, seeded. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

/** Hard cases: random bit patterns, constructed double-rounding midpoints, cancellation, overflow. */
export function* hardCases(n: number, seed: number): Generator<[number, number, number]> {
  const r = rng(seed);
  const uf = () => r() / 2 ** 32;
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    if (kind === 0) {
      yield [fromBits(r()), fromBits(r()), fromBits(r())];
    } else if (kind === 1) {
      // c = ±(1 + j·2^-23)·2^e; a·b = 2^(e-24)·(1 ± tiny): the exact sum sits just off a midpoint.
      const e = Math.floor(uf() * 200) - 100;
      const c = Math.fround((1 + (r() & 0x7fffff) * 2 ** -23) * 2 ** e) * (r() & 1 ? 1 : -1);
      const u = (r() & 0xff) + 1, v = r() & 3 ? u : (r() & 0xff) + 1; // u = v: a·b = 2^(e-24)·(1 − u²·2^-46)
      const a = Math.fround((1 + u * 2 ** -23) * 2 ** Math.floor((e - 24) / 2));
      const b = Math.fround((1 - v * 2 ** -23) * 2 ** (e - 24 - Math.floor((e - 24) / 2)));
      yield [a, r() & 1 ? b : -b, c];
    } else if (kind === 2) {
      // cancellation: c ≈ −a·b, a few binary32 ulps away
      const a = fromBits(r() & 0x7fffffff & ~(0xff << 23) | ((100 + (r() % 56)) << 23));
      const b = fromBits(r() & 0x7fffffff & ~(0xff << 23) | ((100 + (r() % 56)) << 23));
      const c = fromBits((u32[0] = 0, f32[0] = -Math.fround(a * b), u32[0]!) + ((r() % 9) - 4));
      yield [a, b, c];
    } else if (kind === 3) {
      // subnormal results: tiny products and tiny addends
      const a = fromBits((r() & 0x807fffff) | ((r() % 40) << 23));
      const b = fromBits((r() & 0x807fffff) | ((90 + (r() % 30)) << 23));
      yield [a, b, fromBits(r() & 0x807fffff)];
    } else {
      // near the overflow threshold
      const c = (r() & 1 ? 1 : -1) * fromBits(0x7f7fffff - (r() % 4));
      const a = fromBits(0x4b800000 + (r() % 1024)) * (r() & 1 ? 1 : -1); // 2^24·(1 + …)
      const b = fromBits(0x0c800000 + (r() % 1024));
      yield [a, b, c];
    }
  }
}


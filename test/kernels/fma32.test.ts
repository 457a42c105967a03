import { expect } from "chai";
import { fma32, F32_MAX, toDyadic, mulExact, addExact, roundToF32 } from "@chimera/kernels";

/** The oracle: the exact a·b + c in BigInt, rounded to binary32 once. */
function exactFma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return Math.fround(a * b + c);
  return roundToF32(addExact(mulExact(toDyadic(a), toDyadic(b)), toDyadic(c)));
}

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
function* hardCases(n: number, seed: number): Generator<[number, number, number]> {
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

describe("fma32 (correctly rounded binary32 fused multiply-add)", () => {
  const n = Number(process.env.CHIMERA_FMA_CASES ?? 200_000);

  it(`equals the exact BigInt result on ${n} hard cases`, () => {
    let bad = 0, naiveWrong = 0;
    const first: string[] = [];
    for (const [a, b, c] of hardCases(n, 12345)) {
      const want = exactFma(a, b, c), got = fma32(a, b, c);
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) {
        if (++bad <= 5) first.push(`fma32(${a}, ${b}, ${c}) = ${got}, want ${want}`);
      }
      if (!Object.is(Math.fround(a * b + c), want) && !Number.isNaN(want)) naiveWrong++;
    }
    expect(first, first.join("\n")).to.deep.equal([]);
    // the generator does reach the cases where the naive version fails (the test can fail)
    expect(naiveWrong).to.be.greaterThan(n / 100);
  });

  it("gets the classic double-rounding case right", () => {
    // 1 + 2^-24 - 2^-70: binary64 rounds to the midpoint 1 + 2^-24, ties-to-even then gives 1 (right),
    // and 1 + 3·2^-24 + tiny must round up.
    const a = Math.fround(1 + 2 ** -23) * 2 ** -12, b = Math.fround(1 - 2 ** -23) * 2 ** -12;
    expect(fma32(a, b, 1)).to.equal(1);
    const c = Math.fround(1 + 2 ** -23);
    const a2 = Math.fround(1 + 2 ** -23) * 2 ** -12, b2 = Math.fround(1 + 2 ** -23) * 2 ** -12;
    expect(fma32(a2, b2, c)).to.equal(Math.fround(1 + 2 * 2 ** -23));
    // 1 + 2^-23 + 2^-24 − 2^-70: binary64 gives the midpoint, ties-to-even rounds up, the truth is down
    expect(fma32(a, b, c)).to.equal(c);
    expect(Math.fround(a * b + c)).to.equal(Math.fround(1 + 2 * 2 ** -23));
  });

  it("handles signed zeros, Inf, NaN and the overflow threshold", () => {
    expect(Object.is(fma32(-0, 1, -0), -0)).to.equal(true);
    expect(Object.is(fma32(1, 1, -1), 0)).to.equal(true);
    expect(Object.is(fma32(-1, 0, 0), 0)).to.equal(true);
    expect(fma32(Infinity, 1, -Infinity)).to.be.NaN;
    expect(fma32(NaN, 0, 1)).to.be.NaN;
    expect(fma32(F32_MAX, 2, -F32_MAX)).to.equal(F32_MAX);
    // MAX + half an ulp overflows; just below it does not
    const halfUlp = 2 ** 103;
    expect(fma32(halfUlp, 1, F32_MAX)).to.equal(Infinity);
    expect(fma32(Math.fround(halfUlp * (1 - 2 ** -23)), 1, F32_MAX)).to.equal(F32_MAX);
  });
});

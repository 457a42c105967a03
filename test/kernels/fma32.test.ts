import { expect } from "chai";
import { fma32, F32_MAX, toDyadic, mulExact, addExact, roundToF32 } from "@chimera/kernels";
import { hardCases } from "./fma-cases.js";

/** The oracle: the exact a·b + c in BigInt, rounded to binary32 once. */
function exactFma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return Math.fround(a * b + c);
  return roundToF32(addExact(mulExact(toDyadic(a), toDyadic(b)), toDyadic(c)));
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

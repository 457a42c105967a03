import { expect } from "chai";
import { fma32, fmaStep } from "@chimera/kernels";
import { hardCases } from "./fma-cases.js";

/**
 * fmaStep (the emulations' inner FMA: one binary64 sum, RN32 unless the sum's 28 low significand
 * bits are all zero) must give fma32's bits on every input, midpoints and subnormals included.
 */
describe("fmaStep (the emulations' fast fused multiply-add)", () => {
  const n = Number(process.env.CHIMERA_FMA_CASES ?? 200_000);
  const same = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

  it(`equals fma32 on ${n} hard cases`, () => {
    const first: string[] = [];
    for (const [a, b, c] of hardCases(n, 777)) {
      const want = fma32(a, b, c), got = fmaStep(a, b, c);
      if (!same(got, want) && first.length < 5) first.push(`fmaStep(${a}, ${b}, ${c}) = ${got}, want ${want}`);
    }
    expect(first, first.join("\n")).to.deep.equal([]);
  });

  it("equals fma32 on sums that land exactly on binary32 midpoints, normal and subnormal", () => {
    const first: string[] = [];
    let s = 99;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 20_000; i++) {
      // c·(1 + 2^-24) is a midpoint when c has a zero last bit; a·b = c·2^-24 (+ a tiny nudge) reaches it.
      const e = (next() % 300) - 160;
      const c = Math.fround((1 + (next() & 0x7ffffe) * 2 ** -23) * 2 ** e) * (next() & 1 ? 1 : -1);
      const a = Math.fround(c * 2 ** -12), b0 = 2 ** -12, nudge = [0, 2 ** -40, -(2 ** -40)][next() % 3]!;
      const b = Math.fround(b0 * (1 + nudge));
      for (const [x, y, z] of [[a, b, c], [a, -b, c], [a, b, -c], [2 ** -75 * (next() % 7 + 1), 2 ** -75, Math.fround(2 ** -149 * (next() % 64))]] as const) {
        const want = fma32(x, y, z), got = fmaStep(x, y, z);
        if (!same(got, want) && first.length < 5) first.push(`fmaStep(${x}, ${y}, ${z}) = ${got}, want ${want}`);
      }
    }
    expect(first, first.join("\n")).to.deep.equal([]);
  });
});

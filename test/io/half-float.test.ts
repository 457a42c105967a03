import { expect } from "chai";
import { float16BitsToNumber, numberToFloat16Bits, bfloat16BitsToNumber, numberToBfloat16Bits } from "@chimera/tensor";

/** binary16 decoded straight from the IEEE 754 definition, as an independent oracle. */
function f16Oracle(h: number): number {
  const s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
  const v = e === 0 ? m / 1024 * 2 ** -14 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return s ? -v : v;
}

describe("io/half-float", () => {
  it("decodes all 65536 float16 patterns as the IEEE definition says, and encodes them back", () => {
    for (let h = 0; h < 65536; h++) {
      const v = float16BitsToNumber(h);
      const want = f16Oracle(h);
      if (Number.isNaN(want)) { expect(v).to.be.NaN; continue; }
      expect(Object.is(v, want), `pattern ${h.toString(16)}`).to.equal(true);
      expect(numberToFloat16Bits(v), `pattern ${h.toString(16)}`).to.equal(h);
    }
  });

  it("rounds to nearest, ties to even, and overflows at 65520", () => {
    expect(numberToFloat16Bits(1 + 2 ** -11)).to.equal(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).to.equal(0x3c02); // tie: even is 1+2^-9
    expect(numberToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).to.equal(0x3c01);
    expect(numberToFloat16Bits(65519.99)).to.equal(0x7bff);
    expect(numberToFloat16Bits(65520)).to.equal(0x7c00);
    expect(numberToFloat16Bits(-(2 ** -25))).to.equal(0x8000); // half the smallest subnormal: tie to 0
    expect(numberToFloat16Bits(3 * 2 ** -25)).to.equal(0x0002);
    expect(numberToFloat16Bits(NaN) & 0x7e00).to.equal(0x7e00);
  });

  it("bfloat16 is the top half of binary32, rounded to nearest even", () => {
    expect(bfloat16BitsToNumber(0x3f80)).to.equal(1);
    expect(bfloat16BitsToNumber(0xc049)).to.equal(-3.140625);
    expect(numberToBfloat16Bits(1 + 2 ** -8)).to.equal(0x3f80); // tie to even
    expect(numberToBfloat16Bits(1 + 3 * 2 ** -8)).to.equal(0x3f82);
    expect(numberToBfloat16Bits(Math.fround(1 + 2 ** -8 + 2 ** -20))).to.equal(0x3f81);
    expect(numberToBfloat16Bits(3.4e38)).to.equal(0x7f80); // rounds up to infinity
    expect(Number.isNaN(bfloat16BitsToNumber(numberToBfloat16Bits(NaN)))).to.equal(true);
    for (let b = 0; b < 65536; b += 7) {
      const v = bfloat16BitsToNumber(b);
      if (!Number.isNaN(v)) expect(numberToBfloat16Bits(v)).to.equal(b);
    }
  });
});

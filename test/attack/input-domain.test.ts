import { expect } from "chai";
import { uint8ImageDomain as dom } from "@chimera/attack";
import { quantize8, Rng, toFloat01 } from "@chimera/tensor";

describe("attack: uint8ImageDomain", () => {
  it("is the identity on the 8-bit grid, bit for bit, and encode/decode round-trip every byte", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const grid = toFloat01(bytes);
    expect(Array.from(dom.quantize(grid))).to.deep.equal(Array.from(grid));
    expect(Array.from(dom.decode(bytes))).to.deep.equal(Array.from(grid));
    expect(Array.from(dom.encode(grid))).to.deep.equal(Array.from(bytes));
  });

  it("maps arbitrary values to the nearest grid value, as toFloat01(quantize8(x)) does, clamping to [0, 1]", () => {
    const rng = new Rng(5);
    const x = Float32Array.from({ length: 5000 }, () => rng.uniform(-0.2, 1.2));
    x[0] = 0.5; x[1] = 127.5 / 255; x[2] = 0.5 / 255;
    const q = dom.quantize(x);
    expect(Array.from(q)).to.deep.equal(Array.from(toFloat01(quantize8(x))));
    for (let i = 0; i < x.length; i++) {
      const v = Math.min(1, Math.max(0, x[i]!));
      expect(Math.abs(q[i]! - v), `x[${i}] = ${x[i]}`).to.be.at.most(0.5 / 255 + 1e-7);
    }
    expect(() => dom.quantize([0.1, NaN])).to.throw(/value 1 is NaN/);
  });
});

import { expect } from "chai";
import { toFloat01, quantize8 } from "@chimera/tensor";

describe("io/pixel-scale", () => {
  it("toFloat01 gives the binary32 nearest v/255 (checked against both binary32 neighbours)", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const f = toFloat01(all);
    const buf = new Float32Array(1), bits = new Uint32Array(buf.buffer);
    for (let v = 0; v < 256; v++) {
      const x = f[v]!;
      buf[0] = x; bits[0]! += 1; const up = buf[0]!;
      buf[0] = x; if (x > 0) bits[0]! -= 1; const down = buf[0]!;
      // |x - v/255| <= half an ulp: compare 255x - v exactly in binary64 with the neighbours' distances
      const err = Math.abs(x * 255 - v);
      expect(err, `v=${v}`).to.be.at.most(Math.abs(up * 255 - v));
      if (x > 0) expect(err, `v=${v}`).to.be.at.most(Math.abs(down * 255 - v));
    }
    expect(f[0]).to.equal(0);
    expect(f[255]).to.equal(1);
    expect(f[128]).to.equal(Math.fround(128 / 255));
  });

  it("quantize8 inverts toFloat01 for every byte", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(quantize8(toFloat01(all)))).to.deep.equal(Array.from(all));
  });

  it("quantize8 rounds to nearest, ties to even, and clamps", () => {
    // 255x has a fractional part of exactly 1/2 only for x = odd * 0.5 (255a/2^p = n + 1/2 forces
    // 2n+1 to be a multiple of 255), so in range the one tie is x = 0.5 -> 127.5 -> 128 (even).
    expect(quantize8(new Float32Array([0.5]))[0]).to.equal(128);
    const below = Math.fround(0.5 - 2 ** -25), above = Math.fround(0.5 + 2 ** -24);
    expect(Array.from(quantize8(new Float32Array([below, above])))).to.deep.equal([127, 128]);
    // brute force against the definition on a grid of binary32 values
    for (let m = 0; m <= 4096; m++) {
      const x = Math.fround(m / 4096 + 1e-7);
      const y = x * 255;
      const nearest = Math.min(255, y - Math.floor(y) < 0.5 ? Math.floor(y) : Math.ceil(y));
      expect(quantize8(new Float32Array([x]))[0], `x=${x}`).to.equal(nearest);
    }
    expect(Array.from(quantize8(new Float32Array([-3, -0, 1.5, Infinity, -Infinity])))).to.deep.equal([0, 0, 255, 255, 0]);
    expect(() => quantize8(new Float32Array([0, NaN]))).to.throw(RangeError, /f\[1\] is NaN/);
  });
});

import { expect } from "chai";
import { inflateSync } from "node:zlib";
import { crc32, encodeGrayPng } from "@chimera/lab";

describe("lab: PNG encoder", () => {
  it("computes the standard CRC-32 check value and chunk CRCs", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).to.equal(0xcbf43926);
    const png = encodeGrayPng(3, 2, Uint8Array.from([0, 128, 255, 1, 2, 3]));
    expect(png.readUInt32BE(png.length - 4)).to.equal(0xae426082); // the IEND chunk's well-known CRC
    expect(png.readUInt32BE(16)).to.equal(3);
    expect(png.readUInt32BE(20)).to.equal(2);
    const idat = png.subarray(41, 41 + png.readUInt32BE(33));
    expect([...inflateSync(idat)]).to.deep.equal([0, 0, 128, 255, 0, 1, 2, 3]);
    expect(() => encodeGrayPng(3, 3, new Uint8Array(6))).to.throw(/expected 3×3 = 9 pixels, got 6/);
  });
});

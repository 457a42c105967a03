import { expect } from "chai";
import { gzipSync } from "node:zlib";
import { readIdx, writeIdx, IoFormatError } from "@chimera/tensor";

/** An IDX file by hand: 00 00 08 ndims, big-endian uint32 sizes, bytes. */
function idxBytes(dims: number[], data: number[], type = 0x08): Uint8Array {
  const head = [0, 0, type, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...head, ...data]);
}

describe("io/idx", () => {
  it("reads hand-built image and label files, plain and gzip", () => {
    const images = idxBytes([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const b of [images, new Uint8Array(gzipSync(images))]) {
      const a = readIdx(b, "images", 3);
      expect(a.dims).to.deep.equal([2, 2, 3]);
      expect(Array.from(a.data)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
    expect(readIdx(idxBytes([300], new Array(300).fill(9))).dims).to.deep.equal([300]); // 300 = 00 00 01 2c
  });

  it("writeIdx is the inverse of readIdx", () => {
    expect(Array.from(writeIdx([2, 1], new Uint8Array([4, 5])))).to.deep.equal(Array.from(idxBytes([2, 1], [4, 5])));
  });

  const cases: [string, Uint8Array, RegExp, number?][] = [
    ["a non-IDX magic", new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), /expected an IDX magic 00 00 <type> <ndims>, found 50 4b 03 04/],
    ["a non-byte element type", idxBytes([1], [0, 0, 0, 0], 0x0d), /element type 0x08 \(unsigned byte\), found 0x0d \(float\)/],
    ["labels where images were expected", idxBytes([2], [1, 2]), /expected 3 dimensions \(magic 00 00 08 03\), found 1/, 3],
    ["a truncated header", idxBytes([2, 28, 28], []).subarray(0, 10), /file ends inside the 3 dimension sizes/],
    ["short data", idxBytes([2, 2], [1, 2, 3]), /dimensions \[2, 2\] need 4 data bytes after the 12-byte header, found 3/],
    ["trailing data", idxBytes([1], [1, 2]), /need 1 data bytes after the 8-byte header, found 2/],
    ["corrupt gzip", new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), /gzip data is corrupt or truncated/],
  ];
  for (const [name, bytes, message, dims] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => readIdx(bytes, "f.idx", dims)).to.throw(IoFormatError, message).with.property("message").that.matches(/^f\.idx: /);
    });
  }
});

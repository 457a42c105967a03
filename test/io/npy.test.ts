import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNpy, writeNpy, readNpyFile, writeNpyFile, IoFormatError, type HostArray } from "@chimera/tensor";

/** A .npy file assembled by hand from the spec (numpy.lib.format): magic, version, length, dict, data. */
function npyBytes(dict: string, data: Uint8Array, major = 1, pad = true): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  let header = dict;
  if (pad) {
    const total = prefix + header.length + 1;
    header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  }
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, header.length, true); else v.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, prefix + header.length);
  return out;
}

const f32le = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

describe("io/npy", () => {
  it("reads a hand-built v1.0 float32 file", () => {
    const a = readNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32le(0, 1.5, -2, 3, 4, 1e-8)));
    expect(a.dtype).to.equal("float32");
    expect(a.shape).to.deep.equal([2, 3]);
    expect(Array.from(a.data as Float32Array)).to.deep.equal([0, 1.5, -2, 3, 4, Math.fround(1e-8)]);
  });

  it("reads v2.0 and v3.0 headers, double quotes, scalars and int64", () => {
    const d = new Uint8Array(new BigInt64Array([-5n, 2n ** 40n]).buffer);
    const a = readNpy(npyBytes(`{"descr": "<i8", "fortran_order": False, "shape": (2,)}`, d, 2));
    expect(Array.from(a.data as BigInt64Array)).to.deep.equal([-5n, 2n ** 40n]);
    const s = readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new Uint8Array(new Float64Array([0.1]).buffer), 3));
    expect(s.shape).to.deep.equal([]);
    expect((s.data as Float64Array)[0]).to.equal(0.1);
  });

  it("transposes fortran_order data to C order", () => {
    // 2x3 matrix [[1,2,3],[4,5,6]] stored column-major: 1 4 2 5 3 6
    const a = readNpy(npyBytes("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(new Int32Array([1, 4, 2, 5, 3, 6]).buffer)));
    expect(Array.from(a.data as Int32Array)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    // 2x2x2: element (i,j,k) stored at i + 2j + 4k, value 100i + 10j + k
    const f = new Int32Array(8);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) f[i + 2 * j + 4 * k] = 100 * i + 10 * j + k;
    const b = readNpy(npyBytes("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2, 2), }", new Uint8Array(f.buffer)));
    expect(Array.from(b.data as Int32Array)).to.deep.equal([0, 1, 10, 11, 100, 101, 110, 111]);
  });

  it("writes byte for byte what numpy 2.4 np.save writes (header padded to 64 bytes)", () => {
    // np.save of np.arange(6, dtype='<f4').reshape(2, 3): 118-byte header, data at offset 128.
    const out = writeNpy({ dtype: "float32", shape: [2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) });
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const header = dict + " ".repeat(118 - dict.length - 1) + "\n";
    expect(out.length).to.equal(152);
    expect(Array.from(out.subarray(0, 10))).to.deep.equal([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    expect(new TextDecoder("latin1").decode(out.subarray(10, 128))).to.equal(header);
    expect(Array.from(out.subarray(128))).to.deep.equal(Array.from(f32le(0, 1, 2, 3, 4, 5)));
    // np.save of np.array(3.5): shape () gets no growth padding; np.zeros(0, uint8): '|u1', (0,)
    const s = writeNpy({ dtype: "float64", shape: [], data: new Float64Array([3.5]) });
    expect(s.length).to.equal(136);
    expect(new TextDecoder().decode(s.subarray(10, 128))).to.match(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(\), \} +\n$/);
    const e = writeNpy({ dtype: "uint8", shape: [0], data: new Uint8Array(0) });
    expect(e.length).to.equal(128);
    expect(new TextDecoder().decode(e.subarray(10, 128))).to.contain("'descr': '|u1'").and.contain("'shape': (0,)");
  });

  it("always puts the data at a multiple of 64 bytes", () => {
    for (let rank = 0; rank < 12; rank++) {
      const shape: number[] = Array.from({ length: rank }, (_, i) => (i === 0 ? 12345 : 1));
      const n = shape.reduce((a, b) => a * b, 1);
      const out = writeNpy({ dtype: "uint8", shape, data: new Uint8Array(n) });
      const headerLen = out[8]! | (out[9]! << 8);
      expect((10 + headerLen) % 64, `rank ${rank}`).to.equal(0);
      expect(out[10 + headerLen - 1]).to.equal(0x0a);
    }
  });

  it("round-trips every dtype through memory and a file", () => {
    const arrays: HostArray[] = [
      { dtype: "float32", shape: [3], data: new Float32Array([1, -0, NaN]) },
      { dtype: "float64", shape: [1, 2], data: new Float64Array([Math.PI, -1e300]) },
      { dtype: "float16", shape: [2], data: new Float32Array([65504, 2 ** -24]) },
      { dtype: "int32", shape: [2], data: new Int32Array([-2147483648, 7]) },
      { dtype: "int64", shape: [1], data: new BigInt64Array([-(2n ** 63n)]) },
      { dtype: "uint8", shape: [2, 2], data: new Uint8Array([0, 1, 254, 255]) },
      { dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) },
    ];
    const dir = mkdtempSync(join(tmpdir(), "chimera-npy-"));
    try {
      for (const a of arrays) {
        const b = readNpy(writeNpy(a));
        expect(b.dtype).to.equal(a.dtype);
        expect(b.shape).to.deep.equal(a.shape);
        expect(Array.from(b.data as ArrayLike<unknown>)).to.deep.equal(Array.from(a.data as ArrayLike<unknown>));
        writeNpyFile(join(dir, "a.npy"), a);
        expect(Array.from(readNpyFile(join(dir, "a.npy")).data as ArrayLike<unknown>)).to.deep.equal(Array.from(a.data as ArrayLike<unknown>));
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  const dict = (descr: string, shape = "(2,)", fortran = "False") => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const cases: [string, Uint8Array, RegExp][] = [
    ["bad magic", new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0, 0]), /magic string.*found 50 4b 03 04/],
    ["unknown version", (() => { const b = npyBytes(dict("<f4"), f32le(1, 2)); b[6] = 4; return b; })(), /version 1\.0, 2\.0 or 3\.0, found 4\.0/],
    ["header past the end", npyBytes(dict("<f4"), new Uint8Array(0)).subarray(0, 40), /header length 118 runs past the end/],
    ["big-endian", npyBytes(dict(">f4"), f32le(1, 2)), /big-endian/],
    ["unsupported descr", npyBytes(dict("<c8"), new Uint8Array(16)), /unsupported descr '<c8'/],
    ["structured descr", npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f32le(1, 2)), /structured/],
    ["missing key", npyBytes("{'descr': '<f4', 'shape': (2,), }", f32le(1, 2)), /keys descr, fortran_order, shape; found descr,shape/],
    ["bad fortran_order", npyBytes(dict("<f4", "(2,)", "1"), f32le(1, 2)), /fortran_order must be True or False/],
    ["short data", npyBytes(dict("<f4", "(3,)"), f32le(1, 2)), /needs 12 data bytes .* found 8/],
    ["trailing data", npyBytes(dict("<f4", "(1,)"), f32le(1, 2)), /needs 4 data bytes .* found 8/],
    ["negative dim", npyBytes(dict("<f4", "(-1,)"), f32le(1, 2)), /shape\[0\] must be a non-negative integer, found -1/],
    ["garbage header", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) @", f32le(1, 2)), /header: expected "," or "}"/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`rejects ${name} with an error that says what is wrong`, () => {
      expect(() => readNpy(bytes)).to.throw(IoFormatError, message).with.property("message").that.matches(/^readNpy\(buffer\): /);
    });
  }

  it("names the file in errors and refuses bfloat16 and mismatched data on write", () => {
    expect(() => readNpyFile("/nonexistent/x.npy")).to.throw(/x\.npy/);
    expect(() => writeNpy({ dtype: "bfloat16", shape: [1], data: new Float32Array(1) })).to.throw(/no bfloat16/);
    expect(() => writeNpy({ dtype: "float32", shape: [3], data: new Float32Array(2) })).to.throw(/needs 3 elements, data has 2/);
    expect(() => writeNpy({ dtype: "float32", shape: [2], data: new Float64Array(2) } as unknown as HostArray)).to.throw(/Float32Array, found Float64Array/);
  });
});

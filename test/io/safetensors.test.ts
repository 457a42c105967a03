import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  readSafetensors, writeSafetensors, readSafetensorsFile, writeSafetensorsFile, IoFormatError, type HostArray,
} from "@chimera/tensor";

/** A safetensors file assembled by hand from the spec: u64 LE header length, JSON text, data. */
function stBytes(header: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32le = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const ascii = (b: Uint8Array) => new TextDecoder().decode(b);

describe("io/safetensors", () => {
  it("writes the bytes of upstream's test_serialization and test_empty (safetensors/src/tensor.rs)", () => {
    const one = writeSafetensors(new Map([["attn.0", { dtype: "float32", shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } as HostArray]]));
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).to.equal(64);
    expect(Array.from(one)).to.deep.equal([64, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode(header), ...f32le(0, 1, 2, 3, 4, 5)]);
    expect(Array.from(writeSafetensors({}))).to.deep.equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const meta = writeSafetensors({}, { framework: "pt" });
    expect(meta[0]).to.equal(40);
    expect(ascii(meta.subarray(8))).to.equal('{"__metadata__":{"framework":"pt"}}     ');
  });

  it("pads the header with spaces to a multiple of 8 (upstream test_serialization_forced_alignement)", () => {
    const out = writeSafetensors({ attn0: { dtype: "float32", shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    expect(out[0]).to.equal(72);
    expect(ascii(out.subarray(8, 80))).to.equal('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
  });

  it("orders tensors by decreasing dtype alignment, then name, as upstream prepare() does", () => {
    const out = writeSafetensors({
      b: { dtype: "uint8", shape: [1], data: new Uint8Array([9]) },
      a: { dtype: "uint8", shape: [2], data: new Uint8Array([7, 8]) },
      w: { dtype: "float16", shape: [1], data: new Float32Array([1]) },
      z: { dtype: "float64", shape: [], data: new Float64Array([2]) },
      y: { dtype: "float32", shape: [1], data: new Float32Array([3]) },
    });
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    const keys = Object.keys(JSON.parse(ascii(out.subarray(8, 8 + n))));
    expect(keys).to.deep.equal(["z", "y", "w", "a", "b"]);
    expect(Array.from(out.subarray(8 + n + 8 + 4 + 2))).to.deep.equal([7, 8, 9]);
  });

  it("reads a hand-built file with metadata, F16, BF16, I64 and U8, tensors in any header order", () => {
    // F16 3c00 = 1, c000 = -2, 7bff = 65504, 0001 = 2^-24; BF16 3f80 = 1, 4049 = 3.140625
    const data = new Uint8Array([
      0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, // h: F16 [4], 0..8
      0x80, 0x3f, 0x49, 0x40, // g: BF16 [2], 8..12
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // i: I64 [1] = -2, 12..20
      5, // u: U8 [], 20..21
    ]);
    const f = readSafetensors(stBytes(
      '{"u":{"dtype":"U8","shape":[],"data_offsets":[20,21]},"__metadata__":{"format":"pt"},' +
      '"i":{"dtype":"I64","shape":[1],"data_offsets":[12,20]},"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},' +
      '"g":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}', data));
    expect(f.metadata).to.deep.equal({ format: "pt" });
    expect([...f.tensors.keys()]).to.deep.equal(["h", "g", "i", "u"]);
    expect(f.tensors.get("h")).to.deep.equal({ dtype: "float16", shape: [2, 2], data: new Float32Array([1, -2, 65504, 2 ** -24]) });
    expect(Array.from(f.tensors.get("g")!.data as Float32Array)).to.deep.equal([1, 3.140625]);
    expect(Array.from(f.tensors.get("i")!.data as BigInt64Array)).to.deep.equal([-2n]);
    expect(f.tensors.get("u")!.shape).to.deep.equal([]);
    expect(Array.from(f.tensors.get("u")!.data as Uint8Array)).to.deep.equal([5]);
  });

  it("round-trips through memory and a file", () => {
    const tensors = new Map<string, HostArray>([
      ["fc.weight", { dtype: "float32", shape: [2, 3], data: new Float32Array([1, 2, 3, -4, 5.5, 1e-30]) }],
      ["fc.bias", { dtype: "float64", shape: [2], data: new Float64Array([0.1, 0.2]) }],
      ["half", { dtype: "bfloat16", shape: [2], data: new Float32Array([-0.5, 256]) }],
      ["idx", { dtype: "int32", shape: [0], data: new Int32Array(0) }],
    ]);
    const dir = mkdtempSync(join(tmpdir(), "chimera-st-"));
    try {
      writeSafetensorsFile(join(dir, "m.safetensors"), tensors, { epoch: "3" });
      for (const f of [readSafetensors(writeSafetensors(tensors, { epoch: "3" })), readSafetensorsFile(join(dir, "m.safetensors"))]) {
        expect(f.metadata).to.deep.equal({ epoch: "3" });
        for (const [k, v] of tensors) expect(f.tensors.get(k), k).to.deep.equal(v);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  const t = (name: string, dtype: string, shape: string, b: number, e: number) =>
    `"${name}":{"dtype":"${dtype}","shape":${shape},"data_offsets":[${b},${e}]}`;
  const eight = new Uint8Array(8);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 200_000_000n, true);
  const cases: [string, Uint8Array, RegExp][] = [
    ["a file shorter than 8 bytes", new Uint8Array(5), /at least 8 bytes .* found 5/],
    ["a header length over 100 MB", huge, /header length 200000000 exceeds/],
    ["a header past the end", stBytes("{}", eight).subarray(0, 9), /header length 2 runs past the end of the file \(9 bytes\)/],
    ["invalid UTF-8", stBytes("{}", eight).fill(0xff, 8, 9), /not valid UTF-8/],
    ["a header not starting with {", stBytes(" {}", new Uint8Array(0)), /must start with "\{"/],
    ["invalid JSON", stBytes("{\"a\":", new Uint8Array(0)), /not valid JSON/],
    ["an unknown dtype", stBytes(`{${t("a", "F8_E4M3", "[8]", 0, 8)}}`, eight), /tensor "a": unsupported dtype "F8_E4M3"/],
    ["a bad shape", stBytes(`{${t("a", "U8", "[-8]", 0, 8)}}`, eight), /shape\[0\] must be a non-negative integer, found -8/],
    ["bad offsets", stBytes(`{"a":{"dtype":"U8","shape":[8],"data_offsets":[0]}}`, eight), /data_offsets must be \[begin, end\]/],
    ["reversed offsets", stBytes(`{${t("a", "U8", "[0]", 8, 0)}}`, eight), /\[8, 0\] end before they begin/],
    ["shape and byte length disagreeing", stBytes(`{${t("a", "F32", "[3]", 0, 8)}}`, eight), /shape \[3\] of F32 needs 12 bytes, data_offsets \[0, 8\] hold 8/],
    ["a gap", stBytes(`{${t("a", "U8", "[4]", 0, 4)},${t("b", "U8", "[3]", 5, 8)}}`, eight), /tensor "b": data_offsets begin at 5, expected 4: it leaves a gap/],
    ["an overlap", stBytes(`{${t("a", "U8", "[4]", 0, 4)},${t("b", "U8", "[6]", 2, 8)}}`, eight), /tensor "b": data_offsets begin at 2, expected 4: it overlaps/],
    ["offsets not covering the buffer", stBytes(`{${t("a", "U8", "[4]", 0, 4)}}`, eight), /cover 4 bytes of the data buffer but it holds 8/],
    ["offsets past the buffer", stBytes(`{${t("a", "U8", "[16]", 0, 16)}}`, eight), /cover 16 bytes of the data buffer but it holds 8/],
    ["non-string metadata", stBytes(`{"__metadata__":{"n":1}}`, new Uint8Array(0)), /__metadata__\["n"\] must be a string, found 1/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => readSafetensors(bytes)).to.throw(IoFormatError, message).with.property("message").that.matches(/^readSafetensors\(buffer\)/);
    });
  }

  it("refuses to write a tensor named __metadata__ or malformed arrays, naming the tensor", () => {
    expect(() => writeSafetensors({ __metadata__: { dtype: "uint8", shape: [0], data: new Uint8Array(0) } })).to.throw(/__metadata__/);
    expect(() => writeSafetensors({ w: { dtype: "float32", shape: [2, 2], data: new Float32Array(3) } })).to.throw(/tensor "w": shape \[2, 2\] needs 4 elements, data has 3/);
    expect(() => readSafetensorsFile("/nonexistent/m.safetensors")).to.throw(/m\.safetensors/);
  });
});

import { writeFileSync } from "node:fs";
import { readFileBounded } from "./bounded-read.js";
import { decodeElements, encodeElements } from "./element-codec.js";
import { DTYPE_BYTES, shapeSize, type DType, type HostArray, type HostData } from "./host-array.js";
import { hexPreview, ioFail } from "./io-error.js";
import { formatNpyDict, parsePyLiteral } from "./npy-header.js";

/**
 * NumPy .npy files, format versions 1.0, 2.0 and 3.0 (numpy.lib.format, NEP 1): the magic
 * "\x93NUMPY", major and minor version bytes, the header length (uint16 LE in 1.0, uint32 LE in
 * 2.0/3.0), the header dict (latin-1; UTF-8 in 3.0) padded with spaces and a final "\n" so the data
 * starts at a multiple of 64 bytes, then the raw elements.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** descr kind+size -> dtype. The byte-order character is checked separately. */
const DESCR_DTYPE: Readonly<Record<string, DType>> = {
  f2: "float16", f4: "float32", f8: "float64", i1: "int8", i2: "int16", i4: "int32", i8: "int64",
  u1: "uint8", u2: "uint16", u4: "uint32", u8: "uint64", b1: "bool",
};

/** dtype -> the descr NumPy writes for it on a little-endian machine. */
function descrOf(subject: string, dtype: DType): string {
  if (dtype === "bfloat16") ioFail(subject, "NumPy has no bfloat16 dtype; use float32 or safetensors");
  const code = Object.keys(DESCR_DTYPE).find((k) => DESCR_DTYPE[k] === dtype)!;
  return (DTYPE_BYTES[dtype] === 1 ? "|" : "<") + code;
}

/**
 * Parses a .npy file held in `buffer` into a C-ordered {@link HostArray}. Little-endian (or
 * byte-order-free one-byte) numeric dtypes only; `fortran_order: True` data is transposed to C order.
 * Throws {@link IoFormatError} naming `subject` and what was wrong.
 */
export function readNpy(buffer: Uint8Array, subject = "readNpy(buffer)"): HostArray {
  if (buffer.length < 10 || MAGIC.some((b, i) => buffer[i] !== b)) {
    ioFail(subject, `expected the magic string \\x93NUMPY, found ${hexPreview(buffer)}`);
  }
  const major = buffer[6]!, minor = buffer[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) ioFail(subject, `expected format version 1.0, 2.0 or 3.0, found ${major}.${minor}`);
  const lenBytes = major === 1 ? 2 : 4;
  const prefix = 8 + lenBytes;
  if (buffer.length < prefix) ioFail(subject, `file ends inside the header length (${buffer.length} bytes)`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = prefix + headerLen;
  if (dataStart > buffer.length) {
    ioFail(subject, `header length ${headerLen} runs past the end of the file (${buffer.length} bytes)`);
  }
  const headerText = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(buffer.subarray(prefix, dataStart));
  const header = parsePyLiteral(subject, headerText);
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    ioFail(subject, `header: expected a dict, found ${JSON.stringify(headerText.slice(0, 80))}`);
  }
  const keys = Object.keys(header).sort().join(",");
  if (keys !== "descr,fortran_order,shape") {
    ioFail(subject, `header: expected exactly the keys descr, fortran_order, shape; found ${keys || "none"}`);
  }
  const { descr, fortran_order: fortran, shape } = header;
  if (typeof descr !== "string") {
    ioFail(subject, `header: descr ${JSON.stringify(descr)} is a structured dtype; only plain numeric dtypes are supported`);
  }
  const dtype = DESCR_DTYPE[descr.slice(1)];
  if (dtype === undefined || !"<>|=".includes(descr[0]!)) {
    ioFail(subject, `header: unsupported descr '${descr}'; expected one of <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1`);
  }
  if (descr[0] === ">" && DTYPE_BYTES[dtype] > 1) {
    ioFail(subject, `header: descr '${descr}' is big-endian; only little-endian is supported (save with arr.astype('<${descr.slice(1)}'))`);
  }
  if (typeof fortran !== "boolean") ioFail(subject, `header: fortran_order must be True or False, found ${JSON.stringify(fortran)}`);
  if (!Array.isArray(shape)) ioFail(subject, `header: shape must be a tuple, found ${JSON.stringify(shape)}`);
  const dims = shape as number[];
  const n = shapeSize(`${subject}: header`, dims);
  const need = n * DTYPE_BYTES[dtype];
  const have = buffer.length - dataStart;
  if (have !== need) {
    ioFail(subject, `shape ${JSON.stringify(dims)} of ${descr} needs ${need} data bytes after the ${dataStart}-byte header, found ${have}`);
  }
  const data = decodeElements(subject, dtype, buffer.subarray(dataStart), n);
  return { dtype, shape: dims.slice(), data: fortran ? fortranToC(data, dims) : data } as HostArray;
}

/**
 * Serializes `array` as a .npy file, byte for byte what NumPy's `np.save` writes: version 1.0 (2.0
 * when the header would not fit in 65535 bytes), keys sorted, data aligned to 64 bytes, C order.
 */
export function writeNpy(array: HostArray, subject = "writeNpy(array)"): Uint8Array {
  const body = encodeElements(subject, array);
  const descr = descrOf(subject, array.dtype);
  const dict = formatNpyDict(descr, array.shape);
  // Total length (magic 6 + version 2 + length field + dict + "\n") rounded up to 64 as numpy's
  // _wrap_header does: padlen = 64 - (prefix + hlen) % 64, which is 64, not 0, when already aligned.
  let major = 1;
  let prefix = 10;
  let padded = paddedLength(prefix, dict.length + 1);
  if (padded > 0xffff) { major = 2; prefix = 12; padded = paddedLength(prefix, dict.length + 1); }
  const out = new Uint8Array(prefix + padded + body.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, padded, true); else view.setUint32(8, padded, true);
  out.fill(0x20, prefix, prefix + padded - 1);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out[prefix + padded - 1] = 0x0a;
  out.set(body, prefix + padded);
  return out;
}

function paddedLength(prefix: number, hlen: number): number {
  return hlen + (64 - ((prefix + hlen) % 64));
}

/** Reads a .npy file from disk; errors name the path. */
export function readNpyFile(path: string): HostArray {
  return readNpy(readFileBounded(path), path);
}

/** Writes `array` to `path` as a .npy file (see {@link writeNpy}). */
export function writeNpyFile(path: string, array: HostArray): void {
  writeFileSync(path, writeNpy(array, path));
}

/** Reorders column-major (Fortran) data of `shape` into row-major order. */
function fortranToC<T extends HostData>(data: T, shape: readonly number[]): T {
  const n = data.length;
  const k = shape.length;
  if (k < 2 || n === 0) return data;
  const out = new (data.constructor as new (n: number) => T)(n);
  const strides = new Array<number>(k); // Fortran strides in elements
  let s = 1;
  for (let d = 0; d < k; d++) { strides[d] = s; s *= shape[d]!; }
  const idx = new Array<number>(k).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    (out as unknown as unknown[])[i] = (data as unknown as unknown[])[src];
    for (let d = k - 1; d >= 0; d--) { // advance the C-order odometer, last axis fastest
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= idx[d]! * strides[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

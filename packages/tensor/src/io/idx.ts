import { readFileBounded } from "./bounded-read.js";
import { maybeGunzip } from "./gzip.js";
import { hexPreview, ioFail } from "./io-error.js";

/**
 * IDX files (LeCun's MNIST format, also Fashion-MNIST): a big-endian magic 00 00 TT DD where TT is
 * the element type (08 = unsigned byte, the only one MNIST-style data uses) and DD the number of
 * dimensions, then DD big-endian uint32 sizes, then the elements in row-major order. Images files
 * are 00 00 08 03 (n, rows, cols); label files 00 00 08 01 (n).
 */
export interface IdxArray {
  /** The sizes from the header, outermost first. */
  dims: number[];
  /** The elements, row-major; length is the product of `dims`. */
  data: Uint8Array;
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "short", 0x0c: "int", 0x0d: "float", 0x0e: "double",
};

/**
 * Parses an IDX file held in `buffer` (gunzipping it first when it starts with 1f 8b). Checks the
 * magic, the type byte (0x08 only), that `expectDims` matches when given (3 for images, 1 for
 * labels), and that the data length equals the product of the sizes exactly.
 */
export function readIdx(buffer: Uint8Array, subject = "readIdx(buffer)", expectDims?: number): IdxArray {
  const bytes = maybeGunzip(buffer, subject);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    ioFail(subject, `expected an IDX magic 00 00 <type> <ndims>, found ${hexPreview(bytes, 4)}`);
  }
  const type = bytes[2]!, ndims = bytes[3]!;
  if (type !== 0x08) {
    ioFail(subject, `expected element type 0x08 (unsigned byte), found 0x${type.toString(16).padStart(2, "0")} (${TYPE_NAMES[type] ?? "unknown"})`);
  }
  if (ndims === 0 || (expectDims !== undefined && ndims !== expectDims)) {
    const want = expectDims === undefined ? "at least 1" : String(expectDims);
    ioFail(subject, `expected ${want} dimensions (magic 00 00 08 0${want.length === 1 ? want : "N"}), found ${ndims}`);
  }
  const start = 4 + 4 * ndims;
  if (bytes.length < start) ioFail(subject, `file ends inside the ${ndims} dimension sizes (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let n = 1;
  for (let d = 0; d < ndims; d++) { dims.push(view.getUint32(4 + 4 * d, false)); n *= dims[d]!; }
  const have = bytes.length - start;
  if (have !== n) {
    ioFail(subject, `dimensions [${dims.join(", ")}] need ${n} data bytes after the ${start}-byte header, found ${have}`);
  }
  return { dims, data: bytes.slice(start) };
}

/** Reads an IDX file (plain or gzip) from disk; errors name the path. */
export function readIdxFile(path: string, expectDims?: number): IdxArray {
  return readIdx(readFileBounded(path), path, expectDims);
}

/**
 * Serializes unsigned bytes as an IDX file (type 0x08, big-endian sizes); the inverse of
 * {@link readIdx} before compression. Used to write fixtures.
 */
export function writeIdx(dims: readonly number[], data: Uint8Array, subject = "writeIdx(dims, data)"): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0 || dims.length > 255 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d <= 0xffffffff)) {
    ioFail(subject, `dims must be 1 to 255 integers in [0, 2^32), found [${dims.join(", ")}]`);
  }
  if (data.length !== n) ioFail(subject, `dims [${dims.join(", ")}] need ${n} bytes, data has ${data.length}`);
  const start = 4 + 4 * dims.length;
  const out = new Uint8Array(start + n);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, start);
  return out;
}

import { readFileSync, writeFileSync } from "node:fs";

/**
 * A minimal private .npy reader/writer for little-endian float32 arrays in C order, for the native
 * commands until @chimera/tensor's readNpyFile/writeNpyFile lands (then this file goes).
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html (versions 1-3).
 */
export interface NpyF32 {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Reads a float32 .npy file; throws naming the file and what is wrong. */
export function readNpyF32(path: string): NpyF32 {
  const buf = readFileSync(path);
  if (buf.length < 10 || !MAGIC.every((b, i) => buf[i] === b)) throw new Error(`${path}: not a .npy file (bad magic)`);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (descr !== "<f4") throw new Error(`${path}: dtype ${descr ?? "?"} is not supported (only little-endian float32, '<f4')`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran-order arrays are not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`${path}: no shape in header`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (buf.length - offset < count * 4) throw new Error(`${path}: shape (${shape.join(", ")}) needs ${count * 4} data bytes, has ${buf.length - offset}`);
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(buf.subarray(offset, offset + count * 4));
  return { shape, data };
}

/** Writes a float32 .npy file (version 1.0, header padded to 64 bytes). */
export function writeNpyF32(path: string, shape: readonly number[], data: Float32Array): void {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = Buffer.alloc(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, "latin1");
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  writeFileSync(path, out);
}

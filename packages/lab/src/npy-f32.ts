import { readNpy, writeNpyFile } from "@chimera/tensor";
import { readUserFile } from "./user-file.js";

/** The largest .npy operand read (a 16k × 16k float32 matrix); an endless file is refused after that. */
export const MAX_NPY_BYTES = 1 << 30;

/** A float32 array read from or written to .npy, with its shape. */
export interface NpyF32 {
  shape: number[];
  data: Float32Array;
}

/**
 * Reads a .npy file as float32 for the BLAS commands: '<f4' as is; float64 only when every value is
 * exactly a binary32 value (nothing is rounded silently); other dtypes are an error naming the file.
 * The file is read at most MAX_NPY_BYTES; a folder or missing file is an error saying what was `expected`.
 */
export function readNpyF32(path: string, expected = "a float32 .npy array"): NpyF32 {
  const a = readNpy(readUserFile(path, { what: ".npy file", expected, maxBytes: MAX_NPY_BYTES }), path);
  if (a.data instanceof Float32Array && a.dtype === "float32") return { shape: [...a.shape], data: a.data };
  if (a.data instanceof Float64Array) {
    const data = Float32Array.from(a.data);
    const i = data.findIndex((v, j) => !Object.is(v, a.data[j]) && !(Number.isNaN(v) && Number.isNaN(a.data[j] as number)));
    if (i >= 0) throw new Error(`${path}: float64 value ${a.data[i]} at index ${i} is not a binary32 value; save the array as float32 ('<f4')`);
    return { shape: [...a.shape], data };
  }
  throw new Error(`${path}: dtype ${a.dtype} is not supported; save the array as float32 ('<f4')`);
}

/** Writes a float32 .npy file. */
export function writeNpyF32(path: string, shape: readonly number[], data: Float32Array): void {
  writeNpyFile(path, { dtype: "float32", shape: [...shape], data });
}

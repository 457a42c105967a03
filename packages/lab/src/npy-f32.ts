import { readNpyFile, writeNpyFile } from "@chimera/tensor";

/** A float32 array read from or written to .npy, with its shape. */
export interface NpyF32 {
  shape: number[];
  data: Float32Array;
}

/**
 * Reads a .npy file as float32 for the BLAS commands: '<f4' as is; float64 only when every value is
 * exactly a binary32 value (nothing is rounded silently); other dtypes are an error naming the file.
 */
export function readNpyF32(path: string): NpyF32 {
  const a = readNpyFile(path);
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

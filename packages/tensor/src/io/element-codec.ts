import { ioFail } from "./io-error.js";
import { decodeHalf, encodeHalf } from "./half-float.js";
import { checkHostArray, decodeLittleEndian, littleEndianBytes, type DType, type DTypeData, type HostArray } from "./host-array.js";

/**
 * Decodes `n` little-endian elements of any {@link DType} from `bytes` into the typed array that
 * holds it in memory (float16/bfloat16 decode exactly to float32). Always a fresh, aligned copy.
 */
export function decodeElements<D extends DType>(subject: string, dtype: D, bytes: Uint8Array, n: number): DTypeData[D] {
  if (dtype === "float16" || dtype === "bfloat16") return decodeHalf(subject, dtype, bytes, n) as DTypeData[D];
  return decodeLittleEndian(subject, dtype as Exclude<DType, "float16" | "bfloat16">, bytes, n) as DTypeData[D];
}

/**
 * The little-endian bytes of a checked {@link HostArray} as a file stores them. float16/bfloat16 are
 * rounded to nearest even from their float32 values; other dtypes are a view of `data`, not a copy.
 */
export function encodeElements(subject: string, array: HostArray): Uint8Array {
  checkHostArray(subject, array);
  if (array.dtype === "float16" || array.dtype === "bfloat16") return encodeHalf(array.dtype, array.data as Float32Array);
  if (array.dtype === "bool") {
    const b = array.data as Uint8Array;
    for (let i = 0; i < b.length; i++) if (b[i]! > 1) ioFail(subject, `bool element ${i} is ${b[i]}, expected 0 or 1`);
  }
  return littleEndianBytes(subject, array.data);
}

import { endianness } from "node:os";
import { ioFail } from "./io-error.js";

/**
 * Element types the readers and writers know, named as NumPy names them. `float16` and `bfloat16`
 * are held in memory as a Float32Array of their exactly decoded values; `bool` as a Uint8Array of
 * 0/1; `int64`/`uint64` as BigInt64Array/BigUint64Array (see {@link narrowInt64}).
 */
export type DType =
  | "float16" | "bfloat16" | "float32" | "float64"
  | "int8" | "int16" | "int32" | "int64"
  | "uint8" | "uint16" | "uint32" | "uint64" | "bool";

/** The in-memory data type that holds each {@link DType}. */
export interface DTypeData {
  float16: Float32Array; bfloat16: Float32Array; float32: Float32Array; float64: Float64Array;
  int8: Int8Array; int16: Int16Array; int32: Int32Array; int64: BigInt64Array;
  uint8: Uint8Array; uint16: Uint16Array; uint32: Uint32Array; uint64: BigUint64Array; bool: Uint8Array;
}

/** Any of the typed arrays in {@link DTypeData}. */
export type HostData = DTypeData[DType];

/**
 * A dense, C-ordered (row-major) array on the host: the exchange form of every reader and writer,
 * independent of any Tensor class. `data.length` equals the product of `shape` (1 for shape []).
 */
export interface HostArray<D extends DType = DType> {
  dtype: D;
  shape: number[];
  data: DTypeData[D];
}

/** Bytes per element as stored in a file (float16/bfloat16: 2, although held as float32 in memory). */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};

const MEMORY_TYPE: Readonly<Record<DType, { new (n: number): HostData; name: string }>> = {
  float16: Float32Array, bfloat16: Float32Array, float32: Float32Array, float64: Float64Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
};

/** The name of the typed array class that holds `dtype` in memory, e.g. "Float32Array" for float16. */
export function memoryTypeName(dtype: DType): string {
  return MEMORY_TYPE[dtype].name;
}

/** Whether `v` is one of the {@link DType} names. */
export function isDType(v: unknown): v is DType {
  return typeof v === "string" && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, v);
}

/**
 * The number of elements of `shape`, checking every dimension is a safe non-negative integer and
 * the product stays below 2^53. `subject` names the caller for the error message.
 */
export function shapeSize(subject: string, shape: readonly unknown[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      ioFail(subject, `shape[${i}] must be a non-negative integer, found ${JSON.stringify(d)}`);
    }
    n *= d;
    if (!Number.isSafeInteger(n)) ioFail(subject, `shape [${shape.join(", ")}] has more than 2^53 elements`);
  }
  return n;
}

/**
 * Checks that `array` is a well-formed {@link HostArray}: a known dtype, the typed array that holds
 * it, and as many elements as its shape says. Returns the element count.
 */
export function checkHostArray(subject: string, array: HostArray): number {
  if (!isDType(array.dtype)) ioFail(subject, `unknown dtype ${JSON.stringify(array.dtype)}`);
  const n = shapeSize(subject, array.shape);
  const want = MEMORY_TYPE[array.dtype];
  if (!(array.data instanceof want)) {
    const got = (array.data as object | undefined)?.constructor?.name ?? typeof array.data;
    ioFail(subject, `dtype ${array.dtype} must be held in a ${want.name}, found ${got}`);
  }
  if (array.data.length !== n) {
    ioFail(subject, `shape [${array.shape.join(", ")}] needs ${n} elements, data has ${array.data.length}`);
  }
  return n;
}

/**
 * Copies `n` little-endian elements of `dtype` (not float16/bfloat16: see half-float.ts) from
 * `bytes` into a fresh typed array. The copy also fixes alignment: a Float32Array view needs a byte
 * offset that is a multiple of 4, which a file buffer slice need not have.
 */
export function decodeLittleEndian<D extends Exclude<DType, "float16" | "bfloat16">>(
  subject: string, dtype: D, bytes: Uint8Array, n: number,
): DTypeData[D] {
  requireLittleEndianHost(subject);
  const size = DTYPE_BYTES[dtype];
  if (bytes.length !== n * size) {
    ioFail(subject, `${n} elements of ${dtype} need ${n * size} bytes, found ${bytes.length}`);
  }
  const out = new MEMORY_TYPE[dtype](n) as DTypeData[D];
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  if (dtype === "bool") {
    const b = out as Uint8Array;
    for (let i = 0; i < n; i++) if (b[i]! > 1) ioFail(subject, `bool element ${i} is ${b[i]}, expected 0 or 1`);
  }
  return out;
}

/** The bytes of a typed array as stored little-endian (a view, not a copy). */
export function littleEndianBytes(subject: string, data: Exclude<HostData, never>): Uint8Array {
  requireLittleEndianHost(subject);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function requireLittleEndianHost(subject: string): void {
  if (endianness() !== "LE") ioFail(subject, "this reader assumes a little-endian host, found a big-endian one");
}

/**
 * Converts int64 data to an Int32Array, throwing if any element is outside [-2^31, 2^31). Labels
 * and indices saved by PyTorch are int64; this is the checked way to get ordinary numbers.
 */
export function narrowInt64(subject: string, data: BigInt64Array | BigUint64Array): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -2147483648n || v > 2147483647n) ioFail(subject, `element ${i} is ${v}, outside the int32 range`);
    out[i] = Number(v);
  }
  return out;
}

import { writeFileSync } from "node:fs";
import { readFileBounded } from "./bounded-read.js";
import { decodeElements, encodeElements } from "./element-codec.js";
import { DTYPE_BYTES, shapeSize, type DType, type HostArray } from "./host-array.js";
import { ioFail } from "./io-error.js";

/**
 * safetensors files (huggingface/safetensors, safetensors/src/tensor.rs): an 8-byte little-endian
 * u64 header length N, N bytes of UTF-8 JSON
 * `{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}`,
 * then the data buffer; offsets are relative to the buffer, little-endian, C order.
 */

/** A parsed safetensors file: tensors in file (offset) order, and the optional string metadata. */
export interface SafetensorsFile {
  tensors: Map<string, HostArray>;
  metadata: Record<string, string> | null;
}

/** The safetensors dtype names this reader knows, in the upstream `Dtype` enum order (increasing alignment). */
const STORED: ReadonlyArray<readonly [string, DType]> = [
  ["BOOL", "bool"], ["U8", "uint8"], ["I8", "int8"], ["I16", "int16"], ["U16", "uint16"],
  ["F16", "float16"], ["BF16", "bfloat16"], ["I32", "int32"], ["U32", "uint32"], ["F32", "float32"],
  ["F64", "float64"], ["I64", "int64"], ["U64", "uint64"],
];
const TO_DTYPE = new Map(STORED);
const TO_STORED = new Map(STORED.map(([s, d]) => [d, s] as const));
const RANK = new Map(STORED.map(([, d], i) => [d, i] as const));

/** Upstream MAX_HEADER_SIZE: a larger header is rejected as corrupt. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses a safetensors file held in `buffer`. Validates, with errors naming `subject` and the tensor:
 * header length sane and in bounds, UTF-8 JSON object, known dtypes, shapes of non-negative integers,
 * offsets that tile the data buffer from 0 to its end without gaps or overlaps, and byte lengths
 * equal to shape product times element size. F16/BF16 decode exactly to Float32Array.
 */
export function readSafetensors(buffer: Uint8Array, subject = "readSafetensors(buffer)"): SafetensorsFile {
  if (buffer.length < 8) ioFail(subject, `expected at least 8 bytes (the header length), found ${buffer.length}`);
  const n64 = new DataView(buffer.buffer, buffer.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    ioFail(subject, `header length ${n64} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  }
  const n = Number(n64);
  if (8 + n > buffer.length) ioFail(subject, `header length ${n} runs past the end of the file (${buffer.length} bytes)`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(8, 8 + n));
  } catch {
    return ioFail(subject, "header is not valid UTF-8");
  }
  if (!text.startsWith("{")) ioFail(subject, `header must start with "{", found ${JSON.stringify(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return ioFail(subject, `header is not valid JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) ioFail(subject, "header must be a JSON object");
  const entries: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  let metadata: Record<string, string> | null = null;
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") { metadata = checkMetadata(subject, info); continue; }
    const where = `${subject}: tensor ${JSON.stringify(name)}`;
    if (info === null || typeof info !== "object" || Array.isArray(info)) ioFail(where, "expected an object {dtype, shape, data_offsets}");
    const { dtype: stored, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const dtype = TO_DTYPE.get(stored as string);
    if (dtype === undefined) {
      ioFail(where, `unsupported dtype ${JSON.stringify(stored)}; expected one of ${STORED.map(([s]) => s).join(" ")}`);
    }
    if (!Array.isArray(shape)) ioFail(where, `shape must be an array, found ${JSON.stringify(shape)}`);
    const count = shapeSize(where, shape);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      ioFail(where, `data_offsets must be [begin, end] non-negative integers, found ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) ioFail(where, `data_offsets [${begin}, ${end}] end before they begin`);
    if (end - begin !== count * DTYPE_BYTES[dtype]) {
      ioFail(where, `shape [${shape.join(", ")}] of ${stored} needs ${count * DTYPE_BYTES[dtype]} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataLength = buffer.length - 8 - n;
  let cursor = 0;
  for (const e of entries) {
    if (e.begin !== cursor) {
      const what = e.begin < cursor ? "overlaps the previous tensor" : "leaves a gap after the previous tensor";
      ioFail(`${subject}: tensor ${JSON.stringify(e.name)}`, `data_offsets begin at ${e.begin}, expected ${cursor}: it ${what}`);
    }
    cursor = e.end;
  }
  if (cursor !== dataLength) {
    ioFail(subject, `tensors cover ${cursor} bytes of the data buffer but it holds ${dataLength} (${8 + n} header bytes, ${buffer.length} in all)`);
  }
  const tensors = new Map<string, HostArray>();
  const data = buffer.subarray(8 + n);
  for (const e of entries) {
    const where = `${subject}: tensor ${JSON.stringify(e.name)}`;
    const values = decodeElements(where, e.dtype, data.subarray(e.begin, e.end), (e.end - e.begin) / DTYPE_BYTES[e.dtype]);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: values } as HostArray);
  }
  return { tensors, metadata };
}

/**
 * Serializes tensors as a safetensors file, laid out as the upstream library does: tensors sorted
 * by decreasing dtype alignment then by name (UTF-8 byte order), compact JSON with `__metadata__`
 * first (its keys sorted here; upstream uses hash order), header padded with spaces to a multiple of 8.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, HostArray> | Readonly<Record<string, HostArray>>,
  metadata?: Readonly<Record<string, string>> | null,
  subject = "writeSafetensors(tensors)",
): Uint8Array {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors as Record<string, HostArray>);
  const bodies = new Map<string, Uint8Array>();
  for (const [name, t] of list) {
    if (name === "__metadata__") ioFail(subject, 'a tensor may not be named "__metadata__"');
    bodies.set(name, encodeElements(`${subject}: tensor ${JSON.stringify(name)}`, t));
  }
  const utf8 = new TextEncoder();
  list.sort(([na, a], [nb, b]) => RANK.get(b.dtype)! - RANK.get(a.dtype)! || Buffer.compare(utf8.encode(na), utf8.encode(nb)));
  const parts: string[] = [];
  if (metadata != null) {
    const keys = Object.keys(checkMetadata(subject, metadata)).sort();
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",")}}`);
  }
  let offset = 0;
  for (const [name, t] of list) {
    const len = bodies.get(name)!.length;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${TO_STORED.get(t.dtype)}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + len}]}`);
    offset += len;
  }
  const json = utf8.encode(`{${parts.join(",")}}`);
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const [name] of list) { const b = bodies.get(name)!; out.set(b, at); at += b.length; }
  return out;
}

/** Reads a safetensors file from disk; errors name the path. */
export function readSafetensorsFile(path: string): SafetensorsFile {
  return readSafetensors(readFileBounded(path), path);
}

/** Writes tensors (and optional metadata) to `path` as a safetensors file (see {@link writeSafetensors}). */
export function writeSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, HostArray> | Readonly<Record<string, HostArray>>,
  metadata?: Readonly<Record<string, string>> | null,
): void {
  writeFileSync(path, writeSafetensors(tensors, metadata, path));
}

function checkMetadata(subject: string, m: unknown): Record<string, string> {
  if (m === null || typeof m !== "object" || Array.isArray(m)) ioFail(subject, "__metadata__ must be an object of strings");
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== "string") ioFail(subject, `__metadata__[${JSON.stringify(k)}] must be a string, found ${JSON.stringify(v)}`);
  }
  return m as Record<string, string>;
}

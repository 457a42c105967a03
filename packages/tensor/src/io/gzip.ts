import { gunzipSync } from "node:zlib";
import { ioFail } from "./io-error.js";
import { MAX_FILE_BYTES } from "./bounded-read.js";

/** Whether `bytes` starts with the gzip magic 1f 8b (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * `bytes` gunzipped when it starts with the gzip magic, else `bytes` unchanged; errors name `subject`.
 * The output is capped at MAX_FILE_BYTES, so a gzip bomb is an error, not a process out of memory.
 */
export function maybeGunzip(bytes: Uint8Array, subject: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES });
  } catch (e) {
    return ioFail(subject, `gzip data is corrupt or truncated: ${(e as Error).message}`);
  }
}

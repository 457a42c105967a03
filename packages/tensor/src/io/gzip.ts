import { gunzipSync } from "node:zlib";
import { ioFail } from "./io-error.js";

/** Whether `bytes` starts with the gzip magic 1f 8b (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes` gunzipped when it starts with the gzip magic, else `bytes` unchanged; errors name `subject`. */
export function maybeGunzip(bytes: Uint8Array, subject: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    return ioFail(subject, `gzip data is corrupt or truncated: ${(e as Error).message}`);
  }
}

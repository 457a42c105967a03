import { readFileSync } from "node:fs";
import { MIN_KEY_BYTES } from "@chimera/defense";

/**
 * Reads the defender's secret from a file (all its bytes are the key). A missing, unreadable or short
 * file (< MIN_KEY_BYTES bytes) is an error that names the file and the byte count, never the key.
 */
export function readKeyFile(path: string): Uint8Array {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new Error(`cannot read key file ${path} (${code}); make one with: head -c 32 /dev/urandom > ${path}`);
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`key file ${path} holds ${key.length} bytes; the defense needs at least ${MIN_KEY_BYTES} ` +
      `(make one with: head -c 32 /dev/urandom > ${path})`);
  }
  return key;
}

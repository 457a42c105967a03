import { MIN_KEY_BYTES } from "@chimera/defense";
import { readUserFile } from "./user-file.js";

/** The longest key file read: a key is a few dozen random bytes; anything past 4 KiB is not a key. */
export const MAX_KEY_BYTES = 4096;

/**
 * Reads the defender's secret from a file (all its bytes are the key). A missing, unreadable, short
 * (< MIN_KEY_BYTES bytes) or long (> MAX_KEY_BYTES, e.g. /dev/zero, read no further than that) file
 * is an error that names the file and the byte count, never the key.
 */
export function readKeyFile(path: string): Uint8Array {
  const make = `make one with: head -c 32 /dev/urandom > ${path}`;
  const key = readUserFile(path, { what: "key file", expected: `${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} secret bytes (${make})`, maxBytes: MAX_KEY_BYTES });
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`key file ${path} holds ${key.length} bytes; the defense needs at least ${MIN_KEY_BYTES} (${make})`);
  }
  return key;
}

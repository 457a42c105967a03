import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ioFail } from "./io-error.js";

/** The most bytes the file readers read, unless told less: 1 GiB (well past any model or data set here). */
export const MAX_FILE_BYTES = 1 << 30;

/**
 * Reads the file at `path`, at most `maxBytes`: it reads maxBytes + 1 bytes at most, so an endless
 * file (/dev/zero, a FIFO fed forever) is an error instead of a process killed for memory. A folder
 * or a missing file is an error naming the path. The buffer is sized by fstat for regular files.
 */
export function readFileBounded(path: string, maxBytes = MAX_FILE_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return ioFail(path, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, expected a file" : (e as Error).message);
  }
  try {
    if (fstatSync(fd).isDirectory()) ioFail(path, "is a folder, expected a file");
    const bytes = readFdAtMost(fd, maxBytes);
    if (bytes === undefined) ioFail(path, `holds more than ${maxBytes} bytes, more than such a file can legitimately hold`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * The rest of open file `fd`, or undefined when it holds more than `maxBytes` (it reads maxBytes + 1
 * bytes at most, so an endless file never fills memory). The buffer is sized by fstat for regular
 * files (grown when the file grows); endless devices report 0 and grow to the cap.
 */
export function readFdAtMost(fd: number, maxBytes: number): Buffer | undefined {
  const cap = maxBytes + 1;
  let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(fstatSync(fd).size + 1, 1 << 16)));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const got = readSync(fd, buf, n, buf.length - n, null);
    if (got === 0) break;
    n += got;
    if (n > maxBytes) return undefined;
  }
  return buf.subarray(0, n);
}

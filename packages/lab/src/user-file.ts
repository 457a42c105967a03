import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** What a user-named file is for, to name it in errors: "key file", "a JSON file from chimera probe --out". */
export interface UserFileKind {
  /** What the file is, e.g. "key file". */
  what: string;
  /** What it should hold, e.g. "16 to 4096 random bytes". */
  expected: string;
  /** The most bytes such a file can legitimately hold; a longer one is refused after reading maxBytes + 1. */
  maxBytes: number;
}

/**
 * The one-line reason a file system error on `path` happened, naming the file, what it is and what
 * was expected ("weights file x is a folder; expected a .safetensors file"); undefined for other errors.
 */
export function fileProblem(e: unknown, path: string, kind: Pick<UserFileKind, "what" | "expected">): string | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code === "ENOENT" ? "does not exist"
    : code === "EISDIR" ? "is a folder"
    : code === "ENOTDIR" ? "is under something that is not a folder"
    : code === "EACCES" || code === "EPERM" ? "is not readable (permission denied)"
    : undefined;
  return why === undefined ? undefined : `${kind.what} ${path} ${why}; expected ${kind.expected}`;
}

/**
 * Reads a file the user named, at most `kind.maxBytes` bytes: it reads maxBytes + 1 bytes at most,
 * so an endless file (/dev/zero, a FIFO fed forever) is refused instead of filling memory. Missing
 * files, folders and unreadable files are errors naming the file and what was expected.
 */
export function readUserFile(path: string, kind: UserFileKind): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
    }
  } catch (e) {
    throw new Error(fileProblem(e, path, kind) ?? `cannot open ${kind.what} ${path}: ${(e as Error).message}`);
  }
  try {
    // Sized by fstat for regular files (grown when the file grows); endless devices report 0 and grow to the cap.
    const cap = kind.maxBytes + 1;
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
      if (n > kind.maxBytes) {
        throw new Error(`${kind.what} ${path} holds more than ${kind.maxBytes} bytes (the most it can legitimately hold); expected ${kind.expected}`);
      }
    }
    return buf.subarray(0, n);
  } catch (e) {
    const problem = fileProblem(e, path, kind);
    throw problem === undefined ? e : new Error(problem);
  } finally {
    closeSync(fd);
  }
}

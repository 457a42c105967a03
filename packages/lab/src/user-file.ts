import { closeSync, fstatSync, openSync } from "node:fs";
import { readFdAtMost } from "@chimera/tensor";

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
    const bytes = readFdAtMost(fd, kind.maxBytes);
    if (bytes === undefined) {
      throw new Error(`${kind.what} ${path} holds more than ${kind.maxBytes} bytes (the most it can legitimately hold); expected ${kind.expected}`);
    }
    return bytes;
  } catch (e) {
    const problem = fileProblem(e, path, kind);
    throw problem === undefined ? e : new Error(problem);
  } finally {
    closeSync(fd);
  }
}

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, ftruncateSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** Every whole JSON line of a JSONL file (none when it does not exist; a torn last line from a kill is skipped). */
export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a line cut short by a kill: that unit is computed again
    }
  }
  return out;
}

/** Cuts the open file `fd` back to just after its last newline; returns the bytes dropped (0 when whole). */
function cutTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(1 << 16);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return size - keep;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
  return size;
}

/**
 * Repairs a JSONL file in place: a last line without its newline (a run killed mid-write) is cut
 * off, so `jq` and every other reader see whole lines only. Returns the bytes dropped (0 when the
 * file is whole or absent).
 */
export function repairTornTail(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, "r+");
  try {
    return cutTornTail(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends one JSON line (a finished unit of work) to a log file with a single write, after cutting
 * off a torn last line a killed run may have left, so the file only ever holds whole lines plus, at
 * worst, one torn line while a write is cut short by a kill.
 */
export function appendJsonl(path: string, record: object): void {
  mkdirSync(dirname(path), { recursive: true });
  const line = Buffer.from(JSON.stringify(record) + "\n");
  const fd = openSync(path, "a+");
  try {
    cutTornTail(fd);
    let done = writeSync(fd, line);
    while (done < line.length) done += writeSync(fd, line, done); // a short write (full disk) continues; never seen in practice
  } finally {
    closeSync(fd);
  }
}

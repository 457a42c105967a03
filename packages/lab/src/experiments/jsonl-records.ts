import { existsSync, readFileSync } from "node:fs";

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

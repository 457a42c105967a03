import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A markdown table: a header row, a rule, then the rows (cells are written as given). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

/** A rate as a percentage with one decimal, e.g. "18.8%". */
export function percent(rate: number): string {
  return `${(100 * rate).toFixed(1)}%`;
}

/** Writes `<out>/summary.json` and `<out>/summary.md` (and any `figures`, by file name); returns their paths. */
export function writeReport(out: string, summary: object, markdown: string, figures: Record<string, string> = {}): { json: string; markdown: string; figures: string[] } {
  mkdirSync(out, { recursive: true });
  const json = join(out, "summary.json"), md = join(out, "summary.md");
  writeFileSync(json, JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(md, markdown);
  const paths = Object.entries(figures).map(([name, text]) => {
    const p = join(out, name);
    writeFileSync(p, text);
    return p;
  });
  return { json, markdown: md, figures: paths };
}

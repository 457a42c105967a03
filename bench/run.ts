// Runs every bench file in this folder, one process each (so one bench's JIT state cannot skew another).
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const skip = new Set(["run.js", "table.js"]);
const files = readdirSync(here).filter((f) => f.endsWith(".js") && !skip.has(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n== bench/${f.replace(/\.js$/, ".ts")}`);
  const r = spawnSync(process.execPath, [join(here, f)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;

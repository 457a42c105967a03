// Builds the addon and its shared objects with node-gyp (npm's own copy: npm puts it on PATH for
// lifecycle scripts and names it in npm_config_node_gyp). Runs as this package's "install" script, so
// `npm ci` at the root builds it. Without a C toolchain the build fails softly: the pure-TypeScript
// packages still install, and every native backend reports available: false with the reason.
// `--strict` (npm run build:native) or CHIMERA_REQUIRE_NATIVE=1 makes a failed build an error.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const strict = process.argv.includes("--strict") || process.env.CHIMERA_REQUIRE_NATIVE === "1";
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp, "rebuild"]] : ["node-gyp", ["rebuild"]];
const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  const why = r.error ? r.error.message : `exit code ${r.status}`;
  console.warn(`@chimera/native: addon build failed (${why}); native backends will be unavailable.`);
  if (strict) process.exit(1);
}

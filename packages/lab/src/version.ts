import { readFileSync } from "node:fs";
import { join } from "node:path";
import { labRoot } from "./paths.js";

/** The project's version (packages/lab/package.json), printed by --version and pinned in results folders. */
export const chimeraVersion: string = (JSON.parse(readFileSync(join(labRoot, "package.json"), "utf8")) as { version: string }).version;

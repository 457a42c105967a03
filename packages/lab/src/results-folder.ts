import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Kernel } from "@chimera/kernels";
import { lockResultsFolder } from "./results-lock.js";
import { repairTornTail } from "./experiments/jsonl-records.js";
import { readUserFile } from "./user-file.js";
import { chimeraVersion } from "./version.js";
import type { AttackSetup } from "./chimera-run.js";

/** The format tag of config.json in a results folder; folders without it predate pinning. */
export const RESULTS_FORMAT = "chimera-results/2";

/** A results folder held by this process: pinned, locked and repaired; release() unlocks it. */
export interface ResultsFolder {
  readonly dir: string;
  release(): void;
}

/** What a backend reported at load, as a results folder pins it: its info and, for a native one, the library's report. */
export function backendPin(kernel: Kernel): Record<string, unknown> {
  const report = (kernel as Kernel & { report?: Record<string, unknown> }).report;
  // loadedObjects lists every shared object in the process: it depends on what else ran, not on the library
  const { loadedObjects: _o, ...library } = report ?? {};
  return { ...kernel.info, ...(report ? { report: library } : {}) };
}

/**
 * Everything of an attack setup that changes a record: the project version, model, weights digest,
 * data set and its digest, each backend as it reported at load, and the real libraries used to
 * re-check Chimeras. Commands add their settings.
 */
export function setupPins(setup: AttackSetup): Record<string, unknown> {
  return {
    format: RESULTS_FORMAT, chimera: chimeraVersion, model: setup.entry.name, weightsSha256: setup.weightsSha256,
    data: setup.data.source, dataSha256: setup.dataSha256, backends: setup.backends.map(backendPin),
    recheckedOn: setup.real?.complete ? setup.real.realIds() : null,
    // pinned for CNNs only, so folders of convolution-free models made before --conv still resume
    ...(setup.entry.convolutions ? { conv: setup.conv } : {}),
  };
}

/** The first place where `a` and `b` differ, as a path like `settings.warmup` or `backends[1].report`. */
export function firstDifference(a: unknown, b: unknown, path = ""): { path: string; was: unknown; now: unknown } | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String)
      : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub);
      if (d) return d;
    }
  }
  return { path: path || "(the whole config)", was: a, now: b };
}

const show = (v: unknown) => (v === undefined ? "(not recorded)" : JSON.stringify(v));

/**
 * Opens results folder `dir` for writing records made under `pins`: creates it, takes its lock
 * (results-lock.ts: a second live writer is refused), compares `pins` with the config.json a
 * previous run left (a difference is an error naming the setting and both values; the lock is
 * released first) or writes it, and cuts off the torn last line of every *.jsonl file there.
 */
export function openResultsFolder(dir: string, pins: Record<string, unknown>, note: (line: string) => void): ResultsFolder {
  mkdirSync(dir, { recursive: true });
  const release = lockResultsFolder(dir, note);
  try {
    const configPath = join(dir, "config.json");
    if (existsSync(configPath)) {
      const text = readUserFile(configPath, { what: "results config", expected: "the config.json a chimera run wrote", maxBytes: 1 << 20 }).toString("utf8");
      let old: Record<string, unknown>;
      try {
        old = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new Error(`${configPath} is not JSON; was ${dir} written by chimera? use another --out`);
      }
      if (old.format !== RESULTS_FORMAT) {
        throw new Error(`${dir} holds results of an older chimera that did not pin the weights and data (${configPath} has no format ${RESULTS_FORMAT}); ` +
          `use another --out, or delete ${dir} to start over`);
      }
      const d = firstDifference(old, pins);
      if (d) {
        throw new Error(`${dir} holds results made with ${d.path} = ${show(d.was)}, but this run has ${d.path} = ${show(d.now)}; ` +
          `rerun with the same settings to resume, or use another --out`);
      }
    } else {
      const tmp = `${configPath}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(pins, null, 1) + "\n");
      renameSync(tmp, configPath);
    }
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
      const dropped = repairTornTail(join(dir, f));
      if (dropped > 0) note(`repaired ${join(dir, f)}: cut off a torn last line (${dropped} bytes) left by a killed run`);
    }
  } catch (e) {
    release();
    throw e;
  }
  return { dir, release };
}

/** The name of the plan file a run writes when it starts (what it will record, for the dashboard's progress and ETA). */
export const PLAN_FILE = "plan.json";

/**
 * Writes DIR/plan.json for a run starting now: how many records each JSONL file will hold when the
 * run is done, how many it already held (a resumed run), this process and the start time. Not
 * pinned: each run rewrites it, and nothing reads it back but progress displays (chimera serve's dashboard).
 */
export function writePlan(dir: string, planned: Record<string, number>, doneAtStart: number): void {
  const path = join(dir, PLAN_FILE), tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ planned, doneAtStart, started: new Date().toISOString(), pid: process.pid }) + "\n");
  renameSync(tmp, path);
}

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { LOCK_FILE } from "../results-lock.js";
import { PLAN_FILE, RESULTS_FORMAT } from "../results-folder.js";

/** A Chimera found in a results folder, as the gallery shows it (the images are served as PNG). */
export interface GalleryItem {
  file: string;
  sample: number;
  trueLabel: number;
  backends: string[];
  labels: number[];
  distances: { l0: number; l2: number; linf: number } | null;
}

/** One results folder, as the dashboard shows it. */
export interface FolderView {
  /** Stable within one server: names the folder in URLs. */
  id: string;
  path: string;
  /** "attack" or the experiment's name. */
  kind: string;
  model: string | null;
  backends: string[];
  shard: string | null;
  /** running (a live process holds its lock), finished (every planned record there; without plan.json, a summary written), stopped (neither). */
  status: "running" | "finished" | "stopped";
  files: { name: string; records: number; planned: number | null; found: number }[];
  records: number;
  planned: number | null;
  found: number;
  /** Records per minute of the run that writes (or last wrote) it, since it started; null before one is measured. */
  perMinute: number | null;
  /** Seconds until every planned record is there, at that rate (running folders only). */
  etaSeconds: number | null;
  started: string | null;
  figures: string[];
  chimeras: GalleryItem[];
}

/** The folders under `roots`: each root that is a results folder (has config.json), else its sub-folders that are, two levels down at most. */
export function findResultsFolders(roots: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (existsSync(join(dir, "config.json"))) return void out.push(resolve(dir));
    if (depth === 0) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      try {
        if (statSync(join(dir, n)).isDirectory()) visit(join(dir, n), depth - 1);
      } catch { /* gone meanwhile */ }
    }
  };
  for (const r of roots) visit(r, 2);
  return [...new Set(out)];
}

/** What changes when a run appends, finishes or starts: the names, sizes and mtimes of the folder's files. */
export function folderSignature(dir: string): string {
  try {
    return readdirSync(dir).sort().map((f) => {
      const s = statSync(join(dir, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    }).join("|");
  } catch {
    return "(gone)";
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Whether the lock of `dir` is held by a live process on this host (a lock from another host counts as running). */
function lockHeld(dir: string): boolean {
  const lock = readJson(join(dir, LOCK_FILE));
  if (!lock || !Number.isInteger(lock.pid)) return false;
  if (lock.host !== hostname()) return true;
  try {
    process.kill(lock.pid as number, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Records of one JSONL file: whole lines only (a line being written is skipped until it is whole). */
export function readRecords(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, "utf8");
  const whole = text.endsWith("\n") ? text : text.slice(0, text.lastIndexOf("\n") + 1);
  return whole.split("\n").filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The most Chimeras per folder the gallery shows (the latest found). */
const GALLERY_PER_FOLDER = 12;

/** Reads results folder `dir` for the dashboard: config, plan, records, status, rate, figures and Chimeras. */
export function viewFolder(id: string, dir: string, now = Date.now()): FolderView {
  const config = readJson(join(dir, "config.json")) ?? {};
  const plan = readJson(join(dir, PLAN_FILE)) as { planned?: Record<string, number>; doneAtStart?: number; started?: string } | undefined;
  const shard = config.shard as { index: number; count: number; samples: number[] } | undefined;
  const files: FolderView["files"] = [], chimeras: GalleryItem[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    const rows = readRecords(join(dir, name));
    const found = rows.filter((r) => r.found === true);
    files.push({ name, records: rows.length, planned: plan?.planned?.[name] ?? null, found: found.length });
    for (const r of found.slice(-GALLERY_PER_FOLDER)) {
      if (typeof r.image !== "string" || !Array.isArray(r.labels)) continue;
      chimeras.push({
        file: name, sample: r.sample as number, trueLabel: r.trueLabel as number, backends: r.backends as string[], labels: r.labels as number[],
        distances: (r.distances as GalleryItem["distances"]) ?? null,
      });
    }
  }
  for (const name of Object.keys(plan?.planned ?? {})) {
    if (!files.some((f) => f.name === name)) files.push({ name, records: 0, planned: plan!.planned![name]!, found: 0 });
  }
  const records = files.reduce((s, f) => s + f.records, 0);
  const planned = plan?.planned ? Object.values(plan.planned).reduce((s, n) => s + n, 0) : null;
  const running = lockHeld(dir);
  // finished: every planned record there (an attack writes no summary), or without a plan, a summary written
  const finished = !running && (planned !== null ? records >= planned : existsSync(join(dir, "summary.json")));
  // a run that stopped is timed to its last record, so its rate does not decay while it sits there
  const lastWrite = Math.max(0, ...files.map((f) => { try { return statSync(join(dir, f.name)).mtimeMs; } catch { return 0; } }));
  const started = plan?.started ?? null, elapsed = started ? ((running ? now : lastWrite) - Date.parse(started)) / 1000 : 0;
  const madeThisRun = records - (plan?.doneAtStart ?? records);
  const perMinute = elapsed > 0 && madeThisRun > 0 ? (60 * madeThisRun) / elapsed : null;
  const figures = readdirSync(dir).filter((f) => /^[\w.-]+\.svg$/.test(f)).sort();
  return {
    id, path: dir, kind: typeof config.command === "string" ? config.command : typeof config.experiment === "string" ? config.experiment : "results",
    model: typeof config.model === "string" ? config.model : null,
    backends: configBackends(config),
    shard: shard ? `${shard.index}/${shard.count}` : null,
    status: running ? "running" : finished ? "finished" : "stopped",
    files, records, planned, found: files.reduce((s, f) => s + f.found, 0), perMinute,
    etaSeconds: running && perMinute && planned !== null ? Math.max(0, (60 * (planned - records)) / perMinute) : null,
    started, figures, chimeras,
  };
}

/** Whether `config.json` in `dir` is a results config this version reads. */
export function isResultsFolder(dir: string): boolean {
  return readJson(join(dir, "config.json"))?.format === RESULTS_FORMAT;
}

/** The backends a folder's config.json names: its pinned backends, else (folders written before they were pinned) its arms'. */
function configBackends(config: Record<string, unknown>): string[] {
  if (Array.isArray(config.backends)) return (config.backends as { id?: string }[]).map((b) => String(b.id));
  if (!Array.isArray(config.arms)) return [];
  return [...new Set((config.arms as { backends?: unknown }[]).flatMap((a) => (Array.isArray(a.backends) ? a.backends.map(String) : [])))];
}

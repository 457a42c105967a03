import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "./cli/args.js";
import { firstDifference, RESULTS_FORMAT } from "./results-folder.js";
import { interleavePlan } from "./shard.js";

/** What a shard folder's config.json pins of its shard (shard.ts, shardPin). */
export interface ShardPin {
  index: number;
  count: number;
  of: number;
  samples: number[];
  argv: string[];
}

/** A shard folder as `chimera merge` reads it. */
export interface ShardFolder {
  dir: string;
  config: Record<string, unknown>;
  shard: ShardPin;
  /** Every *.jsonl file of the folder, by name: its records, in file order. */
  files: Map<string, Record<string, unknown>[]>;
}

/** The shards' joint result: the unsharded config, the plan and every JSONL file's records in canonical order. */
export interface MergedShards {
  config: Record<string, unknown>;
  plan: number[];
  argv: string[];
  files: Map<string, Record<string, unknown>[]>;
}

/** Pocket logs (fig6) hold one record per arm and Chimera; every other JSONL holds one record per sample. */
const isPocketLog = (file: string) => file.startsWith("pockets-");

const keyOf = (file: string, r: Record<string, unknown>) => (isPocketLog(file) ? `${String(r.arm)}/${String(r.sample)}` : String(r.sample));

/**
 * Reads shard folder `dir`: its config.json must be a chimera results config with a shard pin (a
 * folder that is not a results folder, or one run without --shard, is a usage error), and every line
 * of its *.jsonl files must be a whole JSON record (a torn line means the job was killed: rerun it).
 */
export function readShardFolder(dir: string): ShardFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder; give the results folders of the shard jobs`);
  const configPath = join(dir, "config.json");
  if (!existsSync(configPath)) throw new UsageError(`${dir} is not a chimera results folder: it has no config.json`);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${dir} is not a chimera results folder: ${configPath} is not JSON`);
  }
  if (config?.format !== RESULTS_FORMAT) throw new UsageError(`${dir} is not a chimera results folder of this version: ${configPath} has no format ${RESULTS_FORMAT}`);
  const s = config.shard as ShardPin | undefined;
  if (s === undefined) throw new UsageError(`${dir} was not run with --shard (its config.json pins no shard); only shard folders merge`);
  if (!Number.isInteger(s.index) || !Number.isInteger(s.count) || !Array.isArray(s.samples) || !Array.isArray(s.argv)) {
    throw new UsageError(`${dir}: the shard in ${configPath} is malformed (expected index, count, of, samples, argv)`);
  }
  const files = new Map<string, Record<string, unknown>[]>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    const text = readFileSync(join(dir, f), "utf8");
    if (text.length && !text.endsWith("\n")) throw new Error(`${join(dir, f)} ends in a torn line: shard ${s.index}/${s.count} was killed mid-write; rerun its job (it resumes), then merge`);
    files.set(f, text.split("\n").filter((l) => l.trim()).map((l, k) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`${join(dir, f)} line ${k + 1} is not JSON`);
      }
    }));
  }
  return { dir, config, shard: s, files };
}

/** The config without what differs between shards: the unsharded run's config.json. */
function unshardedConfig(config: Record<string, unknown>): Record<string, unknown> {
  const { shard: _s, ...rest } = config;
  return rest;
}

/**
 * Joins shard folders into the unsharded run's results. Refuses (naming the folders and what): two
 * configs that differ anywhere but the shard's index and samples, a shard given twice, shards
 * missing (all of them are listed), a record whose sample is not its shard's, a record key twice,
 * and a shard that is not finished (a sample file lacking some of its samples, a Chimera without
 * its pocket). Records come out in plan order, as a --workers 1 run of the unsharded plan writes
 * them; pocket logs by arm (config order), then plan order.
 */
export function mergeShards(folders: readonly ShardFolder[]): MergedShards {
  const seen = new Map<string, string>();
  for (const f of folders) {
    const real = resolve(f.dir);
    if (seen.has(real)) throw new UsageError(`${f.dir} is given twice (as ${seen.get(real)} too)`);
    seen.set(real, f.dir);
  }
  const first = folders[0]!;
  const pinOf = (f: ShardFolder) => ({ ...unshardedConfig(f.config), shard: { count: f.shard.count, of: f.shard.of, argv: f.shard.argv } });
  for (const f of folders.slice(1)) {
    const d = firstDifference(pinOf(first), pinOf(f));
    if (d) throw new Error(`${f.dir} was run with ${d.path} = ${JSON.stringify(d.now)}, but ${first.dir} with ${JSON.stringify(d.was)}; shards of one run share every setting but the shard`);
  }
  const n = first.shard.count, byIndex = new Map<number, ShardFolder>();
  for (const f of folders) {
    const other = byIndex.get(f.shard.index);
    if (other) throw new Error(`shard ${f.shard.index}/${n} is given twice: ${other.dir} and ${f.dir}`);
    byIndex.set(f.shard.index, f);
  }
  const missing = [...Array(n).keys()].map((k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new Error(`shards missing: ${missing.map((i) => `${i}/${n}`).join(", ")} (got ${folders.length} of ${n}); give every shard's folder`);
  const ordered = [...Array(n).keys()].map((k) => byIndex.get(k + 1)!);
  const plan = interleavePlan(ordered.map((f) => f.shard.samples));
  if (plan.length !== first.shard.of) throw new Error(`the shards hold ${plan.length} samples between them, but their plan has ${first.shard.of}`);
  const owner = new Map<number, ShardFolder>();
  for (const f of ordered) {
    for (const i of f.shard.samples) {
      if (owner.has(i)) throw new Error(`sample ${i} is in shard ${owner.get(i)!.shard.index}/${n} (${owner.get(i)!.dir}) and shard ${f.shard.index}/${n} (${f.dir})`);
      owner.set(i, f);
    }
  }
  const names = [...new Set(folders.flatMap((f) => [...f.files.keys()]))].sort();
  const files = new Map<string, Record<string, unknown>[]>();
  for (const name of names) {
    const all: Record<string, unknown>[] = [], keys = new Map<string, string>();
    for (const f of ordered) {
      const rows = f.files.get(name) ?? [];
      for (const r of rows) {
        const sample = r.sample as number;
        if (!Number.isInteger(sample) || owner.get(sample) !== f) {
          throw new Error(`${join(f.dir, name)} holds sample ${String(sample)}, which is not one of shard ${f.shard.index}/${n}'s samples; was it written by another run?`);
        }
        const key = keyOf(name, r);
        if (keys.has(key)) throw new Error(`record ${key} of ${name} appears twice: in ${keys.get(key)} and ${f.dir}`);
        keys.set(key, f.dir);
        all.push(r);
      }
      if (!isPocketLog(name)) {
        const have = new Set(rows.map((r) => r.sample as number)), lack = f.shard.samples.filter((i) => !have.has(i));
        if (lack.length) {
          throw new Error(`shard ${f.shard.index}/${n} (${f.dir}) is not finished: ${name} lacks ${lack.length} of its ${f.shard.samples.length} samples ` +
            `(${lack.slice(0, 8).join(", ")}${lack.length > 8 ? ", …" : ""}); rerun its job (it resumes), then merge`);
        }
      }
    }
    files.set(name, all);
  }
  checkPockets(ordered, files);
  const position = new Map(plan.map((i, p) => [i, p]));
  const armOrder = new Map(((first.config.arms as { id: string }[] | undefined) ?? []).map((a, k) => [a.id, k]));
  for (const [name, rows] of files) {
    rows.sort((a, b) => (isPocketLog(name) ? (armOrder.get(String(a.arm)) ?? 0) - (armOrder.get(String(b.arm)) ?? 0) : 0) ||
      position.get(a.sample as number)! - position.get(b.sample as number)!);
  }
  return { config: unshardedConfig(first.config), plan, argv: first.shard.argv, files };
}

/** Every pocket log must hold a pocket for each Chimera of every shard's sample files. */
function checkPockets(ordered: readonly ShardFolder[], files: Map<string, Record<string, unknown>[]>): void {
  for (const [name, pockets] of files) {
    if (!isPocketLog(name)) continue;
    const have = new Set(pockets.map((p) => `${String(p.arm)}/${String(p.sample)}`));
    for (const f of ordered) {
      for (const [arm, rows] of f.files) {
        if (isPocketLog(arm)) continue;
        const lack = rows.filter((r) => r.found === true && !have.has(`${arm.slice(0, -".jsonl".length)}/${String(r.sample)}`));
        if (lack.length) {
          throw new Error(`shard ${f.shard.index}/${f.shard.count} (${f.dir}) is not finished: ${name} lacks the pockets of ${lack.length} Chimeras of ${arm} ` +
            `(samples ${lack.slice(0, 8).map((r) => r.sample).join(", ")}); rerun its job (it resumes), then merge`);
        }
      }
    }
  }
}

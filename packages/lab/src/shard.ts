import type { ParsedArgs } from "./cli/command.js";
import type { FlagSpec } from "./cli/flag-spec.js";
import { UsageError } from "./cli/args.js";

/**
 * One part of a run split over machines: part `index` (1-based) of `count`. A run's plan (the
 * images of `chimera attack`, the random test images of an experiment, in the order the unsharded
 * run takes them) is dealt round-robin: position p goes to shard (p mod count) + 1. So every shard
 * gets ⌊n/count⌋ or ⌈n/count⌉ samples, the shards are disjoint and together cover the plan, and the
 * plan is rebuilt by interleaving them (interleavePlan).
 */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a run may be split into. */
export const MAX_SHARDS = 100_000;

const SHARD = /^(\d{1,6})\/(\d{1,6})$/;

/** "I/N" as a Shard, or why not (one line). The format the job files compute from the array index. */
export function parseShard(text: string): Shard | string {
  const m = SHARD.exec(text);
  if (!m) return `is not I/N (shard I of N, e.g. 2/8)`;
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return `has N = ${count}; N is the number of shards, 1 to ${MAX_SHARDS}`;
  if (index < 1 || index > count) return `has I = ${index}; I counts from 1 to N = ${count}`;
  return { index, count };
}

/** --shard I/N: run only shard I of N of the samples (see Shard). */
export const shardSpec: FlagSpec = {
  type: "string",
  check: (v) => {
    const s = parseShard(v);
    return typeof s === "string" ? s : undefined;
  },
};

/** The --shard flag's value, when given. */
export function shardFlag(args: ParsedArgs): Shard | undefined {
  const v = args.flags.get("shard");
  if (v === undefined) return undefined;
  const s = parseShard(String(v));
  if (typeof s === "string") throw new UsageError(`--shard "${String(v)}" ${s}`);
  return s;
}

/** The samples of `plan` shard `s` runs: positions p with p mod count = index - 1, in plan order. */
export function shardOf<T>(plan: readonly T[], s: Shard): T[] {
  return plan.filter((_, p) => p % s.count === s.index - 1);
}

/** The plan rebuilt from every shard's samples (`parts[k]` is shard k + 1's list): the inverse of shardOf. */
export function interleavePlan<T>(parts: readonly (readonly T[])[]): T[] {
  const n = parts.reduce((s, p) => s + p.length, 0), out: T[] = [];
  for (let p = 0; p < n; p++) {
    const part = parts[p % parts.length]!, k = Math.floor(p / parts.length);
    if (k >= part.length) throw new Error(`shard ${(p % parts.length) + 1} of ${parts.length} holds ${part.length} samples, too few for a plan of ${n}`);
    out.push(part[k]!);
  }
  return out;
}

/** Flags that do not change a record, left out of the command line a shard pins for `chimera merge`. */
const notPinned = new Set(["shard", "out", "workers", "json", "help"]);

/**
 * What a shard's config.json adds to the unsharded run's pins: which shard it is, how many samples
 * the whole plan has, this shard's samples, and the command line (less --shard, --out, --workers,
 * --json) that `chimera merge` reruns on the merged folder to write the report.
 */
export function shardPin(s: Shard, plan: readonly number[], words: readonly string[], args: ParsedArgs): Record<string, unknown> {
  const argv = [...words];
  for (const [name, value] of [...args.flags].sort(([a], [b]) => a.localeCompare(b))) {
    if (notPinned.has(name)) continue;
    if (value === true) argv.push(`--${name}`);
    else if (value !== false) argv.push(`--${name}`, Array.isArray(value) ? value.join(",") : String(value));
  }
  return { index: s.index, count: s.count, of: plan.length, samples: shardOf(plan, s), argv };
}

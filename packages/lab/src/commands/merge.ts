import { existsSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, CommandIO } from "../cli/command.js";
import { getString, parseArgs, UsageError } from "../cli/args.js";
import { openResultsFolder } from "../results-folder.js";
import { lockResultsFolder } from "../results-lock.js";
import { mergeShards, readShardFolder, type MergedShards } from "../shard-merge.js";
import { command as attack } from "./attack.js";
import { command as experiment } from "./experiment.js";

/** The commands whose shards merge, by the first word of the command line a shard pins. */
const rerunnable: Record<string, Command> = { attack, experiment };

export const command: Command = {
  name: "merge",
  summary: "join the results folders of a --shard I/N run's N jobs into the folder the unsharded run writes",
  help: `Usage: chimera merge --out DIR SHARD_DIR... [--json]

Joins the results folders that the N jobs of a sharded run wrote (chimera attack --shard I/N or
chimera experiment NAME --shard I/N, e.g. a Slurm array or Kubernetes Indexed Job, see
docs/cluster/) into DIR, the folder the unsharded run writes: config.json without the shard, every
JSONL file with the records of all shards in the plan's order (the order a --workers 1 run writes
them), then the report (summary.json, summary.md, the figures), written by the command itself: merge
reruns the shards' pinned command line on DIR, where every sample is already done, so it searches
nothing and the report is the unsharded run's. That rerun loads the backends, model and data again:
run merge where the shards' backends load (their reports at load are pinned and compared).

Refused, naming the folders and what: a folder that is not a chimera results folder or was not run
with --shard, or given twice (exit 2); configs that differ anywhere but the shard, a shard given
twice, missing shards (all are listed), a record whose sample is not its shard's or that appears
twice, and a shard whose job has not finished (exit 1). Shard folders are locked while merge reads
them, so a job still writing one is refused too.

  --out DIR   the merged results folder (must not exist yet, or be empty)
  --json      print the rerun's summary as one JSON document

Example: chimera merge --out results/fig5 results/fig5-shard-1 results/fig5-shard-2 results/fig5-shard-3`,
  flags: { out: { type: "path" } },
  positional: { min: 1, max: 100_000, names: "the shard folders to merge (SHARD_DIR...)" },
  async run(args, io) {
    if (!args.flags.has("out")) throw new UsageError("--out DIR is needed: the merged results folder");
    const out = getString(args, "out");
    if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
      throw new UsageError(`--out ${out} ${statSync(out).isDirectory() ? "is not empty" : "is not a folder"}; merge writes a new results folder`);
    }
    const note = (line: string) => io.err(`${line}\n`);
    // Holding each shard's lock keeps a job that still writes one out while merge reads it.
    const releases: (() => void)[] = [];
    try {
      const folders = args.positional.map((dir) => {
        readShardFolder(dir); // a folder that is not a shard's is refused before it gets a lock file
        releases.push(lockResultsFolder(dir, note));
        return readShardFolder(dir); // read again under the lock
      });
      const merged = mergeShards(folders);
      writeMerged(out, merged, note);
      const total = [...merged.files.values()].reduce((s, rows) => s + rows.length, 0);
      io.err(`merged ${folders.length} shards (${merged.plan.length} samples, ${total} records in ${merged.files.size} files) into ${out}; writing the report\n`);
      return await rerun(out, merged, args.json, io);
    } finally {
      for (const release of releases) release();
    }
  },
};

/** Writes DIR/config.json (pinned and locked as every run's) and each JSONL file whole. */
function writeMerged(out: string, merged: MergedShards, note: (line: string) => void): void {
  const folder = openResultsFolder(out, merged.config, note);
  try {
    for (const [name, rows] of merged.files) {
      const path = join(out, name), tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, rows.map((r) => JSON.stringify(r) + "\n").join(""));
      renameSync(tmp, path);
    }
  } finally {
    folder.release();
  }
}

/** Reruns the shards' command line on the merged folder (nothing left to search) so the command writes its own report. */
async function rerun(out: string, merged: MergedShards, json: boolean, io: CommandIO): Promise<number> {
  const [word, ...rest] = merged.argv;
  const cmd = rerunnable[word ?? ""];
  if (!cmd) throw new Error(`the shards pin the command line "${merged.argv.join(" ")}", which chimera merge cannot rerun (attack and experiment can)`);
  const sizes = () => new Map(readdirSync(out).filter((f) => f.endsWith(".jsonl")).map((f) => [f, statSync(join(out, f)).size]));
  const before = sizes();
  const code = await cmd.run(parseArgs(cmd, [...rest, "--out", out, "--workers", "1", ...(json ? ["--json"] : [])]), io);
  const after = sizes();
  const grew = [...after].filter(([f, n]) => before.get(f) !== n).map(([f]) => f);
  // Never silent: a rerun that had to compute something means a shard was not finished after all.
  if (grew.length) throw new Error(`the shards were not complete: writing the report computed new records in ${grew.join(", ")} of ${out}; check the shard jobs`);
  return code;
}

import { join } from "node:path";
import { Rng } from "@chimera/tensor";
import type { CommandIO } from "../cli/command.js";
import { Progress } from "../cli/progress.js";
import { UsageError } from "../cli/args.js";
import { appendJsonl } from "../checkpoint.js";
import { finishedSamples, runSample, setupAttack, type AttackSetup, type SampleRecord, type SampleSettings } from "../chimera-run.js";
import type { ExperimentOptions } from "./experiment-options.js";
import { runSampleJobs, type SetupSpec } from "../sample-pool.js";
import { backendPin, openResultsFolder, setupPins, writePlan } from "../results-folder.js";
import { shardOf } from "../shard.js";

/** One setting an experiment measures: a set of backends and a search method, run on every sample. */
export interface Arm {
  /** Names its JSONL file: `<out>/<id>.jsonl` (kebab-case, unique within the experiment). */
  id: string;
  backends: string[];
  settings: SampleSettings;
}

/** An arm's finished samples and their success rate. */
export interface ArmOutcome {
  id: string;
  backends: string[];
  method: SampleSettings["method"];
  gradientAt: SampleSettings["gradientAt"];
  n: number;
  found: number;
  successRate: number;
  meanSeconds: number;
  /** Mean joint iterations of the successful searches (null when none succeeded). */
  meanIterations: number | null;
  jsonl: string;
}

/** The search settings the options give (--method, default Algorithm 1; --targets, default random as in §4.3). */
export function searchSettings(o: ExperimentOptions, overrides: Partial<SampleSettings> = {}): SampleSettings {
  return {
    method: o.method, seed: o.seed, targets: o.targets, warmup: o.warmup, iterations: o.iterations, gradientAt: "quantized",
    ...(o.method === "local" ? localSettings(o) : o.stepMin === undefined ? {} : { stepMin: o.stepMin }), ...overrides,
  };
}

/** How the options search, in words (for the reports). */
export function searchLine(o: ExperimentOptions): string {
  return o.method === "local"
    ? `the boundary-then-local search with at most ${o.maxQueries ?? 200} verdict queries${o.maxLinf === undefined ? "" : ` and L∞ ≤ ${o.maxLinf}/255`}`
    : `Algorithm 1 with ${o.warmup} warm-up steps and ${o.iterations} joint iterations${o.stepMin === undefined ? "" : `, step floor ${o.stepMin}`}`;
}

/** The local search's bounds as the options give them (only those set). */
export function localSettings(o: Pick<ExperimentOptions, "maxLinf" | "maxQueries">): Pick<SampleSettings, "maxLinf" | "maxQueries"> {
  return { ...(o.maxLinf === undefined ? {} : { maxLinf: o.maxLinf }), ...(o.maxQueries === undefined ? {} : { maxQueries: o.maxQueries }) };
}

/** The first `n` of a seeded random permutation of 0…size-1: more samples extend fewer, so a rerun with a larger --samples resumes. */
export function sampleIndices(n: number, size: number, seed: number): number[] {
  const idx = [...Array(size).keys()], rng = new Rng(seed * 7919 + 17);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n);
}

/**
 * Runs every arm on the same `samples` random test images, appending each finished sample to
 * `<out>/<arm>.jsonl` at once; samples already there are skipped, so a killed run resumes without
 * losing or repeating one. `<out>/config.json` pins what changes a record (results-folder.ts: model,
 * weights and data digests, backends, arms): a rerun with others is an error naming the difference,
 * and the folder is locked while this runs.
 * Samples run on `o.workers` worker threads; the records, and so the outcomes, do not depend on it
 * (only the order of lines in the JSONL files and the seconds do).
 */
export async function runArms(o: ExperimentOptions, arms: readonly Arm[], io: CommandIO): Promise<{ outcomes: ArmOutcome[]; records: Map<string, SampleRecord[]>; data: string; samples: number[]; setupOf: (backends: readonly string[]) => AttackSetup }> {
  const setups = new Map<string, { setup: AttackSetup; spec: SetupSpec }>();
  const loaded = (backends: readonly string[]) => {
    const key = backends.join(",");
    if (!setups.has(key)) setups.set(key, loadSetup(o, backends, io));
    return setups.get(key)!;
  };
  const setupOf = (backends: readonly string[]): AttackSetup => loaded(backends).setup;
  const data = setupOf(arms[0]!.backends).data;
  if (o.samples > data.n) {
    throw new UsageError(`experiment ${o.name}: --samples ${o.samples} exceeds the ${data.n} images of ${data.source}; ` +
      `give --samples ${data.n} or less, or --data-dir with the full test set`);
  }
  const plan = sampleIndices(o.samples, data.n, o.seed);
  if (o.shard && o.shard.part.count > plan.length) {
    throw new UsageError(`experiment ${o.name}: --shard ${o.shard.part.index}/${o.shard.part.count}: more shards than the ${plan.length} samples; give N <= ${plan.length}`);
  }
  // A shard runs every N-th sample of the plan (shard.ts); its config pins which, so a folder never mixes shards.
  const samples = o.shard ? shardOf(plan, o.shard.part) : plan;
  const first = setupOf(arms[0]!.backends);
  // Every backend of every arm as it reported at load, besides the first arm's setup (model, weights, data).
  const backends = [...new Set(arms.flatMap((a) => a.backends))].map((id) => backendPin(setupOf(arms.find((a) => a.backends.includes(id))!.backends).backends.find((k) => k.info.id === id)!));
  const folder = openResultsFolder(o.out, {
    ...setupPins(first), backends, experiment: o.name, arms, ...(o.shard ? { shard: o.shard.pin(plan) } : {}),
  }, (line) => io.err(`${line}\n`));
  try {
    return await runArmsIn(o, arms, io, samples, data, setupOf, loaded);
  } finally {
    folder.release();
  }
}

async function runArmsIn(
  o: ExperimentOptions, arms: readonly Arm[], io: CommandIO, samples: number[], data: AttackSetup["data"],
  setupOf: (backends: readonly string[]) => AttackSetup, loaded: (backends: readonly string[]) => { setup: AttackSetup; spec: SetupSpec },
): Promise<{ outcomes: ArmOutcome[]; records: Map<string, SampleRecord[]>; data: string; samples: number[]; setupOf: (backends: readonly string[]) => AttackSetup }> {
  const weights = setupOf(arms[0]!.backends).weightsSha256;
  const done = new Map(arms.map((a) => [a.id, finishedSamples(join(o.out, `${a.id}.jsonl`), weights)]));
  const todo = arms.flatMap((a) => samples.filter((i) => !done.get(a.id)!.has(i)).map((i) => ({ arm: a, i })));
  const total = arms.length * samples.length;
  if (todo.length < total) io.err(`resuming: ${total - todo.length} of ${total} samples already in ${o.out}\n`);
  writePlan(o.out, Object.fromEntries(arms.map((a) => [`${a.id}.jsonl`, samples.length])), total - todo.length);
  // The bar counts this run's samples only, so its rate and ETA are not skewed by resumed ones.
  const progress = new Progress(io, `experiment ${o.name}`, todo.length, "sample");
  let finished = 0, found = 0;
  const spec = loaded(arms[0]!.backends).spec;
  const jobs = todo.map(({ arm, i }) => ({ arm, setup: { ...spec, backends: arm.backends }, index: i, settings: arm.settings }));
  // Workers run whole samples; only this thread appends, so a kill loses at most the samples in flight.
  await runSampleJobs(jobs, o.workers, (j) => runSample(setupOf(j.arm.backends), j.index, j.settings), (j, r) => {
    appendJsonl(join(o.out, `${j.arm.id}.jsonl`), r);
    done.get(j.arm.id)!.set(j.index, r);
    if (r.found) found++;
    progress.update(++finished, `found ${found} this run`);
  });
  const records = new Map(arms.map((a) => [a.id, samples.map((i) => done.get(a.id)!.get(i)!)]));
  const outcomes = arms.map((a) => outcomeOf(a, records.get(a.id)!, join(o.out, `${a.id}.jsonl`)));
  return { outcomes, records, data: data.source, samples, setupOf };
}

function outcomeOf(a: Arm, rows: readonly SampleRecord[], jsonl: string): ArmOutcome {
  const hits = rows.filter((r) => r.found);
  return {
    id: a.id, backends: a.backends, method: a.settings.method, gradientAt: a.settings.gradientAt,
    n: rows.length, found: hits.length, successRate: hits.length / rows.length,
    meanSeconds: rows.reduce((s, r) => s + r.seconds, 0) / rows.length,
    meanIterations: hits.length ? hits.reduce((s, r) => s + r.iterations, 0) / hits.length : null,
    jsonl,
  };
}

/**
 * --data-dir, or the fixture with --fixture, or the installed test set; when none is installed (and
 * $CHIMERA_FMNIST_DIR does not name one) the fixture, with a note.
 */
function loadSetup(o: ExperimentOptions, backends: readonly string[], io: CommandIO): { setup: AttackSetup; spec: SetupSpec } {
  const common = o.weights ? { weights: o.weights } : {};
  const load = (data: { dataDir?: string; fixture: boolean }) => {
    const spec: SetupSpec = { model: o.model, backends: [...backends], ...common, ...data, conv: o.conv };
    return { setup: setupAttack(o.model, backends, spec), spec };
  };
  if (o.data.dataDir || o.data.fixture || process.env.CHIMERA_FMNIST_DIR) return load(o.data);
  try {
    return load({ fixture: false });
  } catch (e) {
    if (!/fashion|mnist|ENOENT|no such file/i.test((e as Error).message)) throw e;
    io.err(`no installed Fashion-MNIST test set (${(e as Error).message}); using the committed fixture\n`);
    return load({ fixture: true });
  }
}

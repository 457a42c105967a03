import { join } from "node:path";
import type { ParsedArgs } from "../cli/command.js";
import { getBoolean, getNumber, getString, isGiven, maybeList, maybeNumber, maybeString, UsageError } from "../cli/args.js";
import { backendsFlag, dataFlags, seedFlag } from "../cli/common-flags.js";
import type { FlagSpecs } from "../cli/flag-spec.js";
import { resultsDir } from "../paths.js";
import { workersFlag, workersSpec } from "../sample-pool.js";
import { zoo } from "../model-zoo.js";
import { shardFlag, shardPin, shardSpec, type Shard } from "../shard.js";
import { convFlag, type ConvMode } from "../conv-mode.js";
import type { TargetRule } from "../chimera-run.js";

/** The flags every experiment accepts (besides --json): the sample count, backends, seed and output folder. */
export const commonFlags: FlagSpecs = {
  samples: { type: "int", min: 1, max: 100_000 }, backends: backendsFlag(2), seed: seedFlag(0), out: { type: "path" }, workers: workersSpec, shard: shardSpec,
};

/** Flags of the experiments that run a search: its budget and where the test images come from. */
export const searchFlags: FlagSpecs = {
  model: { type: "enum", values: zoo.map((z) => z.name), default: "fmnist-mlp" },
  method: { type: "enum", values: ["algorithm1", "local"], default: "algorithm1" },
  "max-linf": { type: "int", min: 1, max: 255 }, "max-queries": { type: "int", min: 1, max: 1_000_000 }, "step-min": { type: "number", min: 1e-6, max: 1 },
  targets: { type: "enum", values: ["random", "runner-up"], default: "random" },
  warmup: { type: "int", min: 0, max: 10_000_000, default: 2000 }, iterations: { type: "int", min: 1, max: 10_000_000, default: 3000 },
  ...dataFlags, weights: { type: "path" }, conv: convFlag,
};

/** The paper's sample count per backend pair for FMNIST (§4.3). */
export const paperSamples = 1024;

/** What `chimera experiment NAME` was asked to do, with the defaults filled in. */
export interface ExperimentOptions {
  name: string;
  samples: number;
  backendIds: string[];
  seed: number;
  out: string;
  model: string;
  /** algorithm1 (the paper's, default) or local (the boundary-then-local search). */
  method: "algorithm1" | "local";
  /** The local search's L∞ bound in 8-bit levels and verdict budget (absent: its defaults). */
  maxLinf?: number;
  maxQueries?: number;
  /** Algorithm 1's step floor (--step-min; absent: the default). */
  stepMin?: number;
  /** How the targets after the true class are chosen (--targets; the paper's random by default). */
  targets: TargetRule;
  warmup: number;
  iterations: number;
  /** The test set: --data-dir, else the committed fixture with --fixture, else the installed test set. */
  data: { dataDir?: string; fixture: boolean };
  weights?: string;
  /** How a CNN's convolutions run (--conv; default shared). */
  conv: ConvMode;
  /** Worker threads for the samples (--workers; default os.availableParallelism()). */
  workers: number;
  /** --shard I/N: run only that shard of the samples; `pin` gives what config.json pins of it for a plan. */
  shard?: { part: Shard; pin: (plan: readonly number[]) => Record<string, unknown> };
}

/** Reads the common and search flags; `defaultBackends` applies when --backends is absent. */
export function experimentOptions(name: string, args: ParsedArgs, defaultBackends: readonly string[], opts: { everyMethod?: boolean } = {}): ExperimentOptions {
  const backendIds = maybeList(args, "backends") ?? [...defaultBackends];
  if (backendIds.length < 2) throw new UsageError(`experiment ${name}: --backends needs at least two backend ids, got "${backendIds.join(",")}"`);
  const dataDir = maybeString(args, "data-dir");
  const fixture = getBoolean(args, "fixture");
  const weights = maybeString(args, "weights");
  // An experiment that runs every method (table2) takes the local search's bounds without --method.
  if (opts.everyMethod && isGiven(args, "method")) throw new UsageError(`experiment ${name} runs every method; --method does not apply`);
  const method = getString(args, "method") as ExperimentOptions["method"];
  for (const f of ["max-linf", "max-queries"]) {
    if (isGiven(args, f) && method !== "local" && !opts.everyMethod) throw new UsageError(`experiment ${name}: --${f} applies to --method local only`);
  }
  const maxLinf = maybeNumber(args, "max-linf"), maxQueries = maybeNumber(args, "max-queries"), stepMin = maybeNumber(args, "step-min");
  if (stepMin !== undefined && method === "local" && !opts.everyMethod) throw new UsageError(`experiment ${name}: --step-min applies to Algorithm 1 only`);
  return {
    name,
    samples: maybeNumber(args, "samples") ?? paperSamples,
    backendIds,
    seed: getNumber(args, "seed"),
    out: maybeString(args, "out") ?? join(resultsDir(), "experiments", name),
    model: getString(args, "model"),
    method,
    ...(maxLinf === undefined ? {} : { maxLinf }),
    ...(maxQueries === undefined ? {} : { maxQueries }),
    ...(stepMin === undefined ? {} : { stepMin }),
    targets: getString(args, "targets") as TargetRule,
    warmup: getNumber(args, "warmup"),
    iterations: getNumber(args, "iterations"),
    data: { fixture, ...(dataDir ? { dataDir } : {}) },
    ...(weights ? { weights } : {}),
    conv: getString(args, "conv") as ConvMode,
    workers: workersFlag(args),
    ...shardOption(name, args),
  };
}

/** --shard as ExperimentOptions holds it (absent when not given). */
export function shardOption(name: string, args: ParsedArgs): Pick<ExperimentOptions, "shard"> {
  const part = shardFlag(args);
  return part ? { shard: { part, pin: (plan) => shardPin(part, plan, ["experiment", name], args) } } : {};
}

/** Every unordered pair of `ids`, in list order: (a,b), (a,c), …, (b,c), … */
export function pairsOf<T>(ids: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push([ids[i]!, ids[j]!]);
  return out;
}

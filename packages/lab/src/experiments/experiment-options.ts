import { join } from "node:path";
import type { ParsedArgs } from "../cli/command.js";
import { numberFlag, optionalFlag, stringFlag, UsageError } from "../cli/args.js";
import { resultsDir } from "../paths.js";
import { workersFlag } from "../sample-pool.js";

/** The flags every experiment accepts (besides --json): the sample count, backends, seed and output folder. */
export const commonFlags = ["samples", "backends", "seed", "out", "workers"] as const;

/** Flags of the experiments that run a search: its budget and where the test images come from. */
export const searchFlags = ["model", "method", "max-linf", "max-queries", "warmup", "iterations", "data-dir", "fixture", "weights"] as const;

/** The boolean ones among searchFlags. */
export const searchBooleanFlags = ["fixture"] as const;

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
  warmup: number;
  iterations: number;
  /** The test set: --data-dir, else the committed fixture with --fixture, else the installed test set. */
  data: { dataDir?: string; fixture: boolean };
  weights?: string;
  /** Worker threads for the samples (--workers; default os.availableParallelism()). */
  workers: number;
}

/** Reads the common and search flags; `defaultBackends` applies when --backends is absent. */
export function experimentOptions(name: string, args: ParsedArgs, defaultBackends: readonly string[], opts: { everyMethod?: boolean } = {}): ExperimentOptions {
  const backendIds = (optionalFlag(args, "backends") ?? defaultBackends.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  if (backendIds.length < 2) throw new UsageError(`experiment ${name}: --backends needs at least two backend ids, got "${backendIds.join(",")}"`);
  if (new Set(backendIds).size !== backendIds.length) throw new UsageError(`experiment ${name}: --backends lists a backend twice: "${backendIds.join(",")}"`);
  const dataDir = optionalFlag(args, "data-dir");
  const fixture = args.flags.get("fixture") === true;
  if (dataDir && fixture) throw new UsageError("give --data-dir or --fixture, not both");
  const weights = optionalFlag(args, "weights");
  // An experiment that runs every method (table2) takes the local search's bounds without --method.
  if (opts.everyMethod && args.flags.has("method")) throw new UsageError(`experiment ${name} runs every method; --method does not apply`);
  const method = stringFlag(args, "method", "algorithm1");
  if (method !== "algorithm1" && method !== "local") throw new UsageError(`experiment ${name}: --method must be algorithm1 or local, got "${method}"`);
  for (const f of ["max-linf", "max-queries"]) {
    if (args.flags.has(f) && method !== "local" && !opts.everyMethod) throw new UsageError(`experiment ${name}: --${f} applies to --method local only`);
  }
  return {
    name,
    samples: numberFlag(args, "samples", paperSamples, { min: 1, integer: true }),
    backendIds,
    seed: numberFlag(args, "seed", 0, { min: 0, integer: true }),
    out: optionalFlag(args, "out") ?? join(resultsDir(), "experiments", name),
    model: stringFlag(args, "model", "fmnist-mlp"),
    method,
    ...(args.flags.has("max-linf") ? { maxLinf: numberFlag(args, "max-linf", 255, { min: 1, max: 255, integer: true }) } : {}),
    ...(args.flags.has("max-queries") ? { maxQueries: numberFlag(args, "max-queries", 200, { min: 1, integer: true }) } : {}),
    warmup: numberFlag(args, "warmup", 2000, { min: 0, integer: true }),
    iterations: numberFlag(args, "iterations", 3000, { min: 1, integer: true }),
    data: { fixture, ...(dataDir ? { dataDir } : {}) },
    ...(weights ? { weights } : {}),
    workers: workersFlag(args),
  };
}

/** Every unordered pair of `ids`, in list order: (a,b), (a,c), …, (b,c), … */
export function pairsOf<T>(ids: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push([ids[i]!, ids[j]!]);
  return out;
}

import { join } from "node:path";
import type { ParsedArgs } from "../cli/command.js";
import { numberFlag, optionalFlag, stringFlag, UsageError } from "../cli/args.js";
import { resultsDir } from "../paths.js";
import { workersFlag } from "../sample-pool.js";

/** The flags every experiment accepts (besides --json): the sample count, backends, seed and output folder. */
export const commonFlags = ["samples", "backends", "seed", "out", "workers"] as const;

/** Flags of the experiments that run a search: its budget and where the test images come from. */
export const searchFlags = ["model", "warmup", "iterations", "data-dir", "fixture", "weights"] as const;

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
  warmup: number;
  iterations: number;
  /** The test set: --data-dir, else the committed fixture with --fixture, else the installed test set. */
  data: { dataDir?: string; fixture: boolean };
  weights?: string;
  /** Worker threads for the samples (--workers; default os.availableParallelism()). */
  workers: number;
}

/** Reads the common and search flags; `defaultBackends` applies when --backends is absent. */
export function experimentOptions(name: string, args: ParsedArgs, defaultBackends: readonly string[]): ExperimentOptions {
  const backendIds = (optionalFlag(args, "backends") ?? defaultBackends.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  if (backendIds.length < 2) throw new UsageError(`experiment ${name}: --backends needs at least two backend ids, got "${backendIds.join(",")}"`);
  if (new Set(backendIds).size !== backendIds.length) throw new UsageError(`experiment ${name}: --backends lists a backend twice: "${backendIds.join(",")}"`);
  const dataDir = optionalFlag(args, "data-dir");
  const fixture = args.flags.get("fixture") === true;
  if (dataDir && fixture) throw new UsageError("give --data-dir or --fixture, not both");
  const weights = optionalFlag(args, "weights");
  return {
    name,
    samples: numberFlag(args, "samples", paperSamples, { min: 1, integer: true }),
    backendIds,
    seed: numberFlag(args, "seed", 0, { min: 0, integer: true }),
    out: optionalFlag(args, "out") ?? join(resultsDir(), "experiments", name),
    model: stringFlag(args, "model", "fmnist-mlp"),
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

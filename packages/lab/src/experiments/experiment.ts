import type { CommandIO, ParsedArgs } from "../cli/command.js";
import type { FlagSpecs } from "../cli/flag-spec.js";

/**
 * One of the paper's experiments, run by `chimera experiment NAME`. Each appends finished samples
 * to a JSONL file in its output folder as it goes (a killed run resumes without losing or repeating
 * one), then writes a summary (JSON and markdown) and its figure.
 */
export interface Experiment {
  /** The word after `chimera experiment`, e.g. "fig5", "table3". */
  readonly name: string;
  /** One line for `chimera experiment --help`. */
  readonly summary: string;
  /**
   * Flags this experiment accepts besides the common ones (--samples, --backends, --seed, --out,
   * --workers, --json), with their types. A name two experiments declare must have the same spec.
   */
  readonly flags?: FlagSpecs;
  /** Runs it; returns the exit code. With args.json, prints one JSON document (the summary) on stdout. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

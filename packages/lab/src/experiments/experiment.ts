import type { CommandIO, ParsedArgs } from "../cli/command.js";

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
  /** Flags this experiment accepts besides the common ones (--samples, --backends, --seed, --out, --workers, --json). */
  readonly flags?: readonly string[];
  /**
   * The flags among `flags` that take no value (e.g. "fixture"); `chimera experiment` parses them as
   * booleans. A name may not be boolean in one experiment and take a value in another.
   */
  readonly booleanFlags?: readonly string[];
  /** Runs it; returns the exit code. With args.json, prints one JSON document (the summary) on stdout. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

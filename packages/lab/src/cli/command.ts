import type { FlagSpecs, FlagValue } from "./flag-spec.js";

/**
 * One `chimera` subcommand. The CLI parses its declared `flags` (`--flag value` / `--flag=value` /
 * boolean `--flag`) into typed `args.flags` and the rest into `args.positional`, prints `help` for
 * `--help`, turns a UsageError into exit code 2 and any other thrown Error into exit code 1, each
 * with a one-line reason on stderr.
 */
export interface Command {
  /** The word after `chimera`, e.g. "backends". */
  readonly name: string;
  /** One line for `chimera --help`. */
  readonly summary: string;
  /** The full text for `chimera NAME --help`: usage, every flag, an example. */
  readonly help: string;
  /** Every flag the command accepts besides --json and --help, with its type; others are usage errors. */
  readonly flags: FlagSpecs;
  /** Groups of flags of which at most one may be given (e.g. ["images", "samples"]). */
  readonly exclusive?: readonly (readonly string[])[];
  /** Flags that need another: `{ beta: "c" }` makes --beta without --c a usage error. */
  readonly requires?: Readonly<Record<string, string>>;
  /** How many positional arguments it takes (default none) and what they are, for the error. */
  readonly positional?: { readonly min: number; readonly max: number; readonly names: string };
  /** Runs the command; returns the exit code (0 on success). Writes results to `io.out`. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/** A parsed command line: positionals and the typed values of the flags given (defaults not filled in). */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, FlagValue>;
  /** True when --json was given: print one JSON document on stdout and nothing else there. */
  json: boolean;
  /** The flags declared (the command's and --json/--help), for the get* readers in args.ts. */
  specs: FlagSpecs;
}

export interface CommandIO {
  /** stdout */
  out(text: string): void;
  /** stderr: progress and diagnostics (never mixed into --json output). */
  err(text: string): void;
  /** True when stderr is a terminal (progress bars redraw in place only then). */
  readonly isTTY: boolean;
}

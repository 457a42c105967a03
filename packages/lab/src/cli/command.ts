/**
 * One `chimera` subcommand. The CLI parses `--flag value` / `--flag=value` / boolean `--flag` into
 * `args.flags` and the rest into `args.positional`, prints `help` for `--help`, and turns a thrown
 * Error into a one-line reason on stderr with exit code 1.
 */
export interface Command {
  /** The word after `chimera`, e.g. "backends". */
  readonly name: string;
  /** One line for `chimera --help`. */
  readonly summary: string;
  /** The full text for `chimera NAME --help`: usage, every flag, an example. */
  readonly help: string;
  /** Flags that take no value (everything else takes one). `--json` and `--help` are always boolean. */
  readonly booleanFlags?: readonly string[];
  /** Every flag the command accepts (besides --json and --help); when given, others are usage errors. */
  readonly knownFlags?: readonly string[];
  /** Runs the command; returns the exit code (0 on success). Writes results to `io.out`. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
  /** True when --json was given: print one JSON document on stdout and nothing else there. */
  json: boolean;
}

export interface CommandIO {
  /** stdout */
  out(text: string): void;
  /** stderr: progress and diagnostics (never mixed into --json output). */
  err(text: string): void;
  /** True when stderr is a terminal (progress bars redraw in place only then). */
  readonly isTTY: boolean;
}

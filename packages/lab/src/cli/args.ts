import type { Command, ParsedArgs } from "./command.js";

/** A usage error: the CLI prints it with a pointer to `--help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses `argv` for one command: `--flag value`, `--flag=value`, boolean `--flag`, positionals.
 * Flags the command does not list in `knownFlags` (when it lists them) are usage errors.
 */
export function parseArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const booleans = new Set(["json", "help", ...(command.booleanFlags ?? [])]);
  const known = command.knownFlags ? new Set([...command.knownFlags, ...booleans]) : undefined;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (known && !known.has(name)) {
      throw new UsageError(`unknown flag --${name}`);
    }
    if (booleans.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (eq >= 0) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`--${name} needs a value`);
      }
      flags.set(name, value);
      i++;
    }
  }
  return { positional, flags, json: flags.get("json") === true };
}

/** The string value of a flag, or `fallback`; throws a UsageError when required and absent. */
export function stringFlag(args: ParsedArgs, name: string, fallback?: string): string {
  const v = args.flags.get(name);
  if (v === undefined || v === true) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  return v;
}

/** An optional string flag. */
export function optionalFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

/** A numeric flag within [min, max] (integer when `integer`), or `fallback`. */
export function numberFlag(
  args: ParsedArgs, name: string, fallback: number, opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const v = typeof raw === "string" ? Number(raw) : NaN;
  const { min = -Infinity, max = Infinity, integer = false } = opts;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const kind = integer ? "an integer" : "a number";
    throw new UsageError(`--${name} must be ${kind} in [${min}, ${max}], got "${String(raw)}"`);
  }
  return v;
}

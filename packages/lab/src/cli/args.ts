import type { Command, ParsedArgs } from "./command.js";
import { allowedText, parseFlagValue, type FlagSpec, type FlagSpecs, type FlagValue } from "./flag-spec.js";

/** A usage error: the CLI prints it on one line with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The flags every command accepts besides its own. */
export const globalFlags: FlagSpecs = { json: { type: "boolean" }, help: { type: "boolean" } };

/**
 * Parses `argv` for one command: `--flag value`, `--flag=value`, boolean `--flag`, positionals. Every
 * flag must be declared in `command.flags`; each value is checked against its spec at once (so a bad
 * value is an error even where the command would not read it). Repeated flags, flags the command
 * names as mutually exclusive, flags given without the flag they need, and positionals beyond
 * `command.positional` are usage errors too. Defaults are not filled in here: the get* readers apply them.
 */
export function parseArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const specs: FlagSpecs = { ...command.flags, ...globalFlags };
  const flags = new Map<string, FlagValue>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(specs, name) ? specs[name]! : undefined;
    if (!spec) throw new UsageError(`unknown flag --${name}${suggestFlag(name, Object.keys(specs))}`);
    if (flags.has(name)) throw new UsageError(`--${name} is given twice; give it once`);
    if (spec.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value, got "${arg.slice(eq + 1)}"`);
      flags.set(name, true);
      continue;
    }
    let text: string;
    if (eq >= 0) text = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value: ${allowedText(spec)}`);
      text = next;
      i++;
    }
    const parsed = parseFlagValue(spec, text);
    if ("problem" in parsed) throw new UsageError(`--${name} ${parsed.problem}`);
    flags.set(name, parsed.value);
  }
  if (flags.get("help") !== true) {
    for (const group of command.exclusive ?? []) {
      const given = group.filter((f) => flags.has(f));
      if (given.length > 1) throw new UsageError(`${given.map((f) => `--${f}`).join(" and ")} exclude each other; give one`);
    }
    for (const [flag, needs] of Object.entries(command.requires ?? {})) {
      if (flags.has(flag) && !flags.has(needs)) throw new UsageError(`--${flag} needs --${needs}`);
    }
    const { min = 0, max = 0, names = "" } = command.positional ?? {};
    if (positional.length > max) throw new UsageError(`unexpected argument "${positional[max]}"`);
    if (positional.length < min) throw new UsageError(`expected ${names}`);
  }
  return { positional, flags, json: flags.get("json") === true, specs };
}

/** " (did you mean --x?)" when a declared flag is one or two edits from `name`. */
function suggestFlag(name: string, known: readonly string[]): string {
  const near = known.filter((k) => editDistance(k, name) <= 2);
  return near.length ? ` (did you mean ${near.map((k) => `--${k}`).join(" or ")}?)` : `; flags: ${known.map((k) => `--${k}`).join(", ")}`;
}

/** Levenshtein distance between two strings (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function specOf(args: ParsedArgs, name: string, types: readonly FlagSpec["type"][]): FlagSpec {
  const spec = Object.hasOwn(args.specs, name) ? args.specs[name] : undefined;
  if (!spec || !types.includes(spec.type)) {
    throw new Error(`internal: flag --${name} is read as ${types.join("/")} but declared ${spec ? `as ${spec.type}` : "nowhere"}`);
  }
  return spec;
}

/** True when `--name` was on the command line (defaults do not count). */
export function isGiven(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

/** A boolean flag: true when given. */
export function getBoolean(args: ParsedArgs, name: string): boolean {
  specOf(args, name, ["boolean"]);
  return args.flags.get(name) === true;
}

/** A string, path or enum flag: its value, else its declared default, else undefined. */
export function maybeString(args: ParsedArgs, name: string): string | undefined {
  const spec = specOf(args, name, ["string", "path", "enum"]) as { default?: string };
  return (args.flags.get(name) as string | undefined) ?? spec.default;
}

/** A string, path or enum flag's value or default; a usage error when neither exists. */
export function getString(args: ParsedArgs, name: string): string {
  const v = maybeString(args, name);
  if (v === undefined) throw new UsageError(`--${name} is required: ${allowedText(args.specs[name]!)}`);
  return v;
}

/** An int or number flag: its value, else its declared default, else undefined. */
export function maybeNumber(args: ParsedArgs, name: string): number | undefined {
  const spec = specOf(args, name, ["int", "number"]) as { default?: number };
  return (args.flags.get(name) as number | undefined) ?? spec.default;
}

/** An int or number flag's value or default; a usage error when neither exists. */
export function getNumber(args: ParsedArgs, name: string): number {
  const v = maybeNumber(args, name);
  if (v === undefined) throw new UsageError(`--${name} is required: ${allowedText(args.specs[name]!)}`);
  return v;
}

/** A list flag: its items, else its declared default, else undefined. */
export function maybeList(args: ParsedArgs, name: string): string[] | undefined {
  const spec = specOf(args, name, ["list"]) as { default?: readonly string[] };
  return (args.flags.get(name) as string[] | undefined) ?? (spec.default ? [...spec.default] : undefined);
}

/** A list flag's items or default; a usage error when neither exists. */
export function getList(args: ParsedArgs, name: string): string[] {
  const v = maybeList(args, name);
  if (v === undefined) throw new UsageError(`--${name} is required: ${allowedText(args.specs[name]!)}`);
  return v;
}

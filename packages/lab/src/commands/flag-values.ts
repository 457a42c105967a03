import type { ParsedArgs } from "../cli/command.js";

/** The string value of `--name`; throws naming the flag when it is missing or given without a value. */
export function requiredFlag(args: ParsedArgs, name: string): string {
  const v = args.flags.get(name);
  if (v === undefined || v === true) throw new Error(`--${name} is required and takes a value`);
  return v;
}

/** The value of `--name` as a finite number, or `fallback` when absent. */
export function numberFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v === true || !Number.isFinite(x)) throw new Error(`--${name} must be a number, got ${String(v)}`);
  return x;
}

/** The value of `--name` as an integer >= min, or `fallback` when absent. */
export function intFlag(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const x = numberFlag(args, name, fallback);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, got ${x}`);
  return x;
}

/** True when boolean `--name` was given. */
export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true || args.flags.get(name) === "true";
}

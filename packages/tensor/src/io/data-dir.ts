import { existsSync } from "node:fs";
import { join } from "node:path";
import { ioFail } from "./io-error.js";

/**
 * Where a data set is looked for: the explicit `dir` argument, else the environment variable
 * `envVar` when set and non-empty, else `fallback` (null: no default location).
 */
export function resolveDataDir(dir: string | undefined, envVar: string, fallback: string | null): { dir: string | null; from: string } {
  if (dir !== undefined && dir !== "") return { dir, from: "the dir argument" };
  const env = process.env[envVar];
  if (env !== undefined && env !== "") return { dir: env, from: `$${envVar}` };
  return { dir: fallback, from: "the default location" };
}

/**
 * The first of `names` (e.g. "x.gz" then "x") that exists in `dir`. When none does, throws an
 * {@link IoFormatError} listing every path tried, where `dir` came from, and `remedy`.
 */
export function findDataFile(dataset: string, dir: string, from: string, names: readonly string[], remedy: string): string {
  for (const name of names) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return ioFail(dataset, `missing file: tried ${names.map((n) => join(dir, n)).join(" and ")} (directory from ${from}). ${remedy}`);
}

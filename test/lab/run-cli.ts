import { main, parseArgs, type Command, type ParsedArgs } from "@chimera/lab/cli";

/** The command line `--name value` (or `--name` for true) of each entry, in order. */
export function argvOf(flags: Record<string, string | true>): string[] {
  return Object.entries(flags).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));
}

/** `flags` parsed as `command` parses its command line (positionals first). */
export function parsedFor(command: Pick<Command, "flags"> & Partial<Command>, flags: Record<string, string | true>, positional: string[] = []): ParsedArgs {
  return parseArgs(command as Command, [...positional, ...argvOf(flags)]);
}

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false });
  return { code, out, err };
}

/** Whether the official Fashion-MNIST files are installed (Debian dataset-fashion-mnist). */
export async function hasFmnist(): Promise<boolean> {
  const { existsSync } = await import("node:fs");
  const dir = process.env.CHIMERA_FMNIST_DIR ?? "/usr/share/datasets/fashion-mnist";
  return existsSync(`${dir}/t10k-images-idx3-ubyte.gz`) || existsSync(`${dir}/t10k-images-idx3-ubyte`);
}

/** Skips the current test with a printed reason, or fails when CHIMERA_REQUIRE_NATIVE=1 (CI). */
export function skipOrFail(ctx: Mocha.Context, reason: string): void {
  if (process.env.CHIMERA_REQUIRE_NATIVE === "1") throw new Error(`required in CI but missing: ${reason}`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

import { pinEigenCacheSizes } from "@chimera/native";
import { commands } from "./commands.js";
import { parseArgs, UsageError } from "./args.js";
import type { CommandIO } from "./command.js";
import { fileProblem } from "../user-file.js";
import { chimeraVersion } from "../version.js";

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "chimera: find, measure and defend against Chimera examples (inputs one model classifies",
    "differently depending on which BLAS library computes it).",
    "",
    "Usage: chimera <command> [options]        chimera <command> --help",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command that reports something accepts --json (one JSON document on stdout).",
    "Exit code 0 on success; otherwise 1 (failure) or 2 (usage error: an unknown flag, a flag given twice, an",
    "empty, malformed or out-of-range value, flags that exclude each other) with a one-line reason on stderr.",
  ].join("\n");
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(topHelp() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.out(`${chimeraVersion}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`chimera: unknown command "${name}"; commands: ${commands.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  try {
    pinEigenCacheSizes(); // the Eigen emulations block as the real Eigen does on this CPU
    const args = parseArgs(command, rest);
    if (args.flags.get("help") === true) {
      io.out(command.help.trimEnd() + "\n");
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    const err = e as Error;
    if (err instanceof UsageError) {
      io.err(`chimera ${name}: ${err.message} (see: chimera ${name} --help)\n`);
      return 2;
    }
    const path = (err as NodeJS.ErrnoException)?.path;
    const fsWhy = path === undefined ? undefined : fileProblem(err, path, { what: "file", expected: "a readable file (see the command's --help)" });
    io.err(`chimera ${name}: ${oneLine(fsWhy ?? err?.message ?? String(e))}\n`);
    if (process.env.CHIMERA_DEBUG) io.err(`${err?.stack ?? ""}\n`);
    return 1;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, "; ");
}

function processIO(): CommandIO {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
}

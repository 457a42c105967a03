import { allBackends } from "../backends.js";
import type { Command } from "../cli/command.js";

/** `chimera backends [--json]`: every backend, available or not, with the reason. */
export const command: Command = {
  name: "backends",
  summary: "List every backend (reference, emulated, native) and whether it can run here.",
  help: [
    "Usage: chimera backends [--json]",
    "",
    "Lists every backend: the reference kernel, emulated kernels and native libraries (OpenBLAS, BLIS,",
    "MKL, ATLAS, netlib, Eigen, cuBLAS, Accelerate), with whether each is available here and why not.",
    "Native ids read <library>-<version>-<cpu>[-<threading>][-t<threads>].",
    "",
    "  --json   print a JSON array of {id, kind (\"native\" | \"emulated\"), library, version, variant, threads,",
    "           available, reason? (when not available), reference? (the textbook kernel)}",
    "",
    "Example: chimera backends --json | jq '.[] | select(.available) | .id'",
  ].join("\n"),
  flags: {},
  async run(args, io) {
    // kind is "native" (the real library) or "emulated" (pure TypeScript); the reference kernel is
    // a pure-TypeScript kernel too, marked by reference: true.
    const list = allBackends().map(({ id, kind, library, version, variant, threads, available, reason }) => ({
      id, kind: kind === "native" ? "native" : "emulated", ...(kind === "reference" ? { reference: true } : {}),
      library, version, variant, threads, available, ...(reason !== undefined ? { reason } : {}),
    }));
    if (args.json) {
      io.out(JSON.stringify(list, null, 2) + "\n");
      return 0;
    }
    const width = Math.max(...list.map((b) => b.id.length));
    for (const b of list) {
      io.out(`${b.available ? "yes" : "no "}  ${b.id.padEnd(width)}  ${b.kind.padEnd(9)}${b.available ? "" : `  ${b.reason}`}\n`);
    }
    const n = list.filter((b) => b.available).length;
    io.out(`${n} of ${list.length} backends available (${list.filter((b) => b.available && b.kind === "native").length} native)\n`);
    return 0;
  },
};

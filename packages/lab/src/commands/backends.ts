import { cpuInfo, describeCaches } from "@chimera/native";
import { allBackends } from "../backends.js";
import { checkBackend } from "../backend-check.js";
import type { Command } from "../cli/command.js";

/** `chimera backends [--check] [--json]`: this CPU, then every backend, available or not, with the reason. */
export const command: Command = {
  name: "backends",
  summary: "List every backend (reference, emulated, native) and whether it can run on this CPU.",
  help: [
    "Usage: chimera backends [--check] [--json]",
    "",
    "Prints this CPU's instruction-set features (CPUID through the native addon, else /proc/cpuinfo) and",
    "caches, then every backend: the reference kernel, emulated kernels and native libraries (OpenBLAS,",
    "BLIS, MKL, ATLAS, netlib, Eigen, cuBLAS, Accelerate), with whether each is available here and why not",
    "(a native variant whose kernels need a feature this CPU lacks is unavailable, naming the feature).",
    "Native ids read <library>-<version>-<cpu>[-<threading>][-t<threads>].",
    "CHIMERA_CPU_FEATURES=-avx512f (comma-separated, hide only) makes the bridge act as on a CPU without",
    "those features (and their dependents).",
    "",
    "  --check  also start every available native variant and run a 64x16x32 gemm whose exact result every",
    "           order reaches; report those that fail and why (a worker killed by SIGILL: this CPU lacks an",
    "           instruction its kernels use). Exit code 1 when one fails.",
    "  --json   print {cpu: {vendor, family, model, source, features, detected, hidden, override?, caches,",
    "           eigenCacheSizes?}, backends: [{id, kind (\"native\" | \"emulated\"), library, version, variant,",
    "           threads, available, reason? (when not available), needs? (native: CPU features), reference?}],",
    "           check?: [{id, ok, error?, seconds}]}",
    "",
    "Example: chimera backends --json | jq '.backends[] | select(.available) | .id'",
  ].join("\n"),
  flags: { check: { type: "boolean" } },
  async run(args, io) {
    const cpu = cpuInfo();
    const entries = allBackends();
    // kind is "native" (the real library) or "emulated" (pure TypeScript); the reference kernel is
    // a pure-TypeScript kernel too, marked by reference: true.
    const list = entries.map((b) => ({
      id: b.id, kind: b.kind === "native" ? "native" : "emulated", ...(b.kind === "reference" ? { reference: true } : {}),
      library: b.library, version: b.version, variant: b.variant, threads: b.threads, available: b.available,
      ...(b.reason !== undefined ? { reason: b.reason } : {}),
      ...("needs" in b && Array.isArray(b.needs) ? { needs: b.needs as string[] } : {}),
    }));
    const cpuJson = {
      vendor: cpu.vendor, family: cpu.family, model: cpu.model, source: cpu.source, features: cpu.features, detected: cpu.detected,
      hidden: cpu.hidden, ...(cpu.override !== undefined ? { override: cpu.override } : {}), caches: cpu.caches, cacheSource: cpu.cacheSource,
      ...(cpu.eigenCacheSizes ? { eigenCacheSizes: cpu.eigenCacheSizes } : {}),
    };
    if (!args.json) {
      io.out(`CPU: ${cpu.vendor || "unknown vendor"} family ${cpu.family} model ${cpu.model} (${cpu.source})\n`);
      io.out(`  features: ${cpu.features.join(" ") || "none detected"}\n`);
      if (cpu.hidden.length) io.out(`  hidden by CHIMERA_CPU_FEATURES=${cpu.override}: ${cpu.hidden.join(" ")}\n`);
      io.out(`  caches: ${describeCaches(cpu.caches) || "unknown"} (${cpu.cacheSource})` +
        `${cpu.eigenCacheSizes ? `; Eigen reads l1/l2/l3 = ${cpu.eigenCacheSizes.join("/")} bytes` : ""}\n`);
      const width = Math.max(...list.map((b) => b.id.length));
      for (const b of list) {
        io.out(`${b.available ? "yes" : "no "}  ${b.id.padEnd(width)}  ${b.kind.padEnd(9)}${b.available ? "" : `  ${b.reason}`}\n`);
      }
      const n = list.filter((b) => b.available).length;
      io.out(`${n} of ${list.length} backends available (${list.filter((b) => b.available && b.kind === "native").length} native)\n`);
    }
    if (!args.flags.has("check")) {
      if (args.json) io.out(JSON.stringify({ cpu: cpuJson, backends: list }, null, 2) + "\n");
      return 0;
    }
    const natives = entries.filter((b) => b.kind === "native" && b.available);
    const check = natives.map((b, i) => {
      io.err(`${io.isTTY ? "\r" : ""}check ${i + 1}/${natives.length}: ${b.id}${io.isTTY ? "\x1b[K" : "\n"}`);
      return checkBackend(b);
    });
    const failed = check.filter((c) => !c.ok);
    if (args.json) io.out(JSON.stringify({ cpu: cpuJson, backends: list, check }, null, 2) + "\n");
    else {
      io.out(`${io.isTTY ? "\n" : ""}check: ${check.length - failed.length} of ${check.length} available native variants ran a 64x16x32 gemm exactly\n`);
      for (const f of failed) io.out(`  FAILED ${f.id}: ${f.error}\n`);
    }
    return failed.length ? 1 : 0;
  },
};

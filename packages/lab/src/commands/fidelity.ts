import { randomBytes } from "node:crypto";
import { broadFidelitySuite, classOf, derivedKernel, sameClass, emulatedKernels, fidelitySuite, measureFidelity, measureRegions, type FidelityCase, type Kernel, type RegionResult } from "@chimera/kernels";
import type { Command } from "../cli/command.js";
import { getNumber, getString, isGiven, maybeList, maybeNumber, UsageError } from "../cli/args.js";
import { allBackends, readDerivedOrder, releaseKernel } from "../backends.js";
import { fidelityPairs, pairedBackend } from "../fidelity-pairs.js";
import { zooConvShapes } from "../zoo-gemm-shapes.js";
import type { CommandIO, ParsedArgs } from "../cli/command.js";

function shapeName(c: FidelityCase): string {
  return `${c.name}: ${c.transA ? "T" : "N"}${c.transB ? "T" : "N"} ${c.m}x${c.n}x${c.k}` +
    `${c.alpha !== 1 ? ` alpha ${c.alpha}` : ""}${c.beta !== 0 ? ` beta ${c.beta}` : ""}${c.pad ? ` pad ${c.pad}` : ""}`;
}

export const command: Command = {
  name: "fidelity",
  summary: "how many output bits each emulation shares with the real library it models",
  help: `Usage: chimera fidelity [--backends ID,ID…] [--random N] [--json]
       chimera fidelity --suite broad [--seed S] [--scale ci|full] [--backends ID,ID…] [--json]

Runs every emulation and the native library it models on the same seeded inputs, call by call,
over a suite of gemm calls: the paper's MLP layer shapes at batch 1 and 64 (forward with and without
the bias in C, and the backward products), k from 1 to 4096 across every block boundary (at m = 3 and at batch 1), all four
transpose layouts with padded strides, and N random shapes with sides up to 512. Prints the fraction
of bit-identical output elements per emulation and the shapes where it is below 100%.

  --backends IDS   emulated backend ids (default: every emulation with a native counterpart), or
                   derived:FILE (a derived order from chimera derive; measured against the backend it was
                   derived from, on the suite's calls of the classes it covers, alpha 1, beta 0 or 1)
  --random N       random shapes in the suite (default 24)
  --suite NAME     default (the fixed suite above) or broad: a fresh draw over the regions of the call space
                   a model can reach, reported per region: conv-im2col (the im2col products of the zoo's
                   CIFAR VGG and EfficientNetV2-S), linear-batch (nn.Linear at batch 1 and odd batches),
                   large-blocked (m, n to 1024, k to 4608), alpha-beta (negative, non powers of two),
                   layouts (every transpose, padded strides, offset operands), values (8-bit pixels,
                   post-ReLU sparsity, wide exponents, cancelling pairs), gemv and dot
  --seed S         the broad suite's draw (default: a fresh random one, printed, so a run can be repeated)
  --scale NAME     the broad suite's size: ci (default, seconds per emulation) or full (minutes)
  --json           print an array of {id, real, bitIdentical, casesIdentical, elements, failingShapes}
                   (failingShapes: [{shape, bitIdentical}]), with calls (suite size); real is null, and
                   reason says why, when the library cannot run here (missing, a CPU feature it needs,
                   or it failed): those are listed, the rest measured

Example: chimera fidelity --backends openblas-0.3.21-haswell --json
         chimera fidelity --suite broad --seed 7 --scale full`,
  flags: {
    backends: { type: "list", min: 1 }, random: { type: "int", min: 0, max: 1000, default: 24 },
    suite: { type: "enum", values: ["default", "broad"], default: "default" },
    seed: { type: "int", min: 0, max: 4294967295 }, scale: { type: "enum", values: ["ci", "full"], default: "ci" },
  },
  async run(args, io) {
    if (getString(args, "suite") === "broad") return runBroad(args, io);
    for (const f of ["seed", "scale"]) if (isGiven(args, f)) throw new UsageError(`--${f} goes with --suite broad`);
    const wanted = maybeList(args, "backends") ?? Object.keys(fidelityPairs);
    const suite = fidelitySuite(getNumber(args, "random"));
    // Each emulation, the native id it models, and the calls it answers.
    const jobs = wanted.map((id) => {
      if (id.startsWith("derived:")) {
        const order = readDerivedOrder(id.slice("derived:".length));
        const kernel: Kernel = derivedKernel(order);
        // A derived order answers the classes it has rules for, at alpha = 1 and beta 0 or 1 (what a probe sees).
        const covered = suite.filter((c) => c.alpha === 1 && (c.beta === 0 || c.beta === 1) &&
          order.rules.some((r) => sameClass(r.when, classOf(c))));
        return { id: kernel.info.id, emulated: kernel, realId: order.backend.id, suite: covered };
      }
      const emulated = emulatedKernels.find((k) => k.info.id === id);
      if (!emulated) throw new UsageError(`"${id}" is not an emulated backend; emulations: ${emulatedKernels.map((k) => k.info.id).join(", ")} (or derived:FILE from chimera derive)`);
      if (!fidelityPairs[id]) throw new UsageError(`no native counterpart is known for "${id}"`);
      return { id, emulated: emulated as Kernel, realId: fidelityPairs[id]!, suite };
    });
    const natives = allBackends();
    const reports = [];
    for (const { id, emulated, realId: pairId, suite } of jobs) {
      const entry = pairedBackend(natives, pairId);
      const realId = entry?.id ?? pairId;
      if (!entry?.available) {
        const reason = `${realId}: ${entry?.reason ?? "not in the native catalog"}`;
        io.err(`fidelity: ${id}: ${realId} is unavailable here (${reason}); skipped\n`);
        reports.push({ id, real: null, reason, calls: suite.length, bitIdentical: null, casesIdentical: null, elements: 0, failingShapes: [] });
        continue;
      }
      const t0 = performance.now();
      let real: Kernel | undefined;
      try {
        real = entry.create();
        const r = measureFidelity(emulated, real, suite);
        const seconds = (performance.now() - t0) / 1000;
        io.err(`fidelity: ${id} vs ${realId}: ${(100 * r.bitIdentical).toFixed(4)}% bit-identical, ${seconds.toFixed(1)} s\n`);
        reports.push({
          id, real: realId, calls: suite.length, bitIdentical: r.bitIdentical, casesIdentical: r.casesIdentical, elements: r.elements,
          failingShapes: r.failingShapes.map((f) => ({ shape: shapeName(f.case), bitIdentical: f.bitIdentical })),
        });
      } catch (e) {
        // A library that cannot run here (it crashed, or refused to start) is reported, never fatal.
        const reason = `${realId} failed here: ${(e as Error).message}`;
        io.err(`fidelity: ${id}: ${reason}; skipped\n`);
        reports.push({ id, real: null, reason, calls: suite.length, bitIdentical: null, casesIdentical: null, elements: 0, failingShapes: [] });
      } finally {
        if (real) releaseKernel(real);
      }
    }
    if (args.json) {
      io.out(JSON.stringify(reports, null, 2) + "\n");
      return 0;
    }
    io.out(`suite: ${suite.length} gemm calls (a derived order is measured on the calls of the classes it covers)\n`);
    const unchecked = reports.filter((r) => r.real === null);
    for (const r of reports) {
      if (r.real === null) continue;
      io.out(`${r.id} vs ${r.real}: ${(100 * r.bitIdentical!).toFixed(4)}% of ${r.elements} elements (${r.calls} calls) bit-identical, ` +
        `${(100 * r.casesIdentical!).toFixed(1)}% of calls entirely\n`);
      for (const f of r.failingShapes) io.out(`    ${(100 * f.bitIdentical).toFixed(2).padStart(6)}%  ${f.shape}\n`);
    }
    if (unchecked.length) {
      io.out(`not checked here (${unchecked.length} of ${reports.length}: their real library cannot run on this machine):\n`);
      for (const r of unchecked) io.out(`  ${r.id}: ${r.reason}\n`);
    }
    return 0;
  },
};

/** `chimera fidelity --suite broad`: a fresh draw per run, reported per emulation and per region. */
async function runBroad(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.flags.has("random")) throw new UsageError("--random goes with the default suite; the broad suite draws with --seed");
  const scale = getString(args, "scale");
  if (scale !== "ci" && scale !== "full") throw new UsageError(`--scale must be ci or full, got "${scale}"`);
  const seed = maybeNumber(args, "seed") ?? randomBytes(4).readUInt32LE(0);
  const wanted = maybeList(args, "backends") ?? Object.keys(fidelityPairs);
  for (const id of wanted) {
    if (!emulatedKernels.some((k) => k.info.id === id)) throw new UsageError(`"${id}" is not an emulated backend; emulations: ${emulatedKernels.map((k) => k.info.id).join(", ")}`);
    if (!fidelityPairs[id]) throw new UsageError(`no native counterpart is known for "${id}"`);
  }
  const suite = broadFidelitySuite(seed, scale, zooConvShapes());
  io.err(`fidelity: broad suite, seed ${seed}, scale ${scale}: ${suite.length} calls\n`);
  const natives = allBackends();
  const reports: Array<{ id: string; real: string | null; reason?: string; bitIdentical: number | null; regions: RegionResult[] }> = [];
  for (const id of wanted) {
    const entry = pairedBackend(natives, fidelityPairs[id]!);
    if (!entry?.available) {
      reports.push({ id, real: null, reason: entry?.reason ?? "not in the native catalog", bitIdentical: null, regions: [] });
      io.err(`fidelity: ${id}: ${fidelityPairs[id]} is unavailable here; skipped\n`);
      continue;
    }
    const real = entry.create();
    const t0 = performance.now();
    try {
      const regions = measureRegions(emulatedKernels.find((k) => k.info.id === id)!, real, suite);
      const total = regions.reduce((s, r) => s + r.elements, 0), same = regions.reduce((s, r) => s + r.bitIdentical * r.elements, 0);
      reports.push({ id, real: entry.id, bitIdentical: total ? same / total : 1, regions });
      io.err(`fidelity: ${id} vs ${entry.id}: ${(100 * same / total).toFixed(4)}%, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } finally {
      releaseKernel(real);
    }
  }
  if (args.json) {
    io.out(JSON.stringify({ suite: "broad", seed, scale, calls: suite.length, reports }, null, 2) + "\n");
    return 0;
  }
  const regions = [...new Set(suite.map((c) => c.region))];
  const w = Math.max(10, ...reports.map((r) => r.id.length));
  let s = `broad suite, seed ${seed}, scale ${scale}: ${suite.length} calls; % of output elements bit-identical per region\n`;
  s += `${"emulation".padEnd(w)}  ${"all".padStart(8)}  ${regions.map((r) => r.padStart(Math.max(8, r.length))).join("  ")}\n`;
  for (const r of reports) {
    if (r.real === null) {
      s += `${r.id.padEnd(w)}  no real library here (${r.reason})\n`;
      continue;
    }
    const cell = (region: string) => {
      const x = r.regions.find((g) => g.region === region)!;
      return (x.bitIdentical === 1 ? "100" : (100 * x.bitIdentical).toFixed(3)).padStart(Math.max(8, region.length));
    };
    s += `${r.id.padEnd(w)}  ${(r.bitIdentical === 1 ? "100" : (100 * r.bitIdentical!).toFixed(3)).padStart(8)}  ${regions.map(cell).join("  ")}\n`;
  }
  for (const r of reports) {
    const misses = r.regions.flatMap((g) => g.misses.map((m) => `    ${(100 * m.bitIdentical).toFixed(2).padStart(6)}%  [${g.region}] ${m.shape}`));
    if (misses.length) s += `${r.id} misses:\n${misses.join("\n")}\n`;
  }
  io.out(s);
  return 0;
}

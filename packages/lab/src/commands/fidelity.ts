import { classOf, derivedKernel, sameClass, emulatedKernels, fidelitySuite, measureFidelity, type FidelityCase, type Kernel } from "@chimera/kernels";
import type { Command } from "../cli/command.js";
import { getNumber, maybeList, UsageError } from "../cli/args.js";
import { allBackends, readDerivedOrder, releaseKernel } from "../backends.js";
import { fidelityPairs, pairedBackend } from "../fidelity-pairs.js";

function shapeName(c: FidelityCase): string {
  return `${c.name}: ${c.transA ? "T" : "N"}${c.transB ? "T" : "N"} ${c.m}x${c.n}x${c.k}` +
    `${c.alpha !== 1 ? ` alpha ${c.alpha}` : ""}${c.beta !== 0 ? ` beta ${c.beta}` : ""}${c.pad ? ` pad ${c.pad}` : ""}`;
}

export const command: Command = {
  name: "fidelity",
  summary: "how many output bits each emulation shares with the real library it models",
  help: `Usage: chimera fidelity [--backends ID,ID…] [--random N] [--json]

Runs every emulation and the native library it models on the same seeded inputs, call by call,
over a suite of gemm calls: the paper's MLP layer shapes at batch 1 and 64 (forward with and without
the bias in C, and the backward products), k from 1 to 4096 across every block boundary (at m = 3 and at batch 1), all four
transpose layouts with padded strides, and N random shapes with sides up to 512. Prints the fraction
of bit-identical output elements per emulation and the shapes where it is below 100%.

  --backends IDS   emulated backend ids (default: every emulation with a native counterpart), or
                   derived:FILE (a derived order from chimera derive; measured against the backend it was
                   derived from, on the suite's calls of the classes it covers, alpha 1, beta 0 or 1)
  --random N       random shapes in the suite (default 24)
  --json           print an array of {id, real, bitIdentical, casesIdentical, elements, failingShapes}
                   (failingShapes: [{shape, bitIdentical}]), with calls (suite size); real is null, and
                   reason says why, when the library cannot run here (missing, a CPU feature it needs,
                   or it failed): those are listed, the rest measured

Example: chimera fidelity --backends openblas-0.3.21-haswell --json`,
  flags: { backends: { type: "list", min: 1 }, random: { type: "int", min: 0, max: 1000, default: 24 } },
  async run(args, io) {
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

import { expect } from "chai";
import { emulatedKernels, fidelitySuite, measureFidelity, type FidelityCase } from "@chimera/kernels";
import { discoverNativeBackends, type NativeKernel } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * Each emulation against the real library it models, through the native bridge: the oracle is the
 * library itself. Netlib, OpenBLAS Haswell and both Eigen builds must match on the whole default suite,
 * ATLAS on all of it but its documented misses; every emulation must match on the calls the paper's MLP
 * makes at inference (nn.Linear layout, bias in C or not).
 */
const fullMatch = new Set(["netlib-3.11", "openblas-0.3.21-haswell", "eigen-3.4-o3", "eigen-3.4-native"]);

/** Emulations held to the default suite less the calls named (misses the declaration documents). */
const nearlyFull: Record<string, { what: string; skip: (c: FidelityCase) => boolean }> = {
  // ATLAS: random 0 (413x76x303, beta -1.5, no-copy) has a 28-row cleanup tile, whose order with beta
  // other than 0 or 1 is not modelled (every miss of a 60-shape random sweep is such a tile).
  "atlas-3.10.3": { what: "less random 0", skip: (c) => c.name === "random 0" },
};

describe("emulations vs the real libraries (chimera fidelity)", () => {
  const natives = discoverNativeBackends();
  for (const [emulatedId, realId] of Object.entries(fidelityPairs)) {
    const emulated = emulatedKernels.find((k) => k.info.id === emulatedId)!;
    const near = nearlyFull[emulatedId];
    const suite: FidelityCase[] = fullMatch.has(emulatedId) ? fidelitySuite(8)
      : near ? fidelitySuite(8).filter((c) => !near.skip(c))
      : fidelitySuite(0).filter((c) => c.name.includes("forward"));
    const what = fullMatch.has(emulatedId) ? "the default suite (MLP shapes, k sweep, transposes, random)"
      : near ? `the default suite ${near.what}` : "the MLP forward calls";
    it(`${emulatedId} equals ${realId} bit for bit on ${what}`, function () {
      const backend = natives.find((b) => b.id === realId)!;
      expect(backend, `${realId} is in the native catalog`).to.not.equal(undefined);
      requireOrSkip(this, backend);
      const real: NativeKernel = backend.create();
      try {
        const r = measureFidelity(emulated, real, suite);
        const failing = r.failingShapes.map((f) => `${f.case.name} ${f.case.m}x${f.case.n}x${f.case.k}: ${(100 * f.bitIdentical).toFixed(2)}%`);
        expect(failing, failing.join("\n")).to.deep.equal([]);
        expect(r.bitIdentical).to.equal(1);
        expect(r.elements).to.be.greaterThan(200);
      } finally {
        real.dispose();
      }
    });
  }
});

import { expect } from "chai";
import { emulatedKernels, fidelitySuite, measureFidelity, type FidelityCase } from "@chimera/kernels";
import { discoverNativeBackends, type NativeKernel } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * Each emulation against the real library it models, through the native bridge: the oracle is the
 * library itself. Netlib, OpenBLAS Haswell and both Eigen builds must match on the whole default suite;
 * every emulation must match on the calls the paper's MLP makes at inference (nn.Linear layout, bias in
 * C or not).
 */
const fullMatch = new Set(["netlib-3.11", "openblas-0.3.21-haswell", "eigen-3.4-o3", "eigen-3.4-native"]);

/** Emulations held to more than the forward calls, but not (yet) to the whole suite. */
const partialMatch: Record<string, { what: string; also: (c: FidelityCase) => boolean }> = {
  // ATLAS: the k sweep below its CacheEdge K cut (not modelled) and the four transpose layouts; the
  // backward products and the random shapes still miss (see the declaration's `verified`).
  "atlas-3.10.3": { what: "the k sweep up to 2048 and the transposes", also: (c) => (c.name.startsWith("k sweep") && c.k <= 2048) || c.name.startsWith("transposes") },
};

describe("emulations vs the real libraries (chimera fidelity)", () => {
  const natives = discoverNativeBackends();
  for (const [emulatedId, realId] of Object.entries(fidelityPairs)) {
    const emulated = emulatedKernels.find((k) => k.info.id === emulatedId)!;
    const partial = partialMatch[emulatedId];
    const suite: FidelityCase[] = fullMatch.has(emulatedId) ? fidelitySuite(8)
      : fidelitySuite(0).filter((c) => c.name.includes("forward") || (partial?.also(c) ?? false));
    const what = fullMatch.has(emulatedId) ? "the default suite (MLP shapes, k sweep, transposes, random)"
      : `the MLP forward calls${partial ? `, ${partial.what}` : ""}`;
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

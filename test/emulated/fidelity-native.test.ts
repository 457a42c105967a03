import { expect } from "chai";
import { emulatedKernels, fidelitySuite, measureFidelity, type FidelityCase } from "@chimera/kernels";
import { discoverNativeBackends, type NativeKernel } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * Each emulation against the real library it models, through the native bridge: the oracle is the
 * library itself. Netlib and OpenBLAS Haswell must match on the whole default suite; every emulation
 * must match on the calls the paper's MLP makes at inference (nn.Linear layout, bias in C or not).
 */
const fullMatch = new Set(["netlib-3.11", "openblas-0.3.21-haswell", "mkl-2020.4-generic"]);
/** MKL's Intel paths: sse42 matches on the default suite but for three padded transpose layouts, avx512
 * and avx2 on it but for k = 1 (where the library FMAs the one product into C), avx on every MLP layer
 * call (its small-m kernels and some edge rows are not modelled yet). */
const mlpSubset: Readonly<Record<string, { what: string; keep: (c: FidelityCase) => boolean; random?: number }>> = {
  "mkl-2020.4-sse42": {
    what: "the default suite but the padded NN, TN and TT layouts",
    keep: (c) => !(c.name.startsWith("transposes") && (c.transA || !c.transB)),
    random: 8,
  },
  "mkl-2020.4-avx512": { what: "the default suite but k = 1", keep: (c) => c.k > 1, random: 8 },
  "mkl-2020.4-avx": { what: "every MLP layer call", keep: (c) => c.name.startsWith("layer") },
  "mkl-2020.4-avx2": { what: "the default suite but k = 1", keep: (c) => c.k > 1, random: 8 },
};

describe("emulations vs the real libraries (chimera fidelity)", () => {
  const natives = discoverNativeBackends();
  for (const [emulatedId, realId] of Object.entries(fidelityPairs)) {
    const emulated = emulatedKernels.find((k) => k.info.id === emulatedId)!;
    // Eigen's emulation is verified at batch 1 only (its GEBP path for m > 1 is not modelled yet).
    const batchOneOnly = emulatedId === "eigen-3.4-o3";
    const subset = mlpSubset[emulatedId];
    const suite: FidelityCase[] = fullMatch.has(emulatedId) ? fidelitySuite(8)
      : subset ? fidelitySuite(subset.random ?? 0).filter(subset.keep)
      : fidelitySuite(0).filter((c) => c.name.includes("forward") && (!batchOneOnly || c.m === 1));
    const what = fullMatch.has(emulatedId) ? "the default suite (MLP shapes, k sweep, transposes, random)"
      : subset ? subset.what : `the MLP forward calls${batchOneOnly ? " at batch 1" : ""}`;
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

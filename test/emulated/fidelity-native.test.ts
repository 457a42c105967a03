import { expect } from "chai";
import { emulatedKernels, fidelitySuite, measureFidelity, type FidelityCase } from "@chimera/kernels";
import { discoverNativeBackends, type NativeKernel } from "@chimera/native";
import { fidelityPairs, pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * Each emulation against the real library it models, through the native bridge: the oracle is the
 * library itself. Those in fullMatch must match on the whole default suite, those in nearlyFull on all
 * of it but their documented misses; every emulation must match on the calls the paper's MLP makes at
 * inference (nn.Linear layout, bias in C or not).
 */
const fullMatch = new Set([
  "netlib-3.11", "openblas-0.3.21-haswell", "openblas-0.3.21-skylakex", "openblas-0.3.21-cooperlake", "openblas-0.3.21-zen", "openblas-0.3.21-sandybridge", "openblas-0.3.21-nehalem",
  "blis-0.9.0-generic", "blis-0.9.0-skx", "blis-0.9.0-sandybridge", "blis-0.9.0-penryn",
  "blis-0.9.0-zen3", "blis-0.9.0-haswell", "blis-0.9.0-zen2", "blis-0.9.0-zen", "eigen-3.4-sse2", "eigen-3.4-avx2", "eigen-3.4-avx512",
  "mkl-2020.4-generic", "mkl-2020.4-avx512", "mkl-2020.4-avx2", "mkl-2020.4-sse42", "mkl-2020.4-avx", "atlas-3.10.3",
]);

/** Emulations held to the default suite less the calls named (misses the declaration documents). */
const nearlyFull: Record<string, { what: string; skip: (c: FidelityCase) => boolean }> = {
  // MKL's Intel paths (libraries/mkl-*.ts): sse42's and avx's blocked edge rows are modelled (2026-12-08), so both are held
  // to the whole suite.
};
/** OpenBLAS's AVX-512 small kernels (M·N·K ≤ 100³), every layout, general α and β: library M mod 16 and
 * mod 4 on both sides of the NN kernel's dot-style rest (≤ 8 rows with K ≥ 32) and of TN's K ≥ 32 permit. */
function smallKernelCases(): FidelityCase[] {
  const out: FidelityCase[] = [];
  let seed = 9000;
  for (const transA of [false, true]) for (const transB of [false, true])
    for (const n of [5, 8, 17, 20, 41]) for (const m of [1, 3, 6]) for (const k of [4, 31, 32, 47])
      for (const [alpha, beta] of [[1, 0], [0.7, 0.3]] as const) {
        out.push({ name: "small kernel", transA, transB, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta), pad: 1, seed: seed++ });
      }
  return out;
}
const withSmallKernels = new Set(["openblas-0.3.21-skylakex", "openblas-0.3.21-cooperlake"]);

describe("emulations vs the real libraries (chimera fidelity)", () => {
  const natives = discoverNativeBackends();

  it("pairs a version-unknown native id with the library's backend of any version, same variant and threads", () => {
    const list = [
      { id: "cublas-12.4.5-pedantic-t2", available: true },
      { id: "cublas-12.4.5-pedantic", available: true },
      { id: "openblas-0.3.21-haswell-serial", available: true },
    ];
    expect(pairedBackend(list, "cublas-unknown-pedantic")?.id).to.equal("cublas-12.4.5-pedantic");
    expect(pairedBackend(list, "openblas-0.3.21-haswell-serial")?.id).to.equal("openblas-0.3.21-haswell-serial");
    expect(pairedBackend(list, "accelerate-system-default")).to.equal(undefined);
    // Here (no GPU) the catalog still lists the cuBLAS backend under version "unknown".
    expect(pairedBackend(natives, "cublas-unknown-pedantic")?.library).to.equal("cublas");
  });

  for (const [emulatedId, realId] of Object.entries(fidelityPairs)) {
    const emulated = emulatedKernels.find((k) => k.info.id === emulatedId)!;
    const near = Object.hasOwn(nearlyFull, emulatedId) ? nearlyFull[emulatedId] : undefined;
    const suite: FidelityCase[] = fullMatch.has(emulatedId) ? fidelitySuite(8)
      : near ? fidelitySuite(8).filter((c) => !near.skip(c))
      : fidelitySuite(0).filter((c) => c.name.includes("forward"));
    if (withSmallKernels.has(emulatedId)) suite.push(...smallKernelCases());
    const what = (fullMatch.has(emulatedId) ? "the default suite (MLP shapes, k sweep, transposes, random)"
      : near ? `the default suite ${near.what}` : "the MLP forward calls") + (withSmallKernels.has(emulatedId) ? " and the small kernels' layouts" : "");
    it(`${emulatedId} equals ${realId} bit for bit on ${what}`, function () {
      const backend = pairedBackend(natives, realId)!;
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

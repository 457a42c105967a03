import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { broadFidelitySuite, emulatedKernels, fidelityRegions, measureRegions, type FidelityRegion, type RegionCase } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs, pairedBackend, zooConvShapes } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * The broadened suite (fidelity-regions.ts), one pinned draw (CHIMERA_FIDELITY_SEED=random draws afresh):
 * every emulation against its real library, per region. Each emulation is held to 100% on every region
 * but the ones named below, which are the misses measured on this machine (AMD Zen 4, AVX-512); a named
 * region's fraction is printed, not asserted. A failure prints the seed: it is a new miss to name or fix.
 */
const gemvDot: FidelityRegion[] = ["gemv", "dot"]; // emulated-kernel.ts: gemv and dot reuse the gemm order, unverified
const knownMisses: Record<string, FidelityRegion[]> = {
  // Every emulation not named here is held to 100% on every region, gemv and dot included.
  // Eigen: tiny products with wide exponents and beta 1 (seed 3729792623: NT 4x4x9 beta 1, 87.5% / 56.25%)
  "eigen-3.4-sse2": ["values"],
  "eigen-3.4-avx512": ["dot", "values"],
  "eigen-3.4-avx2": ["dot", "values"],
  // OpenBLAS SkylakeX / Cooperlake: sgemv_t's small kernel (m <= 8, lda = m) and sgemv_n's sgemv_kernel_n_128 not modelled
  "openblas-0.3.21-skylakex": ["gemv"], "openblas-0.3.21-cooperlake": ["gemv"],
  "mkl-2020.4-generic": [...gemvDot, "alpha-beta", "conv-im2col"], // small products, alpha/beta; 128x9x1152 beta 1
  "mkl-2020.4-avx512": [...gemvDot, "alpha-beta"], // small products with general alpha/beta
  "mkl-2020.4-avx2": [...gemvDot, "alpha-beta"], // general alpha/beta on edge tiles
  "mkl-2020.4-sse42": [...gemvDot, "large-blocked", "alpha-beta", "layouts", "values"], // padded edges, small-m pixels
  "mkl-2020.4-avx": [...gemvDot, "linear-batch", "large-blocked", "alpha-beta", "values", "layouts"], // small-m kernel choice (depends on k) not fully modelled
};

/** Misses narrower than a region, named by the calls they take out of it (n = 1 gemms are now modelled in BLIS and MKL). */
const generalAlphaBeta = (c: RegionCase) => c.op === "gemm" && (c.alpha !== 1 || (c.beta !== 0 && c.beta !== 1));
const mklSmall = { what: "alpha != 1 or beta not 0 or 1", skip: generalAlphaBeta };
const narrowMisses: Record<string, { what: string; skip: (c: RegionCase) => boolean }> = {
  ...Object.fromEntries(["mkl-2020.4-generic", "mkl-2020.4-avx512", "mkl-2020.4-sse42", "mkl-2020.4-avx"].map((id) => [id, mklSmall])),
  // ATLAS: beta not 0 or 1 on its 14-row cleanup kernel (tiles of 14, 28, 42 rows) or on the no-copy aX kernels'
  // partial tiles (80-97% of such a call's elements); general alpha, gemv and dot are modelled
  "atlas-3.10.3": { what: "beta not 0 or 1", skip: (c) => c.op === "gemm" && c.beta !== 0 && c.beta !== 1 },
};

/** The draw CI runs (passed here on 2026-12-02, as did 99 and 3729792623). */
const pinnedSeed = 4242;

describe("emulations vs the real libraries on a draw of the broadened suite (chimera fidelity --suite broad)", function () {
  this.timeout(300_000);
  // CI pins one draw (fresh draws still turn up new misses; a submission must not fail on a chance draw):
  // CHIMERA_FIDELITY_SEED=random draws afresh, any number repeats that draw.
  const asked = process.env.CHIMERA_FIDELITY_SEED ?? String(pinnedSeed);
  const seed = asked === "random" ? randomBytes(4).readUInt32LE(0) : Number(asked);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`CHIMERA_FIDELITY_SEED must be "random" or an integer in [0, 4294967295], got "${asked}"`);
  const natives = discoverNativeBackends();
  let suite: ReturnType<typeof broadFidelitySuite>;
  before(() => {
    suite = broadFidelitySuite(seed, "ci", zooConvShapes());
    console.log(`      broad suite seed ${seed} (CHIMERA_FIDELITY_SEED=${seed} repeats it): ${suite.length} calls`);
  });

  it("draws every region, and a different draw for another seed", () => {
    for (const r of fidelityRegions) expect(suite.filter((c) => c.region === r).length, r).to.be.greaterThan(0);
    expect(JSON.stringify(broadFidelitySuite(seed + 1, "ci", zooConvShapes()))).to.not.equal(JSON.stringify(suite));
  });

  for (const [emulatedId, realId] of Object.entries(fidelityPairs)) {
    if (emulatedId.includes("unverified")) continue; // cuBLAS, Accelerate: no real library on this platform
    const misses = knownMisses[emulatedId] ?? [], narrow = narrowMisses[emulatedId];
    it(`${emulatedId} equals ${realId} on every region but ${misses.length ? misses.join(", ") : "none"}${narrow ? `, less ${narrow.what}` : ""}`, function () {
      const backend = pairedBackend(natives, realId)!;
      requireOrSkip(this, backend);
      const real = backend.create();
      try {
        const held = narrow ? suite.filter((c) => !narrow.skip(c)) : suite;
        const regions = measureRegions(emulatedKernels.find((k) => k.info.id === emulatedId)!, real, held);
        const named = regions.filter((r) => misses.includes(r.region)).map((r) => `${r.region} ${(100 * r.bitIdentical).toFixed(3)}%`);
        if (named.length) console.log(`        named misses (seed ${seed}): ${named.join(", ")}`);
        const failing = regions.filter((r) => !misses.includes(r.region) && r.bitIdentical !== 1)
          .flatMap((r) => r.misses.map((m) => `[${r.region}] ${m.shape}: ${(100 * m.bitIdentical).toFixed(2)}%`));
        expect(failing, `seed ${seed}:\n${failing.join("\n")}`).to.deep.equal([]);
      } finally {
        real.dispose();
      }
    });
  }
});

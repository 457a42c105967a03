import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { emulatedKernels } from "@chimera/kernels";
import { hexBits, seededCall } from "./seeded-case.js";
import { withEnv } from "./with-env.js";

const DIR = fileURLToPath(new URL("../../../test/fixtures/emulated/", import.meta.url));

interface GoldenCase {
  name: string; seed: number; transA: boolean; transB: boolean; m: number; n: number; k: number;
  lda: number; ldb: number; ldc: number; alpha: number; beta: number;
  bits?: string; sha256?: string; firstBits?: string;
}
interface Golden { kernel: string; library: string; env: Record<string, string>; cases: GoldenCase[] }

const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

describe("emulated kernels against golden outputs of the real libraries", () => {
  it("has a golden file for every kernel that claims bit-for-bit verification", () => {
    const have = new Set(files.map((f) => f.replace(/\.json$/, "")));
    for (const k of emulatedKernels) {
      if (k.declaration.verified.startsWith("verified")) expect(have.has(k.info.id), k.info.id).to.equal(true);
    }
  });
  for (const file of files) {
    const golden = JSON.parse(readFileSync(DIR + file, "utf8")) as Golden;
    describe(`${golden.kernel} (recorded from ${golden.library})`, () => {
      for (const g of golden.cases) {
        it(`${g.name}: ${g.transA ? "T" : "N"}${g.transB ? "T" : "N"} ${g.m}x${g.n}x${g.k} bit-identical`, () => {
          const kernel = emulatedKernels.find((k) => k.info.id === golden.kernel);
          expect(kernel, `no emulated kernel ${golden.kernel}`).to.not.equal(undefined);
          const call = seededCall(g);
          // The recording's machine-dependent settings (Eigen's cache sizes), not this CPU's.
          withEnv("CHIMERA_EIGEN_CACHE_SIZES", golden.env.CHIMERA_EIGEN_CACHE_SIZES, () => kernel!.gemm(call));
          const got = hexBits(call.c);
          if (g.bits !== undefined) {
            // Compare element by element so a failure names the first differing element.
            for (let i = 0; i < call.c.length; i++) expect(got.slice(8 * i, 8 * i + 8), `element ${i}`).to.equal(g.bits.slice(8 * i, 8 * i + 8));
          } else {
            expect(got.slice(0, g.firstBits!.length)).to.equal(g.firstBits);
            expect(createHash("sha256").update(new Uint8Array(call.c.buffer)).digest("hex")).to.equal(g.sha256);
          }
        });
      }
    });
  }
});

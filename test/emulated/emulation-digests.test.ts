import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { emulatedKernels } from "@chimera/kernels";
import { DIGEST_PLAN, kernelDigests } from "./emulation-digest-cases.js";
import { withEnv } from "./with-env.js";

const FILE = fileURLToPath(new URL("../../../test/fixtures/emulation-digests.json", import.meta.url));

/** eigenCacheSizes: the CHIMERA_EIGEN_CACHE_SIZES the Eigen digests were recorded under (Zen 4's, as Eigen reads them). */
interface Digests { recordedFrom: string; eigenCacheSizes: string; plan: typeof DIGEST_PLAN; kernels: Record<string, Record<string, string>> }

describe("every emulation's bits on a few thousand varied calls, against digests of the pre-refactor code", () => {
  const golden = JSON.parse(readFileSync(FILE, "utf8")) as Digests;
  it("was recorded with this harness's plan, under named Eigen cache sizes", () => {
    expect(golden.plan).to.deep.equal(DIGEST_PLAN);
    expect(golden.eigenCacheSizes).to.match(/^\d+,\d+,\d+$/);
  });
  for (const kernel of emulatedKernels) {
    it(`${kernel.info.id}: gemm, batch-1 rows, gemv and dot unchanged (recorded from ${golden.recordedFrom.slice(0, 10)})`, () => {
      const want = golden.kernels[kernel.info.id];
      expect(want, `${kernel.info.id} has no digest in ${FILE}: record it with scripts/record-emulation-digests.mjs on the base code`).to.not.equal(undefined);
      expect(withEnv("CHIMERA_EIGEN_CACHE_SIZES", golden.eigenCacheSizes, () => kernelDigests(kernel))).to.deep.equal(want);
    });
  }
});

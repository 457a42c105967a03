// Records test/fixtures/emulation-digests.json: per emulated kernel, the sha256 of its outputs on the
// harness's deterministic call stream (test/emulated/emulation-digest-cases.ts). Run it on the code whose
// bits are to be pinned (the refactor's base commit), after `npx tsc -b`:
//   node scripts/record-emulation-digests.mjs
// Re-recording after a change that alters bits on purpose must be said in the commit message.
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { emulatedKernels } from "@chimera/kernels";
import { DIGEST_PLAN, kernelDigests } from "../build/test/emulated/emulation-digest-cases.js";

const commit = execSync("git rev-parse HEAD").toString().trim();
const kernels = {};
for (const k of emulatedKernels) {
  const t = performance.now();
  kernels[k.info.id] = kernelDigests(k);
  process.stderr.write(`${k.info.id}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}
// The Eigen emulations block with CHIMERA_EIGEN_CACHE_SIZES (their defaults when unset): pinned with the digests.
const eigenCacheSizes = process.env.CHIMERA_EIGEN_CACHE_SIZES ?? "32768,1048576,335544320";
const out = { recordedFrom: commit, eigenCacheSizes, plan: DIGEST_PLAN, kernels };
writeFileSync(new URL("../test/fixtures/emulation-digests.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");

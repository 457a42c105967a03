import { expect } from "chai";
import { Worker } from "node:worker_threads";
import { discoverNativeBackends } from "@chimera/native";
import { requireOrSkip } from "./require-native.js";
import { seededCall } from "./threads-calls.js";

/**
 * Libraries loaded in-process (netlib, ATLAS, Eigen) are shared by every worker thread of the process
 * (`--workers`): calls from two threads at once must give the bits each would give alone.
 */
describe("native backends called from several worker threads at once", () => {
  const natives = discoverNativeBackends();
  for (const id of ["netlib-3.11.0-generic", "eigen-3.4.0-sse2", "openblas-0.3.21-haswell-serial"]) {
    it(`${id}: two threads, 300 calls each, equal the same calls made alone`, async function () {
      this.timeout(120_000);
      const backend = natives.find((b) => b.id === id)!;
      requireOrSkip(this, backend);
      const count = 300;
      const run = (seed: number) => new Promise<Float32Array[]>((resolve, reject) => {
        const w = new Worker(new URL("./threads-worker.js", import.meta.url), { workerData: { id, seed, count } });
        w.once("message", resolve);
        w.once("error", reject);
      });
      const [x, y] = await Promise.all([run(1000), run(5000)]);
      const alone = backend.create();
      try {
        for (const [seed, got] of [[1000, x], [5000, y]] as const) {
          for (let i = 0; i < count; i++) {
            const call = seededCall(seed + i);
            alone.gemm(call);
            expect(Array.from(got[i]!), `${id} seed ${seed + i}`).to.deep.equal(Array.from(call.c));
          }
        }
      } finally {
        alone.dispose();
      }
    });
  }
});

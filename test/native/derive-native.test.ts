import { expect } from "chai";
import { derivedKernel, deriveOrder, deriveShapes, describeRule, FIDELITY_K_EDGES, measureFidelity, probe, type FidelityCase, type ShapeClass } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { NT1 as batch1, TEST_K, unprobedBatch1 } from "../kernels/derive-cases.js";
import { requireOrSkip } from "./require-native.js";

/**
 * "Probe where the library is, emulate everywhere": an order derived from the real library's probed
 * trees must give the library's own bits on calls the probe never made (other k up to 4096, other n).
 */
const many: ShapeClass = { transA: false, transB: true, batch: "many" };
const cases: Array<{ id: string; classes: ShapeClass[] }> = [
  { id: "netlib-3.11.0-generic", classes: [batch1] },
  { id: "openblas-0.3.21-haswell-serial", classes: [batch1] },
  { id: "openblas-0.3.21-zen-serial", classes: [batch1] },
  { id: "openblas-0.3.21-nehalem-serial", classes: [batch1] },
  // Sandybridge: one rule at batch 1 and in the packed path alike.
  { id: "openblas-0.3.21-sandybridge-serial", classes: [batch1, many] },
  { id: "blis-0.9.0-generic-serial", classes: [batch1] },
  { id: "eigen-3.4.0-sse2", classes: [batch1] },
];

/** Unprobed calls of the "many" class: 3 and 64 rows, the k edges, the MLP's first layer. */
function unprobedMany(): FidelityCase[] {
  const out: FidelityCase[] = FIDELITY_K_EDGES.filter((k) => k % 2 === 1).map((k, i) => ({ name: `3 rows k=${k}`, transA: false, transB: true, m: 3, n: 37, k, alpha: 1, beta: 1, pad: 0, seed: 700 + i }));
  out.push({ name: "layer 1 forward, batch 64", transA: false, transB: true, m: 64, n: 128, k: 784, alpha: 1, beta: 1, pad: 0, seed: 799 });
  return out;
}

describe("orders derived from the native libraries (chimera derive)", () => {
  const natives = discoverNativeBackends();
  for (const { id, classes } of cases) {
    it(`${id}: the derived order equals the library on calls the probe never made`, function () {
      this.timeout(300_000);
      const backend = natives.find((b) => b.id === id)!;
      expect(backend, `${id} is in the native catalog`).to.not.equal(undefined);
      requireOrSkip(this, backend);
      const real = backend.create();
      try {
        const profiles = classes.flatMap((cls) => deriveShapes(cls, { ks: TEST_K }).map((s) => probe(real, "gemm", s)));
        const { order, unexplained } = deriveOrder(profiles);
        expect(unexplained, JSON.stringify(unexplained)).to.deep.equal([]);
        const derived = derivedKernel(order);
        const suite = [...unprobedBatch1(), ...(classes.includes(many) ? unprobedMany() : [])];
        const r = measureFidelity(derived, real, suite);
        expect(r.failingShapes.map((f) => `${f.case.name}: ${f.bitIdentical}`), order.rules.map(describeRule).join("\n")).to.deep.equal([]);
      } finally {
        real.dispose();
      }
    });
  }
});

import { expect } from "chai";
import {
  derivedKernel, deriveOrder, deriveShapes, describeRule, emulatedKernels, measureFidelity, probe, type Kernel, type ShapeClass,
} from "@chimera/kernels";
import { NT1, TEST_K, unprobedBatch1 } from "./derive-cases.js";
import { fourLanes, pairwise, rowDependent } from "./probe-kernels.js";

function derive(kernel: Kernel, cls: ShapeClass = NT1, opts: { rows?: number; ks?: number[] } = {}) {
  return deriveOrder(deriveShapes(cls, { ks: opts.ks ?? TEST_K, rows: opts.rows }).map((s) => probe(kernel, "gemm", s)));
}

describe("deriving an emulation from probed trees (chimera derive)", () => {
  it("recovers a four-lane FMA kernel written by hand, and the derived kernel predicts calls never probed", () => {
    const { order, unexplained } = derive(fourLanes);
    expect(unexplained).to.deep.equal([]);
    expect(order.rules).to.have.length(1);
    const rule = order.rules[0]!;
    expect(rule.accumulation).to.include({ kind: "lanes", fused: true, lanes: 4, tail: "in-lanes" });
    expect(rule.kc).to.deep.equal({ kind: "whole" });
    // The JSON form is what `derived:FILE` loads.
    const kernel = derivedKernel(JSON.parse(JSON.stringify(order)));
    const r = measureFidelity(kernel, fourLanes, unprobedBatch1());
    expect(r.failingShapes.map((f) => f.case.name)).to.deep.equal([]);
  });

  // Emulations whose batch-1 order is a single rule of the vocabulary: the derived kernel must equal
  // them on k and n the probe never used.
  for (const id of ["netlib-3.11", "openblas-0.3.21-haswell", "blis-0.9.0-generic", "eigen-3.4-sse2"]) {
    it(`${id}: derived from its batch-1 trees, equals the emulation on unprobed k (to 4096) and n`, function () {
      this.timeout(300_000);
      const emulated = emulatedKernels.find((k) => k.info.id === id)!;
      const { order, unexplained } = derive(emulated);
      expect(unexplained, JSON.stringify(unexplained)).to.deep.equal([]);
      const r = measureFidelity(derivedKernel(order), emulated, unprobedBatch1());
      expect(r.failingShapes.map((f) => `${f.case.name}: ${f.bitIdentical}`), describeRule(order.rules[0]!)).to.deep.equal([]);
    });
  }

  it("reports an order that depends on the element's position instead of guessing one rule", function () {
    this.timeout(300_000);
    // OpenBLAS SkylakeX's small kernel reduces rows in groups of 4 one way and the rest another: at n = 9 both show.
    const skx = emulatedKernels.find((k) => k.info.id === "openblas-0.3.21-skylakex")!;
    const { order, unexplained } = derive(skx, NT1, { ks: [40, 100] });
    expect(order.rules).to.deep.equal([]);
    expect(unexplained[0]!.reason).to.match(/follow 2 different trees/);
    const rows = derive(rowDependent, { transA: false, transB: false, batch: "many" }, { rows: 2, ks: [5, 9] });
    expect(rows.unexplained[0]!.reason).to.match(/position/);
  });

  it("reports an order outside the vocabulary (pairwise halving) rather than a wrong rule", function () {
    this.timeout(300_000);
    const { order, unexplained } = derive(pairwise, NT1, { ks: [5, 16, 33, 100] });
    expect(order.rules).to.deep.equal([]);
    expect(unexplained[0]!.reason).to.match(/no rule in the vocabulary/);
  });

  it("refuses profiles it cannot use and calls a derived order never saw", () => {
    const netlib = emulatedKernels.find((k) => k.info.id === "netlib-3.11")!;
    expect(() => deriveOrder([])).to.throw(/no profiles/);
    expect(() => deriveOrder([probe(netlib, "gemm", { m: 1, n: 2, k: 5, transB: true })])).to.throw(/probed with beta 1/);
    expect(() => deriveOrder([probe(netlib, "gemm", { m: 1, n: 2, k: 5, beta: 1 }), probe(fourLanes, "gemm", { m: 1, n: 2, k: 5, beta: 1 })])).to.throw(/different backends/);
    const { order } = derive(netlib, NT1, { ks: [3, 40] });
    const kernel = derivedKernel(order);
    const call = { transA: false, transB: true, m: 1, n: 2, k: 3, a: new Float32Array(3), lda: 3, b: new Float32Array(6), ldb: 3, c: new Float32Array(2), ldc: 2 };
    expect(() => kernel.gemm({ ...call, alpha: 0.5, beta: 0 })).to.throw(/alpha = 0.5.*never probed/);
    expect(() => kernel.gemm({ ...call, transB: false, ldb: 2, alpha: 1, beta: 0 })).to.throw(/no rule for NN batch 1.*chimera derive --backend netlib-3.11 --classes NN\/1/);
    expect(() => derivedKernel({ format: "x" } as never)).to.throw(/not a derived order/);
  });
});

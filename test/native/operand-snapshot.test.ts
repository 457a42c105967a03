import { expect } from "chai";
import { discoverNativeBackends } from "@chimera/native";
import type { GemmCall } from "@chimera/kernels";
import { randomArray, seededFloats } from "../conformance/random-operands.js";
import { requireOrSkip } from "./require-native.js";

/**
 * A gemm call whose `a` getter hands out `first` on its first read and `later` on every read after
 * (a caller changing its operand under the bridge); counts the reads of every field.
 */
function shiftyCall(plain: GemmCall, later: Float32Array): { call: GemmCall; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const call = {} as GemmCall;
  for (const key of Object.keys(plain) as (keyof GemmCall)[]) {
    Object.defineProperty(call, key, {
      enumerable: true,
      get: () => {
        const n = (reads.get(key) ?? 0) + 1;
        reads.set(key, n);
        return key === "a" && n > 1 ? later : plain[key];
      },
    });
  }
  return { call, reads };
}

/** Issue 16, item 7: the native paths take each operand once, then validate and use that same one. */
describe("native kernels read each call field once", () => {
  // OpenBLAS reads its settings at load, so it runs in a worker; netlib runs in this process.
  for (const [transport, id] of [["worker", "openblas-0.3.21-haswell-serial"], ["in-process", "netlib-3.11.0-generic"]] as const) {
    it(`${transport} (${id}): a getter that changes A after the first read gets the product of the A it first gave`, function () {
      const backend = discoverNativeBackends().find((b) => b.id === id)!;
      requireOrSkip(this, backend);
      const kernel = backend.create({ transport });
      try {
        const r = seededFloats(7), m = 3, n = 4, k = 5;
        const base: GemmCall = { transA: false, transB: false, m, n, k, alpha: 1, a: randomArray(m * k, r), lda: k, b: randomArray(k * n, r), ldb: n, beta: 0, c: new Float32Array(m * n), ldc: n };
        const want = base.c.slice();
        kernel.gemm({ ...base, c: want }); // the oracle: the same library on a plain call
        const other = randomArray(m * k, r);
        kernel.gemm({ ...base, a: other, c: new Float32Array(m * n) }); // leaves other's result behind in a worker's shared region
        const c = new Float32Array(m * n);
        const { call, reads } = shiftyCall({ ...base, c }, other);
        kernel.gemm(call);
        expect(Array.from(c)).to.deep.equal(Array.from(want));
        for (const [key, n] of reads) expect(n, `reads of ${key}`).to.equal(1);
      } finally {
        kernel.dispose();
      }
    });
  }
});

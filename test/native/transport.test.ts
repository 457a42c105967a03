import { expect } from "chai";
import { discoverNativeBackends, type NativeBackend } from "@chimera/native";
import type { GemmCall } from "@chimera/kernels";
import { randomArray, seededFloats } from "../conformance/random-operands.js";
import { requireOrSkip } from "./require-native.js";

function call(m: number, n: number, k: number, seed: number): GemmCall {
  const r = seededFloats(seed);
  return { transA: false, transB: false, m, n, k, alpha: 1, a: randomArray(m * k, r), lda: k, b: randomArray(k * n, r), ldb: n, beta: 0, c: new Float32Array(m * n), ldc: n };
}

function bits(x: Float32Array): number[] {
  return Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
}

describe("native transports", () => {
  const byId = new Map(discoverNativeBackends().map((b) => [b.id, b] as const));
  const get = (ctx: Mocha.Context, id: string): NativeBackend => {
    const b = byId.get(id)!;
    requireOrSkip(ctx, b);
    return b;
  };

  it("the same library gives the same bits in-process and in a worker (netlib, Eigen)", function () {
    for (const id of ["netlib-3.11.0-generic", "eigen-3.4.0-avx512"]) {
      const b = get(this, id);
      const here = b.create(), there = b.create({ transport: "worker" });
      try {
        expect(here.transport).to.equal("in-process");
        expect(there.transport).to.equal("worker");
        expect(there.pid).to.not.equal(process.pid);
        for (const [m, n, k] of [[1, 128, 784], [64, 100, 784], [3, 5, 7]] as const) {
          const x = call(m, n, k, m + n + k), y = { ...x, c: x.c.slice() };
          here.gemm(x);
          there.gemm(y);
          expect(bits(y.c), `${id} ${m}x${n}x${k}`).to.deep.equal(bits(x.c));
        }
      } finally {
        there.dispose();
      }
    }
  });

  it("shared-memory and pipe workers give the same bits, also when the shared region grows", function () {
    // Shared-region operands reach the library in place, piped ones mostly through aligned scratch:
    // MKL's generic path, which is alignment-sensitive, must not see the difference.
    for (const id of ["openblas-0.3.21-haswell-serial", "mkl-2020.4-auto-sequential"]) {
      const b = get(this, id);
      const shm = b.create(), pipe = b.create({ workerData: "pipe" });
      try {
        for (const [m, n, k] of [[1, 128, 784], [3, 5, 7], [1, 33, 61], [300, 300, 300], [64, 128, 784]] as const) {
          const x = call(m, n, k, 3 * m + k), y = { ...x, c: x.c.slice() };
          shm.gemm(x);
          pipe.gemm(y);
          expect(bits(x.c), `${id} ${m}x${n}x${k}`).to.deep.equal(bits(y.c));
        }
        const v = call(1, 40, 40, 9);
        expect(shm.dot({ n: 40, x: v.a, incx: 1, y: v.b, incy: 1 })).to.equal(pipe.dot({ n: 40, x: v.a, incx: 1, y: v.b, incy: 1 }));
      } finally {
        shm.dispose();
        pipe.dispose();
      }
    }
  });

  it("worker-only variants refuse to load in-process", function () {
    const b = get(this, "openblas-0.3.21-haswell-serial");
    expect(() => b.create({ transport: "in-process" })).to.throw(/needs its own process/);
  });

  it("a worker that dies makes the next call throw (naming the backend), not hang or crash", function () {
    const b = get(this, "openblas-0.3.21-haswell-serial");
    const k = b.create();
    const x = call(4, 4, 4, 1);
    k.gemm(x);
    process.kill(k.pid, "SIGKILL");
    expect(() => k.gemm(x)).to.throw(/openblas-0\.3\.21-haswell-serial: worker \(pid \d+[^)]*\) was killed by SIGKILL; it (exited|is gone)/);
    k.dispose();
    expect(() => k.gemm(x)).to.throw(/disposed/);
  });

  it("core types load as asked and report it (OpenBLAS Haswell, Sandybridge; MKL AVX2 via the preload)", function () {
    const pairs = [["openblas-0.3.21-haswell-serial", "Haswell"], ["openblas-0.3.21-sandybridge-serial", "Sandybridge"]] as const;
    for (const [id, core] of pairs) {
      const k = get(this, id).create();
      expect(k.report.openblasCorename).to.equal(core);
      expect(k.info.description).to.contain(core);
      k.dispose();
    }
    const mkl = byId.get("mkl-2020.4-avx2-sequential");
    if (mkl?.available) {
      const k = mkl.create();
      expect(k.report.loadedObjects.some((o) => o.endsWith("libmkl_avx2.so"))).to.equal(true);
      k.dispose();
    }
  });

  it("timeGemm measures the library inside C and validates like gemm", function () {
    const k = get(this, "netlib-3.11.0-generic").create();
    const x = call(8, 8, 8, 2);
    const s = k.timeGemm(x, 10);
    expect(s).to.be.greaterThan(0).and.lessThan(0.1);
    expect(() => k.timeGemm({ ...x, m: -1 }, 1)).to.throw(/netlib-3\.11\.0-generic: gemm: m must be/);
    expect(() => k.timeGemm(x, 0)).to.throw(/reps/);
  });
});

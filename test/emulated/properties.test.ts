import { expect } from "chai";
import { emulatedKernels, fma32, KernelArgumentError, referenceKernel, splitLength } from "@chimera/kernels";
import type { EmulatedKernel, GemmCall } from "@chimera/kernels";
import { seededCall } from "./seeded-case.js";

const byId = (id: string): EmulatedKernel => emulatedKernels.find((k) => k.info.id === id)!;
const shape = (transA: boolean, transB: boolean, m: number, n: number, k: number, beta: number, seed: number, alpha = 1): GemmCall =>
  seededCall({ transA, transB, m, n, k, lda: (transA ? m : k) + 1, ldb: (transB ? k : n) + 2, ldc: n + 1, alpha, beta, seed });
const run = (kernel: { gemm(c: GemmCall): void }, call: GemmCall): Float32Array => {
  const c = { ...call, c: call.c.slice() };
  kernel.gemm(c);
  return c.c;
};
const el = (call: GemmCall, x: Float32Array, which: "A" | "B", i: number, p: number): number =>
  which === "A" ? x[call.transA ? p * call.lda + i : i * call.lda + p]! : x[call.transB ? i * call.ldb + p : p * call.ldb + i]!;

describe("emulated kernels: properties against independent oracles", () => {
  it("ids follow <library>-<version>[-<variant>] and every kernel is kind 'emulated' with an order sentence", () => {
    expect(emulatedKernels.map((k) => k.info.id)).to.include.members([
      "netlib-3.11", "openblas-0.3.21-haswell", "openblas-0.3.21-skylakex", "openblas-0.3.21-cooperlake", "blis-0.9.0-generic", "eigen-3.4-sse2", "eigen-3.4-avx2", "eigen-3.4-avx512", "atlas-3.10.3",
    ]);
    for (const k of emulatedKernels) {
      expect(k.info.kind).to.equal("emulated");
      expect(k.info.description.length).to.be.greaterThan(40);
      expect(k.declaration.sources.length).to.be.greaterThan(0);
    }
  });

  it("the cuBLAS and Accelerate emulations are marked unverified and say how to verify them on their platform", () => {
    for (const [id, native] of [["cublas-12-sm80-unverified", "cublas-"], ["accelerate-unverified-m1-amx", "accelerate-system-default"]] as const) {
      const k = byId(id);
      expect(k, id).to.not.equal(undefined);
      expect(k.declaration.verified).to.match(/^unverified: /);
      expect(k.declaration.verified).to.include("chimera probe --backend " + native);
      expect(k.declaration.verified).to.include(`chimera fidelity --backends ${id}`);
      expect(k.info.description).to.include("unverified");
    }
  });

  for (const kernel of emulatedKernels) {
    const id = kernel.info.id;
    it(`${id}: within the fp32 error bound of the exact sum, every layout`, () => {
      for (const [t, [transA, transB]] of [[false, false], [false, true], [true, false], [true, true]].entries()) {
        const call = shape(transA!, transB!, 5, 23, 700, 1, 50 + t), got = run(kernel, call);
        const u = 2 ** -24, gamma = (701 * u) / (1 - 701 * u);
        for (let i = 0; i < 5; i++) for (let j = 0; j < 23; j++) {
          let exact = call.c[i * call.ldc + j]!, mag = Math.abs(exact);
          for (let p = 0; p < 700; p++) {
            const prod = el(call, call.a, "A", i, p) * el(call, call.b, "B", j, p);
            exact += prod; // binary64: error far below the fp32 bound checked here
            mag += Math.abs(prod);
          }
          expect(Math.abs(got[i * call.ldc + j]! - exact), `${id} (${i},${j})`).to.be.at.most(gamma * mag + 1e-30);
        }
      }
    });

    // With β = 0 every order gives fl(a·b) at k = 1. With a bias in C it is the library's choice:
    // MKL's avx2/avx512 paths (m > 1) and BLIS's zen dot route (m = 1) fuse the product into C, which
    // the fidelity tests check against the libraries themselves.
    it(`${id}: k = 1 gives fl(a·b) exactly, like the reference kernel`, () => {
      for (const beta of [0]) {
        const call = shape(false, true, 4, 9, 1, beta, 7);
        expect(Array.from(run(kernel, call))).to.deep.equal(Array.from(run(referenceKernel, call)));
      }
    });

    it(`${id}: gemmRowsAsBatch1 equals one m = 1 gemm per row`, () => {
      const call = shape(false, true, 6, 37, 333, 1, 11);
      const fast = { ...call, c: call.c.slice() };
      kernel.gemmRowsAsBatch1(fast);
      for (let i = 0; i < 6; i++) {
        const row = { ...call, m: 1, a: call.a.subarray(i * call.lda), c: call.c.slice(i * call.ldc, (i + 1) * call.ldc) };
        kernel.gemm(row);
        expect(Array.from(fast.c.subarray(i * call.ldc, i * call.ldc + 37)), `${id} row ${i}`).to.deep.equal(Array.from(row.c.subarray(0, 37)));
      }
    });

    it(`${id}: errors name the kernel, the op and the argument`, () => {
      const call = shape(false, true, 2, 3, 4, 0, 1);
      expect(() => kernel.gemm({ ...call, lda: 1 })).to.throw(KernelArgumentError, new RegExp(`${id}.*gemm.*lda`));
    });
  }

  it("netlib-3.11 with transB = true, beta = 0 is exactly the reference order (sequential multiply-add)", () => {
    const call = shape(false, true, 7, 13, 1000, 0, 3);
    expect(Array.from(run(byId("netlib-3.11"), call))).to.deep.equal(Array.from(run(referenceKernel, call)));
  });

  it("netlib-3.11 with transB = false starts the sum from the bias, so it differs from the reference", () => {
    const call = shape(false, false, 7, 13, 300, 1, 3);
    const a = run(byId("netlib-3.11"), call), r = run(referenceKernel, call);
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== r[i]) diff++;
    expect(diff).to.be.greaterThan(0);
  });

  it("openblas-0.3.21-haswell with k < 8 is one FMA chain per element then C (independent fma32 oracle)", () => {
    const call = shape(false, true, 20, 40, 7, 1, 9);
    const got = run(byId("openblas-0.3.21-haswell"), call);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 40; j++) {
      let s = 0;
      for (let p = 0; p < 7; p++) s = fma32(el(call, call.a, "A", i, p), el(call, call.b, "B", j, p), s);
      expect(got[i * call.ldc + j]).to.equal(Math.fround(s + call.c[i * call.ldc + j]!));
    }
  });

  it("openblas-0.3.21-haswell: batch size changes bits (row alone vs inside m = 64), as in the real library", () => {
    const k = byId("openblas-0.3.21-haswell"), call = shape(false, true, 64, 128, 784, 1, 21);
    const full = run(k, call), alone = { ...call, c: call.c.slice() };
    k.gemmRowsAsBatch1(alone);
    let diff = 0;
    for (let i = 0; i < full.length; i++) if (full[i] !== alone.c[i]) diff++;
    expect(diff).to.be.greaterThan(0);
  });

  it("blis-0.9.0-generic on the packed path with k ≤ 256 and beta = 0 equals the reference order", () => {
    const call = shape(false, true, 9, 21, 256, 0, 5);
    expect(Array.from(run(byId("blis-0.9.0-generic"), call))).to.deep.equal(Array.from(run(referenceKernel, call)));
  });

  it("the OpenBLAS k split: 784 → 320+232+232, 1000 → 320+320+184+176, 640 → 320+320", () => {
    const q = { kind: "halve-rest", size: 320, align: 8 } as const;
    expect(splitLength(784, q)).to.deep.equal([320, 232, 232]);
    expect(splitLength(1000, q)).to.deep.equal([320, 320, 184, 176]);
    expect(splitLength(640, q)).to.deep.equal([320, 320]);
  });

  it("the ATLAS CacheEdge split into a short last chunk for the aX kernels: 2765 → 2688+36+36+5, 5412 → 2688+2688+36", () => {
    const q = { kind: "fixed-then", size: 2688, then: 36 } as const;
    expect(splitLength(2765, q)).to.deep.equal([2688, 36, 36, 5]);
    expect(splitLength(5412, q)).to.deep.equal([2688, 2688, 36]);
    expect(splitLength(2688, q)).to.deep.equal([2688]);
    expect(splitLength(30, q)).to.deep.equal([30]);
  });

  it("dot and gemv without routes of their own reuse the gemm order (dot = 1×1×n gemm); the description says so", () => {
    const k = emulatedKernels.find((x) => x.declaration.dot === undefined && x.declaration.gemvPlan === undefined);
    if (k === undefined) return; // every emulation states its own level-1/2 routes
    const call = shape(true, false, 1, 1, 500, 0, 4);
    const c = run(k, call);
    expect(k.dot({ n: 500, x: call.a, incx: call.lda, y: call.b, incy: call.ldb })).to.equal(c[0]);
    expect(k.info.description).to.include("gemv/dot reuse the gemm order, unverified");
  });

  it("netlib's gemv and dot follow sgemv.f and sdot.f, written out here as plain loops", () => {
    const k = byId("netlib-3.11"), f = Math.fround;
    expect(k.info.description).to.not.include("reuse the gemm order");
    const call = shape(false, false, 37, 1, 53, 0, 11);
    const x = call.a, y = call.b; // two seeded vectors
    for (const [incx, incy, n] of [[1, 1, 53], [2, 3, 17], [3, 1, 12]] as const) {
      let s = 0;
      for (let i = 0; i < n; i++) s = f(s + f(x[i * incx]! * y[i * incy]!));
      expect(k.dot({ n, x, incx, y, incy })).to.equal(s);
    }
    // A is 7x11 row-major, i.e. column-major 11x7 with lda 12: row-major gemv without transA is sgemv 'T'.
    const m = 7, n = 11, lda = 12, alpha = f(-0.7), beta = f(0.25);
    const a = seededCall({ transA: false, transB: false, m, n: lda, k: 1, lda: 1, ldb: lda, ldc: lda, alpha: 1, beta: 0, seed: 5 }).c;
    for (const transA of [false, true]) {
      const len = transA ? m : n, rows = transA ? n : m;
      const xv = x.slice(0, len), y0 = y.slice(0, rows), want = y0.map((v) => f(beta * v));
      if (!transA) {
        for (let j = 0; j < m; j++) {
          let t = 0;
          for (let i = 0; i < n; i++) t = f(t + f(a[j * lda + i]! * xv[i]!));
          want[j] = f(want[j]! + f(alpha * t));
        }
      } else {
        for (let j = 0; j < m; j++) {
          const t = f(alpha * xv[j]!);
          for (let i = 0; i < n; i++) want[i] = f(want[i]! + f(t * a[j * lda + i]!));
        }
      }
      const got = y0.slice();
      k.gemv({ transA, m, n, alpha, a, lda, x: xv, incx: 1, beta, y: got, incy: 1 });
      expect(Array.from(got), `transA ${transA}`).to.deep.equal(Array.from(want));
    }
  });
});

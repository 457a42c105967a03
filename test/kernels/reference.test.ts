import { expect } from "chai";
import { referenceKernel, KernelArgumentError } from "@chimera/kernels";

/** A seeded generator of binary32 values in [-1, 1). */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  };
}

function fill(n: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = r();
  return x;
}

/** The textbook definition written out independently: logical matrices, then one sum per element. */
function oracle(A: number[][], B: number[][], alpha: number, beta: number, C: number[][]): number[][] {
  return C.map((row, i) =>
    row.map((cij, j) => {
      let s = 0;
      for (let p = 0; p < B.length; p++) s = Math.fround(s + Math.fround(A[i]![p]! * B[p]![j]!));
      const t = Math.fround(alpha * s);
      return beta === 0 ? t : Math.fround(t + Math.fround(beta * cij));
    }),
  );
}

describe("reference kernel", () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`gemm matches the textbook definition (transA=${transA}, transB=${transB}, padded ld)`, () => {
        const r = rand(7 + Number(transA) * 2 + Number(transB));
        const m = 5, n = 7, k = 33, pad = 3;
        const A = Array.from({ length: m }, () => Array.from({ length: k }, r));
        const B = Array.from({ length: k }, () => Array.from({ length: n }, r));
        const C0 = Array.from({ length: m }, () => Array.from({ length: n }, r));
        const lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        const a = new Float32Array(2 + (transA ? k : m) * lda);
        const b = new Float32Array(1 + (transB ? n : k) * ldb);
        const c = new Float32Array(3 + m * ldc);
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) a[2 + (transA ? p * lda + i : i * lda + p)] = A[i]![p]!;
        for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) b[1 + (transB ? j * ldb + p : p * ldb + j)] = B[p]![j]!;
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[3 + i * ldc + j] = C0[i]![j]!;
        const alpha = Math.fround(0.75), beta = Math.fround(-1.5);
        referenceKernel.gemm({ transA, transB, m, n, k, alpha, a, aOffset: 2, lda, b, bOffset: 1, ldb, beta, c, cOffset: 3, ldc });
        const want = oracle(A, B, alpha, beta, C0);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(c[3 + i * ldc + j]).to.equal(want[i]![j]);
        // padding between rows is untouched
        expect(c[3 + n]).to.equal(0);
      });
    }
  }

  it("sums in order with separate rounding: (2^24 + 1) - 2^24 is lost, not kept by a wider accumulator", () => {
    const a = new Float32Array([2 ** 24, 1, -(2 ** 24)]);
    const b = new Float32Array([1, 1, 1]);
    expect(referenceKernel.dot({ n: 3, x: a, incx: 1, y: b, incy: 1 })).to.equal(0);
    const c = new Float32Array(1);
    referenceKernel.gemm({ transA: false, transB: false, m: 1, n: 1, k: 3, alpha: 1, a, lda: 3, b, ldb: 1, beta: 0, c, ldc: 1 });
    expect(c[0]).to.equal(0);
  });

  it("beta = 0 never reads C (NaN in C does not propagate); k = 0 gives beta*C", () => {
    const c = new Float32Array([NaN, Infinity]);
    const a = new Float32Array([1, 2]), b = new Float32Array([3, 4]);
    referenceKernel.gemm({ transA: false, transB: false, m: 1, n: 2, k: 1, alpha: 1, a, lda: 1, b, ldb: 2, beta: 0, c, ldc: 2 });
    expect([...c]).to.deep.equal([3, 4]);
    const d = new Float32Array([NaN, 5]);
    referenceKernel.gemm({ transA: false, transB: false, m: 1, n: 2, k: 0, alpha: 1, a, lda: 1, b, ldb: 2, beta: 0, c: d, ldc: 2 });
    expect([...d]).to.deep.equal([0, 0]);
    const e = new Float32Array([1, 5]);
    referenceKernel.gemm({ transA: false, transB: false, m: 1, n: 2, k: 0, alpha: 1, a, lda: 1, b, ldb: 2, beta: 2, c: e, ldc: 2 });
    expect([...e]).to.deep.equal([2, 10]);
  });

  it("gemv matches gemm with n = 1, both transposes", () => {
    const r = rand(99);
    const m = 6, n = 9;
    const a = fill(m * n, r);
    for (const transA of [false, true]) {
      const len = transA ? m : n, out = transA ? n : m;
      const x = fill(len, r);
      const y = new Float32Array(out), c = new Float32Array(out);
      referenceKernel.gemv({ transA, m, n, alpha: 1, a, lda: n, x, incx: 1, beta: 0, y, incy: 1 });
      referenceKernel.gemm({ transA, transB: false, m: out, n: 1, k: len, alpha: 1, a, lda: n, b: x, ldb: 1, beta: 0, c, ldc: 1 });
      expect([...y]).to.deep.equal([...c]);
    }
  });

  it("rejects bad arguments with errors that name them", () => {
    const a = new Float32Array(4), b = new Float32Array(4), c = new Float32Array(4);
    const ok = { transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, lda: 2, b, ldb: 2, beta: 0, c, ldc: 2 };
    expect(() => referenceKernel.gemm({ ...ok, m: -1 })).to.throw(KernelArgumentError, /m must be/);
    expect(() => referenceKernel.gemm({ ...ok, lda: 1 })).to.throw(/lda must be >= max\(1, 2\)/);
    expect(() => referenceKernel.gemm({ ...ok, k: 3, lda: 3 })).to.throw(/A needs/);
    expect(() => referenceKernel.gemm({ ...ok, alpha: NaN })).to.throw(/alpha/);
    expect(() => referenceKernel.gemm({ ...ok, a: [1, 2, 3, 4] as unknown as Float32Array })).to.throw(/Float32Array/);
    expect(() => referenceKernel.gemm({ ...ok, c: a })).to.throw(/must not share/);
    expect(() => referenceKernel.dot({ n: 5, x: a, incx: 1, y: b, incy: 1 })).to.throw(/x needs 5/);
  });
});

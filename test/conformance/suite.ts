import { expect } from "chai";
import { referenceKernel, type GemmCall, type Kernel } from "@chimera/kernels";
import { badCalls } from "./bad-arguments.js";
import { EPS32, maxAllowedGap } from "./error-bound.js";
import { randomArray, seededFloats } from "./random-operands.js";

/** A gemm shape with storage choices: transposes, padding of each leading dimension, offsets. */
interface GemmCase {
  m: number; n: number; k: number; transA: boolean; transB: boolean;
  pad: number; offset: number; alpha: number; beta: number;
}

/** Builds the call (C starts with seeded values, or NaN when β = 0) with sentinel padding. */
function buildGemm(t: GemmCase, seed: number): GemmCall {
  const r = seededFloats(seed);
  const rowsA = t.transA ? t.k : t.m, colsA = t.transA ? t.m : t.k;
  const rowsB = t.transB ? t.n : t.k, colsB = t.transB ? t.k : t.n;
  const lda = Math.max(1, colsA) + t.pad, ldb = Math.max(1, colsB) + t.pad, ldc = Math.max(1, t.n) + t.pad;
  const c = randomArray(t.offset + t.m * ldc, r);
  if (t.beta === 0) c.fill(NaN);
  return {
    transA: t.transA, transB: t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, beta: t.beta,
    a: randomArray(t.offset + rowsA * lda, r), aOffset: t.offset, lda,
    b: randomArray(t.offset + rowsB * ldb, r), bOffset: t.offset, ldb,
    c, cOffset: t.offset, ldc,
  };
}

const cases: GemmCase[] = [];
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    cases.push({ m: 7, n: 5, k: 33, transA, transB, pad: 3, offset: 1, alpha: 1, beta: 0 });
    cases.push({ m: 9, n: 13, k: 64, transA, transB, pad: 0, offset: 0, alpha: 0.5, beta: 1 });
    cases.push({ m: 4, n: 3, k: 17, transA, transB, pad: 5, offset: 3, alpha: -2, beta: 0.25 });
  }
}
cases.push(
  { m: 1, n: 1, k: 1, transA: false, transB: false, pad: 0, offset: 0, alpha: 1, beta: 0 },
  { m: 1, n: 128, k: 784, transA: false, transB: false, pad: 0, offset: 0, alpha: 1, beta: 0 },
  { m: 64, n: 16, k: 784, transA: false, transB: true, pad: 0, offset: 0, alpha: 1, beta: 1 },
  { m: 2, n: 3, k: 4099, transA: false, transB: false, pad: 1, offset: 0, alpha: 1, beta: 0 },
  { m: 33, n: 31, k: 1, transA: true, transB: false, pad: 0, offset: 2, alpha: 1, beta: 0 },
  { m: 65, n: 67, k: 129, transA: false, transB: false, pad: 7, offset: 5, alpha: 1, beta: 0 },
);

function clone(call: GemmCall): GemmCall {
  return { ...call, c: call.c.slice() };
}

/** Elements of C outside the logical m×n block (before the offset and in row padding). */
function outsideBlock(call: GemmCall): number[] {
  const off = call.cOffset ?? 0, out: number[] = [];
  for (let i = 0; i < call.c.length; i++) {
    const r = i - off, row = Math.floor(r / call.ldc), col = r - row * call.ldc;
    if (r < 0 || row >= call.m || col >= call.n) out.push(i);
  }
  return out;
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length), b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The conformance suite every kernel passes, emulated or native: gemm against the reference kernel
 * within the order-independent error bound (error-bound.ts) for both transposes, padded leading
 * dimensions, offsets, edge shapes (1×1×1, 1×128×784, large k) and α/β; the edge rules of the contract
 * (m or n = 0 writes nothing, k = 0 or α = 0 gives β·C, β = 0 never reads C); padding never written;
 * repeated calls bit-identical; gemv and dot likewise; and hundreds of bad argument sets, each of
 * which must throw an Error naming the kernel and the argument, leaving the kernel working.
 *
 * `kernel` is called in a `before` hook, with the mocha context so it can skip.
 */
export function runConformance(title: string, kernel: (ctx: Mocha.Context) => Kernel, cleanup?: () => void): void {
  describe(`conformance: ${title}`, function () {
    let K: Kernel;
    before(function () {
      K = kernel(this);
    });
    if (cleanup) after(cleanup);

    cases.forEach((t, i) => {
      const name = `gemm ${t.m}x${t.n}x${t.k} transA=${t.transA} transB=${t.transB} pad=${t.pad} offset=${t.offset} α=${t.alpha} β=${t.beta}`;
      it(`${name}: within the error bound of the reference, padding untouched, repeatable`, () => {
        const call = buildGemm(t, 1000 + i), c0 = call.c.slice();
        const ref = clone(call), again = clone(call);
        referenceKernel.gemm(ref);
        K.gemm(call);
        K.gemm(again);
        expect(sameBits(call.c, again.c), "two identical calls gave different bits").to.equal(true);
        const gap = maxAllowedGap(call, c0), off = call.cOffset ?? 0;
        for (let r = 0; r < t.m; r++) {
          for (let j = 0; j < t.n; j++) {
            const got = call.c[off + r * call.ldc + j]!, want = ref.c[off + r * call.ldc + j]!;
            expect(Number.isFinite(got), `C[${r},${j}] = ${got}`).to.equal(true);
            expect(Math.abs(got - want), `C[${r},${j}]: ${got} vs reference ${want}`).to.be.at.most(gap[r * t.n + j]!);
          }
        }
        for (const idx of outsideBlock(call)) expect(Object.is(call.c[idx], c0[idx]), `C storage [${idx}] outside the block was written`).to.equal(true);
      });
    });

    it("m = 0 or n = 0 reads and writes nothing", () => {
      for (const [m, n] of [[0, 4], [3, 0], [0, 0]] as const) {
        const c = new Float32Array(8).fill(NaN);
        K.gemm({ transA: false, transB: false, m, n, k: 2, alpha: 1, a: new Float32Array(8), lda: 2, b: new Float32Array(8), ldb: 4, beta: 0, c, ldc: 4 });
        expect(c.every(Number.isNaN)).to.equal(true);
      }
    });

    it("k = 0 and α = 0 give β·C (β = 0: zeros even over NaN; β = 1: untouched)", () => {
      const r = seededFloats(5);
      for (const [k, alpha] of [[0, 1], [3, 0]] as const) {
        for (const beta of [0, 1, 2]) {
          const c0 = randomArray(12, r), c = beta === 0 ? new Float32Array(12).fill(NaN) : c0.slice();
          const a = randomArray(12, r), b = randomArray(12, r);
          K.gemm({ transA: false, transB: false, m: 3, n: 4, k, alpha, a, lda: Math.max(1, k), b, ldb: 4, beta, c, ldc: 4 });
          for (let i = 0; i < 12; i++) expect(c[i], `k=${k} α=${alpha} β=${beta} C[${i}]`).to.equal(beta === 0 ? 0 : Math.fround(beta * c0[i]!));
        }
      }
    });

    it("β = 0 never reads C: NaN and Inf in C do not propagate", () => {
      const call = buildGemm({ m: 5, n: 6, k: 40, transA: false, transB: false, pad: 2, offset: 0, alpha: 1, beta: 0 }, 77);
      const zero = clone(call);
      zero.c.fill(0);
      call.c.fill(Infinity);
      for (let i = 0; i < call.c.length; i += 2) call.c[i] = NaN;
      K.gemm(call);
      K.gemm(zero);
      for (let r = 0; r < 5; r++) for (let j = 0; j < 6; j++) expect(call.c[r * call.ldc + j]).to.equal(zero.c[r * call.ldc + j]);
    });

    for (const transA of [false, true]) {
      it(`gemv transA=${transA}, incx=2, incy=3, padded lda, offsets: within the bound, gaps untouched`, () => {
        const r = seededFloats(31 + Number(transA)), m = 9, n = 37, lda = n + 3, lx = transA ? m : n, ly = transA ? n : m;
        const a = randomArray(1 + m * lda, r), x = randomArray(2 + 2 * lx, r), y0 = randomArray(1 + 3 * ly, r);
        const call = { transA, m, n, alpha: 1.5, a, aOffset: 1, lda, x, xOffset: 2, incx: 2, beta: 0.5, y: y0.slice(), yOffset: 1, incy: 3 };
        const ref = { ...call, y: y0.slice() };
        K.gemv(call);
        referenceKernel.gemv(ref);
        for (let i = 0; i < y0.length; i++) {
          const inside = i >= 1 && (i - 1) % 3 === 0 && (i - 1) / 3 < ly;
          if (!inside) { expect(Object.is(call.y[i], y0[i]), `y[${i}] outside the vector was written`).to.equal(true); continue; }
          let abs = 0;
          const row = (i - 1) / 3;
          for (let q = 0; q < lx; q++) abs += Math.abs(a[1 + (transA ? q * lda + row : row * lda + q)]! * x[2 + 2 * q]!);
          const bound = 2 * (1.5 * (lx + 2) * EPS32 * abs * 1.01 + 2 * EPS32 * (1.5 * abs + Math.abs(0.5 * y0[i]!))) + 1e-38;
          expect(Math.abs(call.y[i]! - ref.y[i]!), `y[${i}]`).to.be.at.most(bound);
        }
      });
    }

    it("dot: within the bound for incx = 1 and 3, n = 0 gives +0, repeatable", () => {
      const r = seededFloats(99), n = 1000;
      const x = randomArray(3 * n, r), y = randomArray(n + 1, r);
      for (const incx of [1, 3]) {
        const call = { n, x, incx, y, yOffset: 1, incy: 1 };
        const got = K.dot(call), again = K.dot(call), want = referenceKernel.dot(call);
        let abs = 0;
        for (let i = 0; i < n; i++) abs += Math.abs(x[i * incx]! * y[1 + i]!);
        expect(Object.is(got, again)).to.equal(true);
        expect(Math.fround(got)).to.equal(got);
        expect(Math.abs(got - want)).to.be.at.most(2 * (n + 2) * EPS32 * abs * 1.01);
      }
      expect(Object.is(K.dot({ n: 0, x, incx: 1, y, incy: 1 }), 0)).to.equal(true);
    });

    it("hundreds of bad argument sets each throw an Error naming the kernel and the argument", () => {
      const bad = badCalls();
      expect(bad.length).to.be.at.least(300);
      for (const b of bad) {
        let caught: unknown;
        try {
          (K[b.op] as (c: unknown) => unknown)(b.call);
        } catch (e) {
          caught = e;
        }
        expect(caught, `${b.op} with ${b.what} did not throw`).to.be.instanceOf(Error);
        const msg = (caught as Error).message;
        expect(msg, `${b.op} with ${b.what}`).to.contain(K.info.id);
        const named = b.names.some((nm) => new RegExp(`(^|[^A-Za-z])${nm}([^A-Za-z]|$)`, "i").test(msg));
        expect(named, `${b.op} with ${b.what}: "${msg}" names none of ${b.names.join(", ")}`).to.equal(true);
      }
      // The kernel still works, and gives the same bits as before the garbage.
      const call = buildGemm(cases[0]!, 4242), again = clone(call);
      K.gemm(call);
      K.gemm(again);
      expect(sameBits(call.c, again.c)).to.equal(true);
    });
  });
}

import { expect } from "chai";
import { emulatedKernels, type Kernel } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs, pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";
import { Stream } from "./test-values.js";

const fround = Math.fround;

/**
 * Eigen's small and vector paths against the real Eigen 3.4.0 builds (the bridge's csrc/eigen-cblas.cc),
 * bit for bit: the coefficient-based lazy product (k + m + n < 20), 1×1 products (α on op(A), the redux
 * versioned on the run-time strides), gemv with one output and the col-major gemv's scalar rows (rhs
 * stride 1 or not), and cblas_sdot on strided maps. Each call is drawn from a fixed stream with wide
 * exponents; every element must match. A build this CPU cannot run is skipped with the reason.
 */
const ALPHA_BETA: readonly (readonly [number, number])[] = [[1, 0], [1, 1], [fround(-0.7), fround(0.3)], [fround(1.3), 0], [fround(0.5), -1]];

function values(s: Stream, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => fround((s.unit() - 0.5) * 2 ** (s.int(24) - 12)));
}

/** Mismatching elements of one gemm call (C's padding excluded), as "shape: count". */
function gemmMisses(real: Kernel, emu: Kernel, s: Stream, transA: boolean, transB: boolean, m: number, n: number, k: number, lda: number, ldb: number): string[] {
  const [alpha, beta] = s.pick(ALPHA_BETA);
  const ldc = n + s.int(3);
  const a = values(s, (transA ? k : m) * lda), b = values(s, (transB ? n : k) * ldb), c0 = values(s, m * ldc);
  const c1 = c0.slice(), c2 = c0.slice();
  real.gemm({ transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c: c1, ldc });
  emu.gemm({ transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c: c2, ldc });
  let bad = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (!Object.is(c1[i * ldc + j], c2[i * ldc + j])) bad++;
  return bad === 0 ? [] : [`gemm ${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x${n}x${k} lda ${lda} ldb ${ldb} α ${alpha} β ${beta}: ${bad}/${m * n}`];
}

function gemvMisses(real: Kernel, emu: Kernel, s: Stream, transA: boolean, m: number, n: number, lda: number, incx: number, incy: number): string[] {
  const [alpha, beta] = s.pick(ALPHA_BETA);
  const lx = transA ? m : n, ly = transA ? n : m;
  const a = values(s, m * lda), x = values(s, lx * incx), y0 = values(s, ly * incy);
  const y1 = y0.slice(), y2 = y0.slice();
  real.gemv({ transA, m, n, alpha, a, lda, x, incx, beta, y: y1, incy });
  emu.gemv({ transA, m, n, alpha, a, lda, x, incx, beta, y: y2, incy });
  let bad = 0;
  for (let i = 0; i < ly; i++) if (!Object.is(y1[i * incy], y2[i * incy])) bad++;
  return bad === 0 ? [] : [`gemv ${transA ? "T" : "N"} ${m}x${n} lda ${lda} incx ${incx} incy ${incy} α ${alpha} β ${beta}: ${bad}/${ly}`];
}

describe("Eigen 3.4's small, vector and dot paths vs the real Eigen builds", () => {
  const natives = discoverNativeBackends();
  for (const variant of ["sse2", "avx2", "avx512"]) {
    const emulatedId = `eigen-3.4-${variant}`, realId = fidelityPairs[emulatedId]!;
    const emu = emulatedKernels.find((k) => k.info.id === emulatedId)!;
    const run = (ctx: Mocha.Context, f: (real: Kernel) => string[]): void => {
      const backend = pairedBackend(natives, realId);
      expect(backend, `${realId} is in the native catalog`).to.not.equal(undefined);
      requireOrSkip(ctx, backend!);
      const real = backend!.create();
      try {
        const misses = f(real);
        expect(misses, misses.join("\n")).to.deep.equal([]);
      } finally {
        real.dispose();
      }
    };

    it(`${emulatedId}: the lazy product (k + m + n < 20) in every layout, padded, general α and β`, function () {
      run(this, (real) => {
        const s = new Stream(20261207), out: string[] = [];
        for (const transA of [false, true]) for (const transB of [false, true]) {
          for (let i = 0; i < 60; i++) {
            const m = 1 + s.int(12), n = 1 + s.int(12), k = 1 + s.int(18);
            if (m + n + k >= 20) continue;
            out.push(...gemmMisses(real, emu, s, transA, transB, m, n, k, (transA ? m : k) + s.int(3), (transB ? k : n) + s.int(3)));
          }
        }
        return out;
      });
    });

    it(`${emulatedId}: 1×1 products (k ≥ 18) in every layout, strides 1 to 3, α on op(A)`, function () {
      run(this, (real) => {
        const s = new Stream(1207), out: string[] = [];
        for (const transA of [false, true]) for (const transB of [false, true]) {
          for (let i = 0; i < 40; i++) {
            const k = 18 + s.int(300);
            out.push(...gemmMisses(real, emu, s, transA, transB, 1, 1, k, transA ? 1 + s.int(3) : k, transB ? k : 1 + s.int(3)));
          }
        }
        return out;
      });
    });

    it(`${emulatedId}: gemv with one output, and the col-major gemv's scalar rows (incx 1 and 2, k around 4 and 16, lda ≥ 8000)`, function () {
      run(this, (real) => {
        const s = new Stream(7), out: string[] = [];
        for (let len = 1; len <= 40; len++) for (const incx of [1, 2]) {
          out.push(...gemvMisses(real, emu, s, false, 1, len, len + s.int(3), incx, 1 + s.int(2)));
          out.push(...gemvMisses(real, emu, s, true, len, 1, 1 + s.int(3), incx, 1 + s.int(2)));
          // 7 outputs: rows 4 to 6 (7 mod 4) are scalar rows of the col-major path in every build.
          out.push(...gemvMisses(real, emu, s, true, len, 7, 7 + s.int(3), incx, 1 + s.int(2)));
        }
        for (const [m, incx] of [[131, 2], [300, 1]] as const) out.push(...gemvMisses(real, emu, s, true, m, 7, 8200, incx, 1));
        return out;
      });
    });

    it(`${emulatedId}: reduxes start from their first product: −0 products into a −0 C stay −0 (lazy, 1×1, one-output gemv; GEBP gives +0)`, function () {
      run(this, (real) => {
        const out: string[] = [];
        const show = (x: number) => (Object.is(x, -0) ? "-0" : String(x));
        for (const [m, n, k, transA, transB] of [[1, 1, 20, false, false], [1, 1, 20, false, true], [2, 2, 3, false, false], [2, 2, 3, false, true], [2, 2, 3, true, true], [3, 40, 40, false, false]] as const) {
          const a = new Float32Array(m * k).fill(1), b = new Float32Array(k * n).fill(-0), c1 = new Float32Array(m * n).fill(-0), c2 = c1.slice();
          const call = (c: Float32Array) => ({ transA, transB, m, n, k, alpha: 1, a, lda: transA ? m : k, b, ldb: transB ? k : n, beta: 1, c, ldc: n });
          real.gemm(call(c1));
          emu.gemm(call(c2));
          if (!Object.is(c1[0], c2[0])) out.push(`gemm ${m}x${n}x${k}: ${show(c1[0]!)} vs ${show(c2[0]!)}`);
        }
        for (const transA of [false, true]) {
          const a = new Float32Array(8).fill(1), x = new Float32Array(8).fill(-0), y1 = new Float32Array(1).fill(-0), y2 = y1.slice();
          const call = (y: Float32Array) => ({ transA, m: transA ? 8 : 1, n: transA ? 1 : 8, alpha: 1, a, lda: transA ? 1 : 8, x, incx: 1, beta: 1, y, incy: 1 });
          real.gemv(call(y1));
          emu.gemv(call(y2));
          if (!Object.is(y1[0], y2[0])) out.push(`gemv ${transA ? "T" : "N"} one output: ${show(y1[0]!)} vs ${show(y2[0]!)}`);
        }
        return out;
      });
    });

    it(`${emulatedId}: cblas_sdot on maps with run-time strides 1 to 3, and signed zeros`, function () {
      run(this, (real) => {
        const s = new Stream(99), out: string[] = [];
        for (let i = 0; i < 150; i++) {
          const n = 1 + s.int(i < 100 ? 64 : 3000), incx = 1 + s.int(3), incy = 1 + s.int(3);
          const x = values(s, n * incx), y = values(s, n * incy);
          const want = real.dot({ n, x, incx, y, incy }), got = emu.dot({ n, x, incx, y, incy });
          if (!Object.is(want, got)) out.push(`dot n=${n} incx ${incx} incy ${incy}: ${want} vs ${got}`);
        }
        // Signed zeros: the redux starts from its first product, so a sum of −0 products is −0.
        for (const [xs, ys] of [[[-1], [0]], [[-1, 1, 2], [0, -0, -0]], [[1, -1], [0, 0]]]) {
          const c = { n: xs.length, x: Float32Array.from(xs), incx: 1, y: Float32Array.from(ys), incy: 1 };
          const want = real.dot(c), got = emu.dot(c);
          if (!Object.is(want, got)) out.push(`dot ${JSON.stringify(xs)}·${JSON.stringify(ys)}: ${Object.is(want, -0) ? "-0" : want} vs ${Object.is(got, -0) ? "-0" : got}`);
        }
        return out;
      });
    });
  }
});

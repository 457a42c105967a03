import { createHash } from "node:crypto";
import type { EmulatedKernel } from "@chimera/kernels";
import { Stream } from "./test-values.js";

/*
 * The bit-equality harness of the emulation refactor: a few thousand varied calls per emulated kernel
 * (all four layouts, padded strides, α and β varied, batch 1 and many, k across the block edges, values
 * drawn from several families: uniform, small integers whose sums are exact, ties built to land on
 * binary32 midpoints, huge values near the overflow threshold, subnormals, signed zeros, an occasional
 * NaN or infinity), hashed per kernel and per entry point. test/fixtures/emulation-digests.json holds the
 * digests computed from the code before the refactor (scripts/record-emulation-digests.mjs), so any change
 * of any emulation's bits on any of these calls fails emulation-digests.test.ts.
 */


const K_EDGES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65, 95, 96, 97, 127, 128, 129, 191, 192, 193, 255, 256, 257, 319, 320, 321, 383, 384, 385, 511, 512, 513, 767, 768, 769];
const ALPHAS = [1, 1, 1, -1, 0.5, Math.fround(1.3), 0, 2];
const BETAS = [0, 0, 1, 1, -1, Math.fround(0.7), 2];

/** One value of a family; `f` picks the family for the whole call. */
function value(st: Stream, f: number): number {
  const u = st.unit() * 2 - 1;
  switch (f) {
    case 0: return Math.fround(u);
    case 1: return st.int(9) - 4; // small integers: sums exact, many exact zeros and signed zeros
    case 2: { // 1 + j·2^-12 and friends: products and sums that sit on binary32 midpoints
      const j = st.int(8);
      return Math.fround((st.unit() < 0.5 ? -1 : 1) * (1 + j * 2 ** -12) * 2 ** (st.int(3) - 1));
    }
    case 3: return Math.fround(u * 2 ** 63); // sums of k products near 2^126..2^128: overflow thresholds
    case 4: return Math.fround(u * 2 ** -70); // products underflow into the subnormals
    case 5: { // mixed: zeros of both signs, subnormals, huge, an occasional NaN or infinity
      const r = st.int(40);
      if (r === 0) return NaN;
      if (r === 1) return st.unit() < 0.5 ? Infinity : -Infinity;
      if (r < 5) return r % 2 === 0 ? 0 : -0;
      if (r < 8) return Math.fround(u * 2 ** -140);
      if (r < 10) return Math.fround(u * 2 ** 100);
      return Math.fround(u);
    }
    default: return Math.fround(u * 2 ** (st.int(40) - 20)); // wide dynamic range: cancellation
  }
}

function fill(st: Stream, len: number, f: number): Float32Array {
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = value(st, f);
  return x;
}

/** The call shapes and data of case i of a kernel's stream: gemm shape, layout, strides, α, β. */
interface Shape { transA: boolean; transB: boolean; m: number; n: number; k: number; lda: number; ldb: number; ldc: number; alpha: number; beta: number; family: number }

function shape(st: Stream): Shape {
  const big = st.int(10) === 0;
  const dim = (): number => (big ? 1 + st.int(70) : st.pick([1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 24]));
  const m = dim(), n = dim();
  const k = big ? st.pick([17, 64, 129, 256, 300, 385]) : st.pick(K_EDGES);
  const transA = st.int(2) === 1, transB = st.int(2) === 1;
  const pad = (): number => (st.int(3) === 0 ? st.pick([1, 3, 16]) : 0);
  const lda = (transA ? m : k) + pad() || 1, ldb = (transB ? k : n) + pad() || 1, ldc = n + pad();
  // Infinite/NaN families only with finite α, β that keep the picture deterministic anyway.
  return { transA, transB, m, n, k, lda, ldb, ldc, alpha: st.pick(ALPHAS), beta: st.pick(BETAS), family: st.int(7) };
}

/** Canonical bits of C: every NaN as one pattern (payloads are not part of any library's contract here). */
function update(h: ReturnType<typeof createHash>, x: Float32Array): void {
  const u = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) u[i] = Number.isNaN(x[i]!) ? 0x7fc00000 : new Uint32Array(new Float32Array([x[i]!]).buffer)[0]!;
  h.update(new Uint8Array(u.buffer));
}

/** The entry points a digest covers, and how many calls each. */
export const DIGEST_PLAN = { gemm: 1500, batch1: 150, gemv: 400, dot: 300 } as const;

/** sha256 per entry point of one kernel over its deterministic call stream (seeded by the entry point only). */
export function kernelDigests(kernel: EmulatedKernel): Record<keyof typeof DIGEST_PLAN, string> {
  const out = {} as Record<keyof typeof DIGEST_PLAN, string>;
  {
    const st = new Stream(0x9e3779b9), h = createHash("sha256");
    for (let i = 0; i < DIGEST_PLAN.gemm; i++) {
      const s = shape(st);
      const a = fill(st, Math.max(1, (s.transA ? s.k : s.m) * s.lda), s.family);
      const b = fill(st, Math.max(1, (s.transB ? s.n : s.k) * s.ldb), s.family);
      const c = fill(st, s.m * s.ldc, st.int(2) === 0 ? 0 : s.family);
      kernel.gemm({ ...s, a, b, c });
      update(h, c);
    }
    out.gemm = h.digest("hex");
  }
  {
    const st = new Stream(0x85ebca6b), h = createHash("sha256");
    for (let i = 0; i < DIGEST_PLAN.batch1; i++) {
      const s = shape(st);
      s.m = 1 + st.int(12);
      if (s.transA) s.lda = Math.max(s.lda, s.m);
      const a = fill(st, Math.max(1, (s.transA ? s.k : s.m) * s.lda), s.family);
      const b = fill(st, Math.max(1, (s.transB ? s.n : s.k) * s.ldb), s.family);
      const c = fill(st, s.m * s.ldc, 0);
      kernel.gemmRowsAsBatch1({ ...s, a, b, c });
      update(h, c);
    }
    out.batch1 = h.digest("hex");
  }
  {
    const st = new Stream(0xc2b2ae35), h = createHash("sha256");
    for (let i = 0; i < DIGEST_PLAN.gemv; i++) {
      const transA = st.int(2) === 1;
      const m = st.pick([1, 2, 3, 5, 8, 16, 33, 64]), n = st.pick(K_EDGES.filter((x) => x > 0));
      const [rows, len] = transA ? [n, m] : [m, n];
      const lda = n + (st.int(3) === 0 ? 5 : 0), incx = st.pick([1, 1, 2, 3]), incy = st.pick([1, 1, 2]);
      const f = st.int(7);
      const a = fill(st, m * lda, f), x = fill(st, 1 + (len - 1) * incx, f), y = fill(st, 1 + (rows - 1) * incy, 0);
      kernel.gemv({ transA, m, n, alpha: st.pick(ALPHAS), a, lda, x, incx, beta: st.pick(BETAS), y, incy });
      update(h, y);
    }
    out.gemv = h.digest("hex");
  }
  {
    const st = new Stream(0x27d4eb2f), h = createHash("sha256");
    const r = new Float32Array(DIGEST_PLAN.dot);
    for (let i = 0; i < DIGEST_PLAN.dot; i++) {
      const n = st.pick(K_EDGES.concat([1000, 1024, 1025, 2049])), incx = st.pick([1, 1, 2]), incy = st.pick([1, 1, 3]);
      const f = st.int(7);
      const x = fill(st, Math.max(1, 1 + (n - 1) * incx), f), y = fill(st, Math.max(1, 1 + (n - 1) * incy), f);
      r[i] = kernel.dot({ n, x, incx, y, incy });
    }
    update(h, r);
    out.dot = h.digest("hex");
  }
  return out;
}

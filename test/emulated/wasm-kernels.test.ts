import { expect } from "chai";
import { HARD_C, HARD_X, HARD_Y, SPECIAL, Stream } from "./test-values.js";
import { skipOrFail } from "../lab/run-cli.js";
import {
  arenaF32, chainKernelModule, chainWasmKernel, emulatedKernels, F32_MAX, fma32, reserveArena, setWasmEnabled, WASM_BLOCK,
  wasmAvailable, wasmChainTile, wasmCounters, wasmPairTile, type GemmCall,
} from "@chimera/kernels";

/*
 * The WebAssembly SIMD kernels (kernels/src/emulated/wasm) against the definition of their order, `chain`
 * (orders/chain.ts): element (r, c) is s := fl(s + fl(a·b)) or s := fma32(a, b, s) for t = 0, 1, … < len,
 * written out here step by step with fma32 (the exact FMA) as the oracle. Every block shape the
 * dispatcher uses (1..rows × 1..cols), lengths across the four-wide main loop and its rest, unaligned
 * panels, and value families that hit the hard cases: binary64 sums that are binary32 midpoints (where the
 * fused kernel must refuse the block and the exact path must redo it), the overflow threshold, subnormals,
 * signed zeros, NaN and infinities. Then the emulations end to end, WebAssembly on against off.
 */

const fround = Math.fround;
/** The runtime's WebAssembly.validate (the project's type libraries do not declare WebAssembly). */
const validate = (bytes: Uint8Array): boolean => (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);

const FAMILIES = ["random", "hard", "special", "huge", "tiny", "integers"] as const;
type Family = (typeof FAMILIES)[number];

/** One value of a family for a role (a, b or a starting value), at the call's scale and sign. */
function value(st: Stream, family: Family, role: "a" | "b" | "init", scale: number, sign: number): number {
  const u = st.unit() * 2 - 1;
  switch (family) {
    case "random": return fround(u * 2 ** (st.int(20) - 10));
    case "special": return st.int(3) === 0 ? st.pick(SPECIAL) : fround(u);
    case "huge": return role === "init" ? fround(u * F32_MAX) : fround(u * 2 ** 63); // products near 2^126: sums cross the overflow threshold
    case "tiny": return role === "init" ? fround(u * 2 ** -126) : fround(u * 2 ** -70); // products in the subnormals
    case "integers": return st.int(9) - 4; // exact sums, exact zeros of both signs
    case "hard":
      // starts at ±(1 + 2^-23)·2^s, products 0 or ±(2^-24 − 2^-70)·2^s: the binary64 sum is a binary32 midpoint
      if (role === "init") return sign * HARD_C * 2 ** scale;
      if (role === "a") return st.int(3) === 0 ? 0 : sign * HARD_X;
      return st.int(4) === 0 ? 2 ** scale : HARD_Y * 2 ** scale;
  }
}

/**
 * The order's definition, one element: `chain` (pairUnroll 0), or two-register `interleaved` (even t of
 * the body len − len mod unroll into s0, odd t into s1 from +0, the rest into s0, then fl(s0 + s1)).
 * `step` is the fused or multiply-then-add step; the naive double-rounded fused step shows the inputs are hard.
 */
type Step = (a: number, b: number, s: number) => number;
const fusedStep: Step = (a, b, s) => fma32(a, b, s);
const mulAddStep: Step = (a, b, s) => fround(s + fround(a * b));
const naiveStep: Step = (a, b, s) => fround(a * b + s);
function reference(step: Step, pairUnroll: number, a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, init: number): number {
  const body = pairUnroll === 0 ? 0 : len - (len % pairUnroll);
  let s0 = init, s1 = 0;
  for (let t = 0; t < len; t++) {
    if (t < body && t % 2 === 1) s1 = step(a[ai + t]!, b[bi + t]!, s1);
    else s0 = step(a[ai + t]!, b[bi + t]!, s0);
  }
  return pairUnroll === 0 ? s0 : fround(s0 + s1);
}

const A_AT = 1024, B_AT = 200_000, V_BYTES = 1_600_000;

interface Case { a: Float32Array; aOff: number; lda: number; b: Float32Array; bOff: number; ldb: number; v: Float64Array; ld: number }

/** A rows×cols block's operands in the kernels' memory: panels at a random 0..3 element shift (unaligned). */
function setUp(st: Stream, family: Family, rows: number, cols: number, len: number): Case {
  reserveArena(4 << 20);
  const f32 = arenaF32();
  const scale = st.int(120) - 60, sign = st.int(2) === 0 ? 1 : -1;
  const lda = len + st.int(4), ldb = len + st.int(4), ld = rows + st.int(3);
  const aOff = A_AT + st.int(4), bOff = B_AT + st.int(4);
  for (let i = 0; i < rows * lda + 8; i++) f32[aOff + i] = value(st, family, "a", scale, sign);
  for (let i = 0; i < cols * ldb + 8; i++) f32[bOff + i] = value(st, family, "b", scale, sign);
  const v = new Float64Array(f32.buffer, V_BYTES, ld * cols);
  for (let i = 0; i < v.length; i++) v[i] = value(st, family, "init", scale, sign);
  return { a: f32, aOff, lda, b: f32, bOff, ldb, v, ld };
}

const noWasm = `this runtime (node ${process.version}) has no WebAssembly SIMD: the emulations run their JavaScript kernels only`;
const LENGTHS = [...Array.from({ length: 21 }, (_, i) => i), 31, 32, 33, 64, 65, 127];

describe("WebAssembly SIMD chain kernels, bit-identical to the chain order's definition", function () {
  before(function () { if (!wasmAvailable) skipOrFail(this, noWasm); });

  it("emits modules that WebAssembly.validate accepts, for every block shape", () => {
    for (const fused of [false, true]) for (const pair of [0, 8]) for (let r = 1; r <= 8; r++) for (let c = 1; c <= 4; c++) {
      expect(validate(chainKernelModule(fused, r, c, pair)), `${fused ? "fused" : "mul-add"} ${r}×${c} pair ${pair}`).to.equal(true);
    }
    expect(() => chainKernelModule(true, 0, 4)).to.throw(/1\.\.32 rows/);
    expect(() => chainKernelModule(true, 4, 4, 6)).to.throw(/multiple of 4/);
  });

  for (const fused of [false, true]) for (const pairUnroll of [0, 8, 4]) {
    const blk = pairUnroll === 0 ? (fused ? WASM_BLOCK.fused : WASM_BLOCK.mulAdd) : (fused ? WASM_BLOCK.pairFused : WASM_BLOCK.pairMulAdd);
    const order = `${fused ? "fused" : "multiply-then-add"} ${pairUnroll === 0 ? "chain" : `interleaved pair, unroll ${pairUnroll}`}`;
    const step = fused ? fusedStep : mulAddStep;
    for (const family of FAMILIES) {
      if (!fused && family === "hard") continue; // midpoints matter to the fused step only
      if (pairUnroll === 4 && family !== "random" && family !== "hard") continue;
      // Every block the dispatcher cuts: up to rows × cols, and the taller narrow ones.
      const shapes: [number, number][] = [];
      for (let r = 1; r <= blk.rows; r++) for (let c = 1; c <= blk.cols; c++) shapes.push([r, c]);
      for (const n of blk.narrow) for (let r = blk.rows + 1; r <= n.rows; r++) shapes.push([r, n.cols]);
      it(`${order} ${family}: raw kernels of every 1..${blk.rows} × 1..${blk.cols} block and the narrow ones (${blk.narrow.map((n) => `${n.rows}×${n.cols}`).join(", ")}), lengths 0..20, 31..33, 64, 65, 127`, () => {
        const st = new Stream(family.length * 7919 + (fused ? 1 : 0) + pairUnroll);
        let refused = 0, doubleRoundingWrong = 0, blocks = 0;
        for (const [rows, cols] of shapes) for (const len of LENGTHS) {
          const k = setUp(st, family, rows, cols, len);
          const before = k.v.slice();
          const kernel = chainWasmKernel(fused, rows, cols, pairUnroll);
          const hit = kernel(4 * k.aOff, 4 * k.lda, 4 * k.bOff, 4 * k.ldb, len, k.v.byteOffset, 8 * k.ld);
          blocks++;
          let wrong = false;
          for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) {
            const e = c * k.ld + r, ai = k.aOff + r * k.lda, bi = k.bOff + c * k.ldb;
            const want = reference(step, pairUnroll, k.a, ai, k.b, bi, len, before[e]!);
            if (fused && !Number.isNaN(want) && reference(naiveStep, pairUnroll, k.a, ai, k.b, bi, len, before[e]!) !== want) wrong = true;
            // A refused block (hit = 1) leaves v as it was; an accepted one holds the order's values.
            const got = k.v[e]!, expected = hit === 0 ? want : before[e]!;
            expect(Object.is(got, expected) || (Number.isNaN(got) && Number.isNaN(expected)), `${rows}×${cols} len ${len} element (${r}, ${c}): ${got} vs ${expected} (hit ${hit})`).to.equal(true);
          }
          // Lanes past the block and the padding of v are never written.
          for (let c = 0; c < cols; c++) for (let r = rows; r < k.ld; r++) expect(Object.is(k.v[c * k.ld + r], before[c * k.ld + r])).to.equal(true);
          if (hit !== 0) refused++;
          if (wrong) doubleRoundingWrong++;
          if (!fused) expect(hit).to.equal(0);
          // Where double rounding is wrong somewhere in the block, the fused kernel must have refused it.
          if (wrong) expect(hit, `${rows}×${cols} len ${len}: a double-rounding case went through`).to.equal(1);
        }
        if (family === "hard") {
          expect(doubleRoundingWrong, "hard blocks where double rounding is wrong").to.be.greaterThan(blocks / 4);
          expect(refused).to.be.at.least(doubleRoundingWrong);
        }
        if (family === "random") expect(refused, "random blocks refused").to.be.lessThan(blocks / 50);
      });
    }
  }

  for (const fused of [false, true]) {
    it(`${fused ? "fused" : "multiply-then-add"}: wasmChainTile and wasmPairTile (blocks, edges, redone blocks) equal the definition on rectangles up to 40×11`, () => {
      const st = new Stream(fused ? 17 : 29);
      const redone0 = wasmCounters.redone;
      const step = fused ? fusedStep : mulAddStep;
      for (const pairUnroll of [0, 8]) for (const family of FAMILIES) for (let rep = 0; rep < 10; rep++) {
        const rows = 1 + st.int(40), cols = 1 + st.int(rep % 2 === 0 ? 3 : 11), len = st.pick(LENGTHS);
        const k = setUp(st, family, rows, cols, len);
        const before = k.v.slice();
        if (pairUnroll === 0) wasmChainTile(fused, k.a, k.aOff, k.lda, k.b, k.bOff, k.ldb, 0, rows, 0, cols, len, k.v, k.ld);
        else wasmPairTile({ kind: "interleaved", fused, accumulators: 2, unroll: pairUnroll }, k.a, k.aOff, k.lda, k.b, k.bOff, k.ldb, 0, rows, 0, cols, len, k.v, k.ld);
        for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) {
          const e = c * k.ld + r, want = reference(step, pairUnroll, k.a, k.aOff + r * k.lda, k.b, k.bOff + c * k.ldb, len, before[e]!), got = k.v[e]!;
          expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${family} unroll ${pairUnroll} ${rows}×${cols} len ${len} (${r}, ${c}): ${got} vs ${want}`).to.equal(true);
        }
      }
      if (fused) expect(wasmCounters.redone, "blocks redone by the exact path").to.be.greaterThan(redone0);
    });
  }
});

describe("the emulations with WebAssembly on and off (CHIMERA_WASM=0's path), bit for bit", function () {
  before(function () { if (!wasmAvailable) skipOrFail(this, noWasm); });
  after(() => { setWasmEnabled(wasmAvailable && process.env.CHIMERA_WASM !== "0"); });
  const ids = ["netlib-3.11", "openblas-0.3.21-haswell", "openblas-0.3.21-skylakex", "blis-0.9.0-generic", "mkl-2020.4-generic", "mkl-2020.4-avx2", "atlas-3.10.3"];
  for (const id of ids) {
    it(`${id}: gemm in all four layouts with padded strides, and gemmRowsAsBatch1`, () => {
      const kern = emulatedKernels.find((k) => k.info.id === id);
      expect(kern, id).to.not.equal(undefined);
      const st = new Stream(id.length * 31);
      for (let i = 0; i < 40; i++) {
        const family = st.pick(FAMILIES);
        const m = 1 + st.int(i % 4 === 0 ? 40 : 9), n = 1 + st.int(i % 4 === 0 ? 40 : 17), k = st.pick([1, 3, 4, 8, 17, 64, 200, 400]);
        const transA = st.int(2) === 1, transB = st.int(2) === 1;
        const lda = (transA ? m : k) + st.int(3), ldb = (transB ? k : n) + st.int(3), ldc = n + st.int(2);
        const fill = (len: number) => Float32Array.from({ length: len }, () => value(st, family, "a", 0, 1));
        const a = fill((transA ? k : m) * lda), b = fill((transB ? n : k) * ldb), c = fill(m * ldc);
        const call: GemmCall = { transA, transB, m, n, k, alpha: st.pick([1, -1, 0.5, fround(1.3)]), a, lda, b, ldb, beta: st.pick([0, 1, -1, fround(0.7)]), c, ldc };
        const batch = i % 3 === 0;
        const run = (on: boolean): Float32Array => {
          setWasmEnabled(on);
          const out = c.slice();
          if (batch) kern!.gemmRowsAsBatch1({ ...call, c: out });
          else kern!.gemm({ ...call, c: out });
          return out;
        };
        const w = run(true), j = run(false);
        for (let e = 0; e < w.length; e++) {
          expect(Object.is(w[e], j[e]) || (Number.isNaN(w[e]!) && Number.isNaN(j[e]!)), `${id} ${family} ${m}×${n}×${k} ${transA ? "T" : "N"}${transB ? "T" : "N"}${batch ? " batch-1 rows" : ""} element ${e}: ${w[e]} vs ${j[e]}`).to.equal(true);
        }
      }
    });
  }
});

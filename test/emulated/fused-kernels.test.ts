import { expect } from "chai";
import { HARD_C, HARD_X, HARD_Y, SPECIAL, Stream } from "./test-values.js";
import { compileFusedLoopReference, fusedKernels, mulAddKernels } from "@chimera/kernels";

/*
 * Each fused kernel emitted by fused-loop.ts against its plain form (every step by fma32, emitted from the
 * same declaration with no fast loop): random inputs, and constructed hard cases where RN32(RN64(x·y + c))
 * is wrong (c = 1 + 2^-23, x·y = 2^-24 − 2^-70, scaled by 2^s and signed: the binary64 sum is a binary32
 * midpoint the exact sum only approaches, so the double rounding picks the wrong neighbour), values near
 * the overflow threshold, subnormals, signed zeros, NaN and infinities; every length up to a few strides.
 */

const fround = Math.fround;
const N = 8192;


type Family = "random" | "hard" | "special";

function values(st: Stream, family: Family, role: "a" | "b" | "init", scale: number, sign: number): number {
  if (family === "random") return fround((st.unit() * 2 - 1) * 2 ** (st.int(20) - 10));
  if (family === "special") return st.int(3) === 0 ? st.pick(SPECIAL) : fround(st.unit() * 2 - 1);
  // hard: registers start at ±(1 + 2^-23)·2^s; products are 0 or the hard ±(2^-24 − 2^-70)·2^s (or 1·x, for avx2's addend).
  if (role === "init") return sign * HARD_C * 2 ** scale;
  if (role === "a") return st.int(3) === 0 ? 0 : sign * HARD_X;
  return st.int(4) === 0 ? 2 ** scale : HARD_Y * 2 ** scale;
}

/** Arguments for a kernel by its parameter names; the two Float64Arrays (v/w and evenOdd's o) start from `init` values. */
function args(name: string, params: readonly string[], st: Stream, family: Family, length: number): unknown[] {
  const scale = st.int(120) - 60, sign = st.int(2) === 0 ? 1 : -1;
  const f32 = (role: "a" | "b") => Float32Array.from({ length: N }, () => values(st, family, role, scale, sign));
  const f64 = () => Float64Array.from({ length: 64 }, () => values(st, family, "init", scale, sign));
  const stride = name === "lanes8Fma" || name === "lanes4x2Fma" ? st.pick([8, 16]) : name === "fusedPair" || name === "evenOdd4x1Body" ? 2 : name === "sseLanes4" ? 4 : name === "sseLanes8" ? 8 : 1;
  const len = length - (length % stride);
  return params.map((p) => {
    switch (p) {
      case "a": return f32("a");
      case "b": return f32("b");
      case "a0": case "ai": case "b0": case "bi": return st.int(8);
      case "lda": case "ldb": return 200 + st.int(5);
      case "len": case "body": case "chunks": return len;
      case "stride": return stride;
      case "v": case "w": return f64();
      case "o": return name === "evenOdd4x1Body" ? f64() : st.pick([0, 4, 8]) % (stride === 8 ? 4 : 12);
      case "e": return st.int(4);
      case "ld": return 8;
      default: throw new Error(`fused kernel ${name}: no test argument for parameter "${p}"; add one here`);
    }
  });
}

const same = (x: Float64Array, y: Float64Array): boolean => x.every((u, i) => Object.is(u, y[i]!));

describe("fused kernels emitted by fused-loop.ts, bit-identical to their plain fma32 form", () => {
  for (const [name, kernel] of Object.entries(fusedKernels)) {
    const reference = compileFusedLoopReference<(...xs: unknown[]) => void>(kernel.spec);
    const naive = compileFusedLoopReference<(...xs: unknown[]) => void>(kernel.spec, (x, y, c) => fround(x * y + c));
    for (const family of ["random", "hard", "special"] as const) {
      it(`${name}: ${family} inputs, lengths 0..40 and 100..${name === "avx2Chunks" ? 300 : 190}`, () => {
        const st = new Stream(name.length * 7919 + family.length);
        const lengths = [...Array.from({ length: 41 }, (_, i) => i), 100, 127, 128, 129, 190];
        let doubleRoundingWrong = 0;
        for (const length of lengths) {
          for (let rep = 0; rep < 3; rep++) {
            const xs = args(name, kernel.spec.params, st, family, name === "avx2Chunks" ? Math.min(length, 400) : length);
            const ys = xs.map((x) => (x instanceof Float64Array ? x.slice() : x));
            const zs = xs.map((x) => (x instanceof Float64Array ? x.slice() : x));
            (kernel as unknown as (...a: unknown[]) => void)(...xs);
            reference(...ys);
            xs.forEach((x, i) => {
              if (x instanceof Float64Array) expect(same(x, ys[i] as Float64Array), `${name} ${family} length ${length} argument ${kernel.spec.params[i]}: ${Array.from(x).slice(0, 8)} vs ${Array.from(ys[i] as Float64Array).slice(0, 8)}`).to.equal(true);
            });
            // The inputs are hard where RN32(RN64(x·y + c)) differs from fma32: count the calls where it does.
            naive(...zs);
            if (zs.some((z, i) => z instanceof Float64Array && !same(z, ys[i] as Float64Array))) doubleRoundingWrong++;
          }
        }
        if (family === "hard") expect(doubleRoundingWrong, "hard cases where double rounding is wrong").to.be.greaterThan(lengths.length / 4);
      });
    }
  }
});

describe("multiply-then-add kernels emitted by fused-loop.ts, bit-identical to step-by-step fl(c + fl(a·b))", () => {
  for (const [name, kernel] of Object.entries(mulAddKernels)) {
    const reference = compileFusedLoopReference<(...xs: unknown[]) => void>(kernel.spec, (x, y, c) => fround(c + fround(x * y)));
    for (const family of ["random", "special"] as const) {
      it(`${name}: ${family} inputs, lengths 0..40 and 100..190`, () => {
        const st = new Stream(name.length * 104729 + family.length);
        for (const length of [...Array.from({ length: 41 }, (_, i) => i), 100, 129, 190]) {
          const xs = args(name, kernel.spec.params, st, family, length);
          const ys = xs.map((x) => (x instanceof Float64Array ? x.slice() : x));
          (kernel as unknown as (...a: unknown[]) => void)(...xs);
          reference(...ys);
          xs.forEach((x, i) => {
            if (x instanceof Float64Array) expect(same(x, ys[i] as Float64Array), `${name} ${family} length ${length} argument ${kernel.spec.params[i]}`).to.equal(true);
          });
        }
      });
    }
  }
});

import type { DotCall, GemmCall, GemvCall } from "../kernel.js";

/**
 * The broadened fidelity suite: calls drawn afresh from a seed over the regions of the call space a
 * model can reach, so that passing one draw proves little and every run looks somewhere new.
 * (The fixed default suite, fidelity.ts, stays for comparison with earlier measurements.)
 */
export const fidelityRegions = [
  "conv-im2col", "linear-batch", "large-blocked", "alpha-beta", "layouts", "values", "gemv", "dot",
] as const;

/** One region of the call space (see broadFidelitySuite for what each holds). */
export type FidelityRegion = (typeof fidelityRegions)[number];

/** How operand values are drawn: uniform [-1, 1), 8-bit pixels v/255, post-ReLU (half zeros), wide exponents, cancelling pairs. */
export type ValueKind = "uniform" | "pixels" | "relu-sparse" | "wide" | "cancel";

/** The second operand's kind for a first of kind `v`: weights stay uniform beside pixels and activations; beside
 * cancelling pairs it is near one, so neighbouring products cancel too. */
type SecondKind = ValueKind | "near-one";
function partner(v: ValueKind): SecondKind {
  return v === "pixels" || v === "relu-sparse" ? "uniform" : v === "cancel" ? "near-one" : v;
}

/** A gemm shape a model makes (e.g. a conv layer's im2col product), for the conv region. */
export interface ModelGemmShape {
  readonly what: string;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly beta: number;
}

/** One call of the broadened suite; its inputs come from `seed` and `values`. */
export type RegionCase = {
  readonly region: FidelityRegion;
  readonly name: string;
  readonly seed: number;
  readonly values: ValueKind;
} & (
  | { readonly op: "gemm"; transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; pad: number; offset: number }
  | { readonly op: "gemv"; transA: boolean; m: number; n: number; alpha: number; beta: number; pad: number; incx: number; incy: number }
  | { readonly op: "dot"; n: number; incx: number; incy: number }
);

/** How many calls each region draws. "ci" keeps a run of every emulation in seconds; "full" looks wider. */
export const fidelityScales = {
  ci: { conv: 4, linear: 6, large: 1, largeFlops: 8e7, alphaBeta: 8, layouts: 8, values: 4, gemv: 4, dot: 8 },
  full: { conv: 40, linear: 16, large: 4, largeFlops: 2e9, alphaBeta: 24, layouts: 24, values: 15, gemv: 16, dot: 24 },
} as const;

/** A seeded generator (LCG, the same as fidelity.ts uses), with helpers. */
function draw(seed: number) {
  let s = seed >>> 0;
  const u32 = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const int = (lo: number, hi: number) => lo + (u32() % (hi - lo + 1));
  return { u32, int, pick: <T>(xs: readonly T[]) => xs[u32() % xs.length]!, real: (lo: number, hi: number) => Math.fround(lo + (u32() / 2 ** 32) * (hi - lo)) };
}

/** α and β that are neither 0, 1 nor powers of two (and some negative), besides the usual ones. */
const ALPHAS = [1, -1, 0.5, 3, -0.7, 1.3, 0.1, -2.5];
const BETAS = [0, 1, -2, 0.25, 1.5, -0.3, 0.7, -1];

/**
 * The broadened suite for `seed` at `scale`: im2col products of the model zoo's conv layers (`convShapes`,
 * batch 1 and per image of a batch: torch runs one product per image), nn.Linear at batch 1 and odd
 * batches, large blocked products (m, n to 1024, k to 4608, at most `largeFlops` each), arbitrary α and β,
 * every layout with padded strides and offset operands, value distributions, gemv and dot.
 */
export function broadFidelitySuite(seed: number, scale: keyof typeof fidelityScales = "ci", convShapes: readonly ModelGemmShape[] = []): RegionCase[] {
  const sc = fidelityScales[scale];
  const r = draw(seed);
  const out: RegionCase[] = [];
  const gemm = (region: FidelityRegion, name: string, values: ValueKind, transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha = 1, beta = 0, pad = 0, offset = 0) =>
    out.push({ region, name, seed: r.u32(), values, op: "gemm", transA, transB, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta), pad, offset });
  for (let i = 0; i < sc.conv && convShapes.length; i++) {
    const c = r.pick(convShapes);
    gemm("conv-im2col", c.what, c.k <= 27 ? "pixels" : "relu-sparse", c.transA, c.transB, c.m, c.n, c.k, 1, c.beta);
  }
  const linears = [[784, 128], [128, 10], [128, 512], [512, 512], [512, 10], [1280, 1000]] as const;
  for (let i = 0; i < sc.linear; i++) {
    const [inp, outp] = r.pick(linears), batch = r.pick([1, 1, 3, 5, 7, 13, 63, 65]);
    gemm("linear-batch", `Linear ${inp}->${outp} batch ${batch}`, inp === 784 ? "pixels" : "relu-sparse", false, true, batch, outp, inp, 1, r.pick([0, 1]));
  }
  for (let i = 0; i < sc.large; i++) {
    let m, n, k;
    do {
      m = r.int(257, 1024); n = r.int(257, 1024); k = r.int(513, 4608);
    } while (m * n * k > sc.largeFlops);
    gemm("large-blocked", "large", "uniform", r.int(0, 1) === 1, r.int(0, 1) === 1, m, n, k, 1, r.pick([0, 1]));
  }
  for (let i = 0; i < sc.alphaBeta; i++) {
    const alpha = r.int(0, 3) === 0 ? r.real(-4, 4) : r.pick(ALPHAS), beta = r.int(0, 3) === 0 ? r.real(-4, 4) : r.pick(BETAS);
    gemm("alpha-beta", "alpha beta", "uniform", r.int(0, 1) === 1, r.int(0, 1) === 1, r.int(1, 96), r.int(1, 96), r.int(1, 700), alpha, beta, r.int(0, 3));
  }
  for (let i = 0; i < sc.layouts; i++) {
    gemm("layouts", "padded, offset", "uniform", i % 2 === 1, (i >> 1) % 2 === 1, r.int(1, 200), r.int(1, 200), r.int(1, 600),
      r.pick([1, 1, 0.5, -1]), r.pick([0, 1, 0.25]), r.int(1, 17), r.int(1, 7));
  }
  const kinds: ValueKind[] = ["pixels", "relu-sparse", "wide", "cancel"];
  for (let i = 0; i < sc.values; i++) {
    const v = kinds[i % kinds.length]!;
    gemm("values", v, v, r.int(0, 1) === 1, r.int(0, 1) === 1, r.pick([1, 4, 37]), r.int(1, 130), r.pick([9, 27, 300, 784, 1152, 2304]), 1, r.pick([0, 1]));
  }
  for (let i = 0; i < sc.gemv; i++) {
    out.push({ region: "gemv", name: "gemv", seed: r.u32(), values: "uniform", op: "gemv", transA: r.int(0, 1) === 1, m: r.int(1, 1024), n: r.int(1, 1024),
      alpha: Math.fround(r.pick(ALPHAS)), beta: Math.fround(r.pick(BETAS)), pad: r.int(0, 3), incx: r.int(1, 3), incy: r.int(1, 3) });
  }
  for (let i = 0; i < sc.dot; i++) {
    out.push({ region: "dot", name: "dot", seed: r.u32(), values: r.pick(["uniform", "wide", "cancel"] as const), op: "dot",
      n: r.int(0, 1) ? r.int(1, 64) : r.int(65, 4096), incx: r.int(1, 3), incy: r.int(1, 3) });
  }
  return out;
}

/** `len` values of kind `v` drawn from `seed`. */
export function regionValues(len: number, v: SecondKind, seed: number): Float32Array {
  const r = draw(seed);
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    const u = r.u32() / 2 ** 31 - 1;
    switch (v) {
      case "uniform": x[i] = Math.fround(u); break;
      case "pixels": x[i] = Math.fround((r.u32() & 255) / 255); break;
      case "relu-sparse": x[i] = u < 0 ? 0 : Math.fround(u * 3); break;
      case "wide": x[i] = Math.fround(u * 2 ** r.int(-24, 24)); break;
      // pairs that nearly cancel: a value, then its negation nudged in the last bits
      case "cancel": x[i] = i % 2 === 0 ? Math.fround(u * 64) : Math.fround(-x[i - 1]! * (1 + (r.int(-8, 8) * 2 ** -23))); break;
      case "near-one": x[i] = Math.fround(1 + u * 2 ** -8); break;
    }
  }
  return x;
}

/** The call of a gemm / gemv / dot case, with its inputs (A, then B or x, then C or y, from successive seeds). */
export function regionCall(c: RegionCase): { op: "gemm"; call: GemmCall } | { op: "gemv"; call: GemvCall } | { op: "dot"; call: DotCall } {
  if (c.op === "gemm") {
    const lda = (c.transA ? c.m : c.k) + c.pad, ldb = (c.transB ? c.k : c.n) + c.pad, ldc = c.n + c.pad, o = c.offset;
    const a = regionValues(o + (c.transA ? c.k : c.m) * lda, c.values, c.seed);
    const b = regionValues(o + (c.transB ? c.n : c.k) * ldb, partner(c.values), c.seed + 1), cc = regionValues(o + c.m * ldc, "uniform", c.seed + 2);
    return { op: "gemm", call: { transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a, aOffset: o, lda, b, bOffset: o, ldb, beta: c.beta, c: cc, cOffset: o, ldc } };
  }
  if (c.op === "gemv") {
    const lda = c.n + c.pad, xl = c.transA ? c.m : c.n, yl = c.transA ? c.n : c.m;
    return { op: "gemv", call: { transA: c.transA, m: c.m, n: c.n, alpha: c.alpha, a: regionValues(c.m * lda, c.values, c.seed), lda,
      x: regionValues(1 + (xl - 1) * c.incx, partner(c.values), c.seed + 1), incx: c.incx, beta: c.beta, y: regionValues(1 + (yl - 1) * c.incy, "uniform", c.seed + 2), incy: c.incy } };
  }
  return { op: "dot", call: { n: c.n, x: regionValues(1 + (c.n - 1) * c.incx, c.values, c.seed), incx: c.incx, y: regionValues(1 + (c.n - 1) * c.incy, partner(c.values), c.seed + 1), incy: c.incy } };
}

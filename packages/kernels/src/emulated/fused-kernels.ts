import { compileFusedLoop, compileMulAddLoop, registers, type FusedLoopSpec, type FusedStep } from "./fused-loop.js";

/*
 * The fused (FMA) register kernels, each declared once as data and emitted by fused-loop.ts: the chain
 * tiles (4×2, 8×1, 4×1, 1×1 accumulators, one FMA chain each over t), the two-register and even/odd
 * kernels, the 8-lane and two-row 4-lane SIMD lane loops, and MKL avx2's 16-product chunks. Each runs
 * exactly the fma32 loop its comment states; the fast form is the generator's.
 */

type A = Float32Array;
type V = Float64Array;

/** Chain steps of a rows×cols block: register c{row}{col} += x{row}·y{col}, rows fastest. */
function blockSteps(rows: number, cols: number, x: (row: number) => string, y: (col: number) => string): FusedStep[] {
  const out: FusedStep[] = [];
  for (let col = 0; col < cols; col++) for (let row = 0; row < rows; row++) out.push({ x: x(row), y: y(col), c: `c${row}${col}`, keep: `c${row}${col} = r` });
  return out;
}
function blockRegisters(rows: number, cols: number): { name: string; home: string }[] {
  const out: { name: string; home: string }[] = [];
  for (let col = 0; col < cols; col++) for (let row = 0; row < rows; row++) out.push({ name: `c${row}${col}`, home: `v[e + ${col} * ld + ${row}]` });
  return out;
}
const rowBases = (rows: number): string => Array.from({ length: rows - 1 }, (_, i) => `a${i + 1} = a${i} + lda`).join(", ");

/**
 * The chain tile of rows×cols registers as data: register c{row}{col} (home v[e + col·ld + row]) takes
 * a[a0 + row·lda + t]·b[b0 + col·ldb + t] for t < len, rows fastest within a step.
 */
function chainSpec(rows: number, cols: number): FusedLoopSpec {
  const params = ["a", "a0", ...(rows > 1 ? ["lda"] : []), "b", "b0", ...(cols > 1 ? ["ldb"] : []), "len", "v", "e", ...(cols > 1 ? ["ld"] : [])];
  const consts = [...(rows > 1 ? [rowBases(rows)] : []), ...(cols > 1 ? ["b1 = b0 + ldb"] : ["ld = 0"])];
  // Up to 4 rows the x of a step are loaded first; 8 rows read them where used (fewer live registers).
  const loadX = rows <= 4;
  const xs = loadX ? Array.from({ length: rows }, (_, r) => `x${r} = a[a${r} + t]`) : [];
  const ys = Array.from({ length: cols }, (_, c) => `y${c} = b[b${c} + t]`);
  return {
    name: `chain${rows}x${cols}`, params, end: "len", stride: "1",
    setup: `const ${consts.join(", ")};`, registers: blockRegisters(rows, cols),
    head: `const ${[...xs, ...ys].join(", ")};`,
    steps: blockSteps(rows, cols, (r) => (loadX ? `x${r}` : `a[a${r} + t]`), (c) => `y${c}`),
  };
}

type Tile4x2 = (a: A, a0: number, lda: number, b: A, b0: number, ldb: number, len: number, v: V, e: number, ld: number) => void;
type TileNx1 = (a: A, a0: number, lda: number, b: A, b0: number, len: number, v: V, e: number) => void;
type Tile1x1 = (a: A, a0: number, b: A, b0: number, len: number, v: V, e: number) => void;

/** v[e + col·ld + row] := fused chain over t < len of a[a0 + row·lda + t]·b[b0 + col·ldb + t] (4×2). */
export const chain4x2Fma = compileFusedLoop<Tile4x2>(chainSpec(4, 2));
/** As chain4x2Fma, 8 rows of one column (v[e + row]). */
export const chain8x1Fma = compileFusedLoop<TileNx1>(chainSpec(8, 1));
/** As chain4x2Fma, 4 rows of one column. */
export const chain4x1Fma = compileFusedLoop<TileNx1>(chainSpec(4, 1));
/** v[e] := fused chain over t < len of a[a0 + t]·b[b0 + t]. */
export const chain1x1Fma = compileFusedLoop<Tile1x1>(chainSpec(1, 1));
/** The multiply-then-add chains of the same tiles: each step fl(c + fl(a·b)). */
export const chain4x2MulAdd = compileMulAddLoop<Tile4x2>(chainSpec(4, 2));
export const chain8x1MulAdd = compileMulAddLoop<TileNx1>(chainSpec(8, 1));
export const chain4x1MulAdd = compileMulAddLoop<TileNx1>(chainSpec(4, 1));
export const chain1x1MulAdd = compileMulAddLoop<Tile1x1>(chainSpec(1, 1));

/** Two fused registers w[0] (even t) and w[1] (odd t) over t < body (even). */
export const fusedPair = compileFusedLoop<(a: A, ai: number, b: A, bi: number, body: number, w: V) => void>({
  name: "fusedPair", params: ["a", "ai", "b", "bi", "body", "w"], end: "body", stride: "2",
  registers: registers("l", 2, (i) => `w[${i}]`),
  steps: [0, 1].map((l) => ({ x: `a[ai + t + ${l}]`, y: `b[bi + t + ${l}]`, c: `l${l}`, keep: `l${l} = r` })),
});

/** Four rows of one column, two fused registers each over t < body (even): even t in v[e..e+3], odd t in o[0..3]. */
export const evenOdd4x1Body = compileFusedLoop<(a: A, a0: number, lda: number, b: A, b0: number, body: number, v: V, e: number, o: V) => void>({
  name: "evenOdd4x1Body", params: ["a", "a0", "lda", "b", "b0", "body", "v", "e", "o"], end: "body", stride: "2",
  setup: `const ${rowBases(4)};`,
  registers: [...registers("e", 4, (i) => `v[e + ${i}]`), ...registers("o", 4, (i) => `o[${i}]`)],
  head: "const y = b[b0 + t], z = b[b0 + t + 1];",
  steps: [
    ...[0, 1, 2, 3].map((i) => ({ x: `a[a${i} + t]`, y: "y", c: `e${i}`, keep: `e${i} = r` })),
    ...[0, 1, 2, 3].map((i) => ({ x: `a[a${i} + t + 1]`, y: "z", c: `o${i}`, keep: `o${i} = r` })),
  ],
});

/** Lanes w[o..o+7]: lane o + l takes products t + l for t = 0, stride, 2·stride, … < body. */
export const lanes8Fma = compileFusedLoop<(a: A, ai: number, b: A, bi: number, body: number, stride: number, w: V, o: number) => void>({
  name: "lanes8Fma", params: ["a", "ai", "b", "bi", "body", "stride", "w", "o"], end: "body", stride: "stride",
  registers: registers("l", 8, (i) => `w[o + ${i}]`), head: "const x = ai + t, y = bi + t;",
  steps: Array.from({ length: 8 }, (_, l) => ({ x: `a[x + ${l}]`, y: `b[y + ${l}]`, c: `l${l}`, keep: `l${l} = r` })),
});

/** Lanes o..o+3 of two rows (w[o..o+3] and w[stride+o..stride+o+3]): lane o + l takes products t + l, t = 0, stride, … < body. */
export const lanes4x2Fma = compileFusedLoop<(a: A, a0: number, lda: number, b: A, b0: number, body: number, stride: number, w: V, o: number) => void>({
  name: "lanes4x2Fma", params: ["a", "a0", "lda", "b", "b0", "body", "stride", "w", "o"], end: "body", stride: "stride",
  setup: "const a1 = a0 + lda;",
  registers: [...registers("l", 4, (i) => `w[o + ${i}]`), ...registers("k", 4, (i) => `w[o + stride + ${i}]`)],
  head: "const y0 = b[b0 + t], y1 = b[b0 + t + 1], y2 = b[b0 + t + 2], y3 = b[b0 + t + 3], x = a0 + t, z = a1 + t;",
  steps: [
    ...[0, 1, 2, 3].map((l) => ({ x: `a[x + ${l}]`, y: `y${l}`, c: `l${l}`, keep: `l${l} = r` })),
    ...[0, 1, 2, 3].map((l) => ({ x: `a[z + ${l}]`, y: `y${l}`, c: `k${l}`, keep: `k${l} = r` })),
  ],
});

/**
 * MKL avx2's 16-product chunks t < chunks: lane l := fl(lane l + fma(a_x·b_x, fl(a_{x+8}·b_{x+8}))),
 * x = 16t + l, for the eight lanes v[0..7] (see mkl-accumulation.ts's mklAvx2Dot).
 */
export const avx2Chunks = compileFusedLoop<(a: A, ai: number, b: A, bi: number, chunks: number, v: V) => void>({
  name: "avx2Chunks", params: ["a", "ai", "b", "bi", "chunks", "v"], end: "chunks", stride: "1",
  registers: registers("l", 8, (i) => `v[${i}]`), head: "const x = ai + 16 * t, y = bi + 16 * t;",
  steps: Array.from({ length: 8 }, (_, l) => ({
    x: `a[x + ${l}]`, y: `b[y + ${l}]`, c: `fround(a[x + ${8 + l}] * b[y + ${8 + l}])`, keep: `l${l} = fround(l${l} + r)`,
  })),
});

/** `count` multiply-then-add lanes v[0..count−1] over products t < body (lane t mod count), in registers (MKL's SSE sums). */
function sseLanesSpec(count: number): FusedLoopSpec {
  return {
    name: `sseLanes${count}`, params: ["a", "ai", "b", "bi", "body", "v"], end: "body", stride: String(count),
    registers: registers("l", count, (i) => `v[${i}]`), head: "const x = ai + t, y = bi + t;",
    steps: Array.from({ length: count }, (_, l) => ({ x: `a[x + ${l}]`, y: `b[y + ${l}]`, c: `l${l}`, keep: `l${l} = r` })),
  };
}
/** Lanes v[0..3] over products t < body (lane t mod 4), multiplied then added. */
export const sseLanes4 = compileMulAddLoop<(a: A, ai: number, b: A, bi: number, body: number, v: V) => void>(sseLanesSpec(4));
/** Lanes v[0..7] over products t < body (lane t mod 8), multiplied then added. */
export const sseLanes8 = compileMulAddLoop<(a: A, ai: number, b: A, bi: number, body: number, v: V) => void>(sseLanesSpec(8));

/** Every emitted fused kernel, for the property tests (test/emulated/fused-kernels.test.ts). */
export const fusedKernels = { chain4x2Fma, chain8x1Fma, chain4x1Fma, chain1x1Fma, fusedPair, evenOdd4x1Body, lanes8Fma, lanes4x2Fma, avx2Chunks } as const;

/** Every emitted multiply-then-add kernel, for the property tests. */
export const mulAddKernels = { chain4x2MulAdd, chain8x1MulAdd, chain4x1MulAdd, chain1x1MulAdd, sseLanes4, sseLanes8 } as const;

import { fma32, referenceKernel, type DotCall, type GemmCall, type Kernel } from "@chimera/kernels";

/**
 * Small black-box kernels with known orders, written directly (not through the probe's tree code),
 * for the probe to recover. Each sums the terms of one output element via `order`.
 */
export function orderKernel(id: string, order: (terms: (p: number) => [number, number], k: number, row: number, col: number) => number): Kernel {
  const info = { ...referenceKernel.info, id, kind: "emulated" as const, description: id };
  return {
    info,
    gemm(c: GemmCall) {
      const ao = c.aOffset ?? 0, bo = c.bOffset ?? 0, co = c.cOffset ?? 0;
      for (let i = 0; i < c.m; i++) for (let j = 0; j < c.n; j++) {
        const s = order((p) => [c.a[ao + (c.transA ? p * c.lda + i : i * c.lda + p)]!, c.b[bo + (c.transB ? j * c.ldb + p : p * c.ldb + j)]!], c.k, i, j);
        const idx = co + i * c.ldc + j;
        c.c[idx] = c.beta === 0 ? s : Math.fround(s + c.c[idx]!);
      }
    },
    gemv() {
      throw new Error("not used");
    },
    dot(c: DotCall) {
      return order((p) => [c.x[p * c.incx]!, c.y[p * c.incy]!], c.n, 0, 0);
    },
  };
}

const f = Math.fround;

/** Four FMA lanes over k mod 4, then (l0 + l1) + (l2 + l3). */
export const fourLanes = orderKernel("test-four-lanes", (t, k) => {
  const lane = [0, 0, 0, 0];
  for (let p = 0; p < k; p++) { const [a, b] = t(p); lane[p % 4] = fma32(a, b, lane[p % 4]!); }
  return f(f(lane[0]! + lane[1]!) + f(lane[2]! + lane[3]!));
});

/** Pairwise (recursive halving) sum of separately rounded products. */
export const pairwise = orderKernel("test-pairwise", (t, k) => {
  const rec = (lo: number, hi: number): number => {
    if (hi - lo === 1) { const [a, b] = t(lo); return f(a * b); }
    const mid = (lo + hi) >> 1;
    return f(rec(lo, mid) + rec(mid, hi));
  };
  return rec(0, k);
});

/** Blocks of 8 summed by one FMA chain each, blocks added in order (OpenBLAS-like). */
export const blocked = orderKernel("test-blocked-fma", (t, k) => {
  let total = 0;
  for (let s = 0; s < k; s += 8) {
    let acc = 0;
    for (let p = s; p < Math.min(k, s + 8); p++) { const [a, b] = t(p); acc = fma32(a, b, acc); }
    total = s === 0 ? acc : f(total + acc);
  }
  return total;
});

/** Accumulates in binary64 and rounds once (a wider accumulator). */
export const wide = orderKernel("test-binary64", (t, k) => {
  let acc = 0;
  for (let p = 0; p < k; p++) { const [a, b] = t(p); acc += a * b; }
  return f(acc);
});

/** Even rows sum forwards, odd rows backwards: elements of one call follow two trees. */
export const rowDependent = orderKernel("test-row-dependent", (t, k, row) => {
  let acc = 0;
  for (let q = 0; q < k; q++) { const p = row % 2 ? k - 1 - q : q; const [a, b] = t(p); acc = f(acc + f(a * b)); }
  return acc;
});

import { fmaStep } from "../fused-steps.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * An expression over one output's len products: a column j (its product, formed as the accumulation's
 * `products` says), "y" (y after β), "0" (+0, a zeroed lane the kernel adds), [l, r] fl(l + r),
 * { alpha } fl(v·α), and { fma: j, plus } fma(a_j, x_j, plus) (a vector multiply whose result only feeds
 * an add, which GCC contracts: _mm512_mul_ps and _mm512_add_ps are plain vector arithmetic to it).
 */
export type SmallTNode = number | "y" | "0" | readonly [SmallTNode, SmallTNode] | { readonly alpha: SmallTNode } | { readonly fma: number; readonly plus: SmallTNode };

/**
 * `openblas-gemv-t-small`: one y element of OpenBLAS 0.3.21's SkylakeX sgemv_t small kernels
 * (kernel/x86_64/sgemv_t_microk_skylakex_template.c, sgemv_kernel_t_1 … _8: len ≤ 8 with lda = len),
 * over all len columns, from `init` = y after β, returning the new y. The kernels transpose rows into
 * registers and each row block (16, 8, 4, 2 rows, the odd last one) has its own expression:
 * - `chain`: FMA over the columns in the listed order; with `fromY` from y (y := fma(a, x', y) …), else
 *   from the first column's rounded product, the sum then meeting y as fl(s + y) when x was scaled
 *   (`products` "x·α") or fma(s, α, y) when it was not ("plain");
 * - `tree`: the expression (see SmallTNode); with `fmaAlpha`, y := fma(α, v, y) (the C tails
 *   `y[i] += alpha * (…)`, contracted to FMA by the compiler).
 * `products`: "x·α" fl(a·fl(α·x)) (x scaled first), "·α" fl(fl(a·x)·α), "plain" fl(a·x).
 */
export interface OpenblasGemvTSmallAccumulation {
  readonly kind: "openblas-gemv-t-small";
  readonly alpha: number;
  readonly products: "x·α" | "·α" | "plain";
  readonly chain?: { readonly order: readonly number[]; readonly fromY?: boolean };
  readonly tree?: { readonly expr: SmallTNode; readonly fmaAlpha?: boolean };
}

function gemvTSmall(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, acc: OpenblasGemvTSmallAccumulation, y: number): number {
  const al = acc.alpha, scaled = acc.products === "x·α";
  // a: A_lib, the gemv's x; b: B_lib, the row of the matrix.
  const x = (j: number): number => (scaled ? fround(al * a[ai + j]!) : a[ai + j]!);
  const product = (j: number): number => {
    if (j >= len) throw new Error(`openblas-gemv-t-small: column ${j} outside a length-${len} kernel`);
    const p = fround(x(j) * b[bi + j]!);
    return acc.products === "·α" ? fround(p * al) : p;
  };
  if (acc.chain !== undefined) {
    const o = acc.chain.order;
    if (acc.chain.fromY === true) {
      let s = y;
      for (const j of o) s = fmaStep(b[bi + j]!, x(j), s);
      return s;
    }
    let s = fround(b[bi + o[0]!]! * x(o[0]!));
    for (let i = 1; i < o.length; i++) s = fmaStep(b[bi + o[i]!]!, x(o[i]!), s);
    return scaled ? fround(s + y) : fmaStep(s, al, y);
  }
  if (acc.tree === undefined) throw new Error("openblas-gemv-t-small: neither chain nor tree");
  const ev = (n: SmallTNode): number => {
    if (typeof n === "number") return product(n);
    if (n === "y") return y;
    if (n === "0") return 0;
    if (Array.isArray(n)) return fround(ev(n[0]) + ev(n[1]));
    if ("fma" in n) return fmaStep(b[bi + n.fma]!, x(n.fma), ev(n.plus));
    return fround(ev((n as { alpha: SmallTNode }).alpha) * al);
  };
  const v = ev(acc.tree.expr);
  return acc.tree.fmaAlpha === true ? fmaStep(al, v, y) : v;
}

/** The `openblas-gemv-t-small` order. */
export const openblasGemvTSmallOrder: Order<OpenblasGemvTSmallAccumulation> = { sum: gemvTSmall };

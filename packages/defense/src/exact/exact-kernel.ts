import { gemmLayout, gemvLayout, validateDot, validateGemm, validateGemv } from "@chimera/kernels";
import type { DotCall, GemmCall, GemvCall, Kernel, KernelInfo } from "@chimera/kernels";
import { grow, roundExpansion, scale, SCRATCH_LENGTH } from "./expansion.js";

/**
 * The exact kernel: every output is the correctly rounded binary32 value of the EXACT result,
 *
 *   c := RN32( α · Σ_p a_p·b_p  +  β · c )        (gemm and gemv; one rounding, nothing else)
 *   dot := RN32( Σ_p x_p·y_p )
 *
 * with RN32 round to nearest, ties to even, overflow to ±Infinity. α, the k products and β·c all
 * enter the exact value; the only rounding is the last one. So the result does not depend on the
 * order of the k terms, on the batch (rows computed alone or together), on the layout (transposes,
 * strides) or on blocking: it is the one answer every summation order approximates, which is what
 * makes it a defense against Chimera examples (ReproBLAS and Kulisch's exact dot product are the
 * same idea).
 *
 * How it stays exact in JavaScript: a product of two binary32 values is exact in binary64 (48-bit
 * significands), and the products are summed exactly as a floating-point expansion (expansion.ts);
 * α scales the expansion by Dekker's TwoProduct, β·c (exact in binary64) is one more term.
 *
 * Edge rules: the contract's (m = 0 or n = 0: nothing happens; k = 0 or α = 0: C := β·C rounded,
 * β = 0 writes +0 without reading C; β = 0 never reads C). IEEE specials: any NaN term gives NaN;
 * +Inf and −Inf give NaN; Inf·0 gives NaN; otherwise an infinite term gives that infinity. An exact
 * zero is −0 only when every term is −0 (the round-to-nearest sign rule), else +0.
 */
export const exactInfo: KernelInfo = {
  id: "exact",
  kind: "emulated",
  library: "chimera-exact",
  version: "1",
  variant: "expansion",
  threads: 1,
  description: "exact sum of alpha*sum(a*b) + beta*c as a binary64 expansion, rounded once to binary32 (order-independent)",
};

const sum = new Float64Array(SCRATCH_LENGTH);
const scaled = new Float64Array(SCRATCH_LENGTH);
const fround = Math.fround;

/**
 * Rounds α·S + β·c once, where S is the exact sum held in `sum[0..len)`, `naive` the float64
 * running sum of the same terms started at −0 (non-finite iff a term was; −0 iff every term was −0)
 * and `bc` = β·c (used only when `beta` is not 0).
 */
function finish(len: number, naive: number, alpha: number, beta: number, bc: number): number {
  if (!Number.isFinite(naive) || !Number.isFinite(alpha) || !Number.isFinite(bc)) {
    // Some term is ±Inf or NaN: the finite terms cannot matter; float64 gives the IEEE special.
    let v = 0;
    for (let i = 0; i < len; i++) v += sum[i]!; // nonzero iff S is (no cancellation to 0 in binary64)
    const s = Number.isFinite(naive) ? (len === 0 ? naive : v) : naive;
    const t = alpha * s;
    return fround(beta === 0 ? t : t + bc);
  }
  let e = sum, n = len;
  if (alpha !== 1 && n > 0) { n = scale(sum, n, alpha, scaled); e = scaled; }
  if (beta !== 0) n = grow(e, n, bc);
  if (n > 0) return roundExpansion(e, n);
  if (len > 0) return 0; // nonzero terms cancelled exactly: +0
  const t = alpha * (Object.is(naive, -0) ? -0 : 0);
  return beta === 0 ? t : t + bc; // both exact zeros: −0 only if both are −0
}

function gemm(call: GemmCall): void {
  validateGemm(exactInfo.id, call);
  const { m, n, k, alpha, a, b, beta, c, ldc } = call;
  const { aOff, sai, sap, bOff, sbp, sbj, cOff } = gemmLayout(call);
  if (m === 0 || n === 0) return;
  const empty = k === 0 || alpha === 0;
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * sai, row = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const ci = row + j;
      if (empty) {
        if (beta !== 1) c[ci] = beta === 0 ? 0 : fround(beta * c[ci]!);
        continue;
      }
      const bj = bOff + j * sbj;
      let len = 0, naive = -0;
      for (let p = 0; p < k; p++) {
        const prod = a[ai + p * sap]! * b[bj + p * sbp]!;
        naive += prod;
        len = grow(sum, len, prod);
      }
      c[ci] = finish(len, naive, alpha, beta, beta === 0 ? 0 : beta * c[ci]!);
    }
  }
}

function gemv(call: GemvCall): void {
  validateGemv(exactInfo.id, call);
  const { alpha, a, x, incx, beta, y, incy } = call;
  const { rows, len, aOff, sr, sq, xOff, yOff } = gemvLayout(call);
  const cols = len;
  for (let r = 0; r < rows; r++) {
    const yi = yOff + r * incy;
    if (cols === 0 || alpha === 0) {
      if (beta !== 1) y[yi] = beta === 0 ? 0 : fround(beta * y[yi]!);
      continue;
    }
    const ar = aOff + r * sr;
    let len = 0, naive = -0;
    for (let q = 0; q < cols; q++) {
      const prod = a[ar + q * sq]! * x[xOff + q * incx]!;
      naive += prod;
      len = grow(sum, len, prod);
    }
    y[yi] = finish(len, naive, alpha, beta, beta === 0 ? 0 : beta * y[yi]!);
  }
}

function dot(call: DotCall): number {
  validateDot(exactInfo.id, call);
  const { n, x, incx, y, incy } = call;
  if (n === 0) return 0;
  const xOff = call.xOffset ?? 0, yOff = call.yOffset ?? 0;
  let len = 0, naive = -0;
  for (let i = 0; i < n; i++) {
    const prod = x[xOff + i * incx]! * y[yOff + i * incy]!;
    naive += prod;
    len = grow(sum, len, prod);
  }
  return finish(len, naive, 1, 0, 0);
}

/** The exact kernel (see exactInfo): correctly rounded, order-independent gemm, gemv and dot. */
export const exactKernel: Kernel = { info: exactInfo, gemm, gemv, dot };

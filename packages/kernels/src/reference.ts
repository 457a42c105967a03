import type { DotCall, GemmCall, GemvCall, Kernel, KernelInfo } from "./kernel.js";
import { validateDot, validateGemm, validateGemv } from "./validate.js";
import { gemmLayout, gemvLayout } from "./layout.js";

const fround = Math.fround;

/**
 * The reference kernel: the living definition every other kernel is tested against.
 *
 * Order (textbook, one element at a time):
 *   s := +0;  for p = 0 … k-1:  s := fl(s + fl(a_ip · b_pj))      separate multiply and add
 *   t := α = 1 ? s : fl(α · s)
 *   c := β = 0 ? t : β = 1 ? fl(t + c) : fl(t + fl(β · c))
 * where fl() rounds to binary32 (round to nearest, ties to even). No fused multiply-add, no
 * blocking, no reassociation. Computing each operation in binary64 and rounding once with
 * Math.fround is exact for +, −, × of binary32 operands (binary64 has more than 2·24+2 bits).
 * gemv and dot follow the same order.
 */
export const referenceInfo: KernelInfo = {
  id: "reference",
  kind: "reference",
  library: "chimera",
  version: "1",
  variant: "textbook",
  threads: 1,
  description: "textbook order: sequential over k, separate fp32 multiply and add, then alpha, then beta*C",
};

/** Applies the α/β epilogue to one sum (see the module order). */
function epilogue(s: number, alpha: number, beta: number, c: number): number {
  const t = alpha === 1 ? s : fround(alpha * s);
  if (beta === 0) return t;
  return beta === 1 ? fround(t + c) : fround(t + fround(beta * c));
}

/** C := β·C for the k = 0 / α = 0 cases (β = 0 writes zeros without reading C). */
function scaleC(c: Float32Array, cOff: number, m: number, n: number, ldc: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = cOff + i * ldc;
    for (let j = 0; j < n; j++) c[row + j] = beta === 0 ? 0 : fround(beta * c[row + j]!);
  }
}

function gemm(call: GemmCall): void {
  validateGemm(referenceInfo.id, call);
  const { m, n, k, alpha, a, b, beta, c, ldc } = call;
  const { aOff, sai, sap, bOff, sbp, sbj, cOff } = gemmLayout(call);
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) return scaleC(c, cOff, m, n, ldc, beta);
  if (sbj === 1) {
    // Row-accumulator form: for each i, walk p and add fl(a_ip·b_pj) into every s_j. The order for
    // each element is still s := fl(s + fl(a_ip·b_pj)) for p = 0, 1, …; storing into a Float32Array
    // is the fl() of the addition.
    const acc = new Float32Array(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      const ai = aOff + i * sai;
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p * sap]!;
        const bp = bOff + p * sbp;
        for (let j = 0; j < n; j++) acc[j] += fround(aip * b[bp + j]!);
      }
      const row = cOff + i * ldc;
      for (let j = 0; j < n; j++) c[row + j] = epilogue(acc[j]!, alpha, beta, c[row + j]!);
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * sai, row = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * sbj;
      let s = 0;
      for (let p = 0; p < k; p++) s = fround(s + fround(a[ai + p * sap]! * b[bj + p * sbp]!));
      c[row + j] = epilogue(s, alpha, beta, c[row + j]!);
    }
  }
}

function gemv(call: GemvCall): void {
  validateGemv(referenceInfo.id, call);
  const { alpha, a, x, incx, beta, y, incy } = call;
  const { rows, len, aOff, sr, sq, xOff, yOff } = gemvLayout(call);
  for (let r = 0; r < rows; r++) {
    const yi = yOff + r * incy;
    if (len === 0 || alpha === 0) {
      if (beta !== 1) y[yi] = beta === 0 ? 0 : fround(beta * y[yi]!);
      continue;
    }
    let s = 0;
    const ar = aOff + r * sr;
    for (let q = 0; q < len; q++) s = fround(s + fround(a[ar + q * sq]! * x[xOff + q * incx]!));
    y[yi] = epilogue(s, alpha, beta, y[yi]!);
  }
}

function dot(call: DotCall): number {
  validateDot(referenceInfo.id, call);
  const { n, x, incx, y, incy } = call;
  const xOff = call.xOffset ?? 0, yOff = call.yOffset ?? 0;
  let s = 0;
  for (let i = 0; i < n; i++) s = fround(s + fround(x[xOff + i * incx]! * y[yOff + i * incy]!));
  return s;
}

/** The reference kernel (see referenceInfo for its order). */
export const referenceKernel: Kernel = { info: referenceInfo, gemm, gemv, dot };

import { gemmLayout, gemvLayout, validateDot, validateGemm, validateGemv, type DotCall, type GemmCall, type GemvCall, type Kernel, type KernelInfo } from "@chimera/kernels";
import { wasmSums } from "./gradient-wasm.js";

/**
 * A fast kernel for the search's gradients, not for its verdicts. Issue #6: "the gradient need not be
 * bit-faithful, the Chimera test must be". It accumulates every dot product in binary64 and rounds
 * once to binary32 (so it is a different kernel from every fp32 library, never a stand-in for one),
 * and walks memory contiguously: row-accumulator form when op(B) rows are contiguous, dot form
 * otherwise. α and β are applied in binary64 too: c := fl(α·Σ + β·c). Larger products run the same
 * arithmetic in WebAssembly SIMD (gradient-wasm.ts), bit for bit.
 */
export const float64GradientInfo: KernelInfo = {
  id: "chimera-1-f64acc",
  kind: "reference",
  library: "chimera",
  version: "1",
  variant: "f64acc",
  threads: 1,
  description: "binary64 accumulation, one rounding to binary32 per result; for attack gradients only",
};

function gemm(call: GemmCall): void {
  validateGemm(float64GradientInfo.id, call);
  const { m, n, k, alpha, a, b, beta, c, ldc } = call;
  const layout = gemmLayout(call);
  const { aOff, sai, sap, bOff, sbp, sbj, cOff } = layout;
  if (m === 0 || n === 0) return;
  if (alpha !== 0 && k > 0) {
    const sums = wasmSums(call, layout);
    if (sums !== undefined) {
      const { v, ld } = sums;
      for (let i = 0; i < m; i++) {
        const row = cOff + i * ldc;
        for (let j = 0; j < n; j++) {
          const t = alpha * v[i * ld + j]!;
          c[row + j] = beta === 0 ? t : t + beta * c[row + j]!;
        }
      }
      return;
    }
  }
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * sai, row = cOff + i * ldc;
    acc.fill(0);
    if (alpha !== 0 && k > 0) {
      if (sbj === 1) {
        for (let p = 0; p < k; p++) {
          const aip = a[ai + p * sap]!;
          if (aip === 0) continue;
          const bp = bOff + p * sbp;
          for (let j = 0; j < n; j++) acc[j] += aip * b[bp + j]!;
        }
      } else {
        for (let j = 0; j < n; j++) {
          const bj = bOff + j * sbj;
          let s = 0;
          for (let p = 0; p < k; p++) s += a[ai + p * sap]! * b[bj + p * sbp]!;
          acc[j] = s;
        }
      }
    }
    for (let j = 0; j < n; j++) {
      const t = alpha * acc[j]!;
      c[row + j] = beta === 0 ? t : t + beta * c[row + j]!;
    }
  }
}

function gemv(call: GemvCall): void {
  validateGemv(float64GradientInfo.id, call);
  const { alpha, a, x, incx, beta, y, incy } = call;
  const { rows, len, aOff, sr, sq, xOff, yOff } = gemvLayout(call);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const ar = aOff + r * sr;
    for (let q = 0; q < len; q++) s += a[ar + q * sq]! * x[xOff + q * incx]!;
    const yi = yOff + r * incy;
    y[yi] = beta === 0 ? alpha * s : alpha * s + beta * y[yi]!;
  }
}

function dot(call: DotCall): number {
  validateDot(float64GradientInfo.id, call);
  const { n, x, incx, y, incy } = call;
  const xOff = call.xOffset ?? 0, yOff = call.yOffset ?? 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[xOff + i * incx]! * y[yOff + i * incy]!;
  return Math.fround(s);
}

/** The binary64-accumulating gradient kernel (see float64GradientInfo). */
export const float64GradientKernel: Kernel = { info: float64GradientInfo, gemm, gemv, dot };

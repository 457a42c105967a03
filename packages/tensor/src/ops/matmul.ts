import type { Kernel } from "@chimera/kernels";
import { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";
import { record } from "../autograd/primitives.js";
import { matrixOperand } from "./matrix-operand.js";

/** A kernel, or any object carrying one (such as a ForwardContext). */
export type KernelSource = Kernel | { kernel: Kernel };

/** The Kernel inside a KernelSource. */
export function kernelOf(src: KernelSource): Kernel {
  return "gemm" in src ? src : src.kernel;
}

/**
 * C = A·B for 2-D A [m, k] and B [k, n], as ONE gemm on the given kernel with α = 1, β = 0
 * (torch.mm). Transposed views are passed as transA/transB without a copy, the way PyTorch's
 * addmm_impl_cpu_ hands strides to BLAS.
 */
export function matmul(a: Tensor, b: Tensor, src: KernelSource): Tensor {
  const kernel = kernelOf(src);
  if (a.ndim !== 2 || b.ndim !== 2 || a.shape[1] !== b.shape[0]) {
    throw new Error(`matmul: expected A [m, k] and B [k, n], got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const m = a.shape[0]!, k = a.shape[1]!, n = b.shape[1]!;
  const A = matrixOperand("matmul", "A", a), B = matrixOperand("matmul", "B", b);
  const c = new Float32Array(m * n);
  kernel.gemm({
    transA: A.trans, transB: B.trans, m, n, k, alpha: 1,
    a: A.data, aOffset: A.offset, lda: A.ld, b: B.data, bOffset: B.offset, ldb: B.ld,
    beta: 0, c, ldc: Math.max(1, n),
  });
  return record("matmul", [a, b], { kernel }, new Tensor(c, [m, n]));
}

/**
 * y = x·Wᵀ + bias exactly as PyTorch 2.5's F.linear on CPU: addmm(bias, x, W.t()). The output is
 * pre-filled with the bias broadcast over rows, then ONE gemm with β = 1:
 *   gemm(transA=false, transB=true, m=batch, n=out, k=in, α=1, x, lda=in, W, ldb=in, β=1, y, ldc=out)
 * (Fortran: sgemm_('T','N', out, batch, in, 1, W, in, x, in, 1, y, out)). Without a bias, β = 0.
 * x: [batch, in]; W: [out, in]; bias: [out] or null.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null, src: KernelSource): Tensor {
  const kernel = kernelOf(src);
  if (x.ndim !== 2 || weight.ndim !== 2 || x.shape[1] !== weight.shape[1]) {
    throw new Error(`linear: expected x [batch, in] and weight [out, in], got ${formatShape(x.shape)} and ${formatShape(weight.shape)}`);
  }
  const m = x.shape[0]!, k = x.shape[1]!, n = weight.shape[0]!;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== n)) {
    throw new Error(`linear: expected bias [${n}], got ${formatShape(bias.shape)}`);
  }
  const X = matrixOperand("linear", "x", x);
  const W = matrixOperand("linear", "weight", weight);
  const y = new Float32Array(m * n);
  if (bias) {
    const bv = bias.values();
    for (let i = 0; i < m; i++) y.set(bv, i * n);
  }
  // W stored [out, in] row-major is op(B) = Wᵀ with transB = true; a transposed W view flips it.
  kernel.gemm({
    transA: X.trans, transB: !W.trans, m, n, k, alpha: 1,
    a: X.data, aOffset: X.offset, lda: X.ld, b: W.data, bOffset: W.offset, ldb: W.ld,
    beta: bias ? 1 : 0, c: y, ldc: Math.max(1, n),
  });
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record("linear", inputs, { kernel }, new Tensor(y, [m, n]));
}

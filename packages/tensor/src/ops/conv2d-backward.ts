import type { Kernel } from "@chimera/kernels";
import { Tensor } from "../tensor.js";
import { col2im, im2col } from "./im2col.js";
import { convGeometry } from "./conv2d.js";
import { sum } from "./reduce.js";

/**
 * Gradients of conv2d, mirroring PyTorch 2.5's slow_conv2d backward (ConvolutionMM2d.cpp), per group:
 * - input:  per batch element, fgrad = W_gᵀ·gO_n by
 *     gemm(true, false, m=C/g·kh·kw, n=oh·ow, k=Cout/g, α=1, W_g, lda=k·…, gO_n, ldb=oh·ow, β=0, fgrad, ldc=oh·ow)
 *   then col2im adds fgrad into the zeroed input gradient (slow_conv2d_backward_update_grad_input_frame).
 * - weight: zeroed, then for each batch element in order, gW_g += gO_n·colsᵀ by
 *     gemm(false, true, m=Cout/g, n=C/g·kh·kw, k=oh·ow, α=1, gO_n, lda=oh·ow, cols, ldb=oh·ow, β=1, gW_g, ldc=C/g·kh·kw)
 *   (slow_conv2d_backward_weight_frame).
 * - bias: Σ over (N, oh, ow) of gO, sequential (torch uses at::sum).
 */
export function conv2dBackward(
  g: Tensor, x: Tensor, weight: Tensor, hasBias: boolean, kernel: Kernel,
  stride: [number, number], padding: [number, number], groups: number, need: [boolean, boolean, boolean],
): (Tensor | null)[] {
  const geo = convGeometry(x, weight, stride, padding, groups);
  const N = x.shape[0]!, C = x.shape[1]!, Cout = weight.shape[0]!;
  const coutG = Cout / groups, K = geo.channels * geo.kh * geo.kw, P = geo.oh * geo.ow, HW = geo.height * geo.width;
  const gv = g.values(), wv = weight.values();
  let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
  const cols = new Float32Array(K * P);
  if (need[0]) {
    const dx = new Float32Array(x.size);
    for (let gi = 0; gi < groups; gi++) {
      for (let n = 0; n < N; n++) {
        kernel.gemm({
          transA: true, transB: false, m: K, n: P, k: coutG, alpha: 1,
          a: wv, aOffset: gi * coutG * K, lda: K, b: gv, bOffset: (n * Cout + gi * coutG) * P, ldb: P,
          beta: 0, c: cols, ldc: P,
        });
        col2im(cols, geo, dx, (n * C + gi * geo.channels) * HW);
      }
    }
    gx = new Tensor(dx, x.shape);
  }
  if (need[1]) {
    const dw = new Float32Array(weight.size);
    const xv = x.values();
    for (let gi = 0; gi < groups; gi++) {
      for (let n = 0; n < N; n++) {
        im2col(xv, (n * C + gi * geo.channels) * HW, geo, cols);
        kernel.gemm({
          transA: false, transB: true, m: coutG, n: K, k: P, alpha: 1,
          a: gv, aOffset: (n * Cout + gi * coutG) * P, lda: P, b: cols, ldb: P,
          beta: 1, c: dw, cOffset: gi * coutG * K, ldc: K,
        });
      }
    }
    gw = new Tensor(dw, weight.shape);
  }
  if (hasBias && need[2]) gb = sum(g, [0, 2, 3]);
  return hasBias ? [gx, gw, gb] : [gx, gw];
}

import { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";
import { record } from "../autograd/primitives.js";
import { im2col, type ConvGeometry } from "./im2col.js";
import { kernelOf, type KernelSource } from "./matmul.js";

/** Stride/padding/groups of a 2-D convolution (numbers apply to both spatial dims). */
export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  groups?: number;
}

/** A number or a pair, as a pair. */
export function pair(v: number | [number, number] | undefined, dflt: number): [number, number] {
  return v === undefined ? [dflt, dflt] : typeof v === "number" ? [v, v] : v;
}

/** Geometry of one group of a convolution of x [N, C, H, W] by weight [Cout, C/groups, kh, kw]. */
export function convGeometry(x: Tensor, weight: Tensor, stride: [number, number], padding: [number, number], groups: number): ConvGeometry {
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw new Error(`conv2d: expected input [N, C, H, W] and weight [Cout, C/groups, kh, kw], got ${formatShape(x.shape)} and ${formatShape(weight.shape)}`);
  }
  const [, C, H, W] = x.shape as [number, number, number, number];
  const [Cout, Cg, kh, kw] = weight.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || Cout % groups !== 0 || Cg !== C / groups) {
    throw new Error(`conv2d: groups=${groups} does not fit input channels ${C} and weight ${formatShape(weight.shape)}`);
  }
  const oh = Math.floor((H + 2 * padding[0] - kh) / stride[0]) + 1, ow = Math.floor((W + 2 * padding[1] - kw) / stride[1]) + 1;
  if (oh < 1 || ow < 1) throw new Error(`conv2d: kernel ${kh}x${kw} larger than padded input ${formatShape(x.shape)}`);
  return { channels: Cg, height: H, width: W, kh, kw, sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], oh, ow };
}

/**
 * 2-D convolution (cross-correlation) mirroring PyTorch 2.5's CPU slow_conv2d path
 * (aten/src/ATen/native/ConvolutionMM2d.cpp, contiguous layout), taken when oneDNN is off. Per batch
 * element (and per group, as torch runs one no-group convolution per group), the output plane
 * [Cout/g, oh·ow] is pre-filled with the bias, the image is unfolded into columns
 * [C/g·kh·kw, oh·ow], and ONE gemm runs on the kernel:
 *   gemm(false, false, m=Cout/g, n=oh·ow, k=C/g·kh·kw, α=1, W_g, lda=k, cols, ldb=oh·ow, β, out, ldc=oh·ow)
 * with β = 1 when there is a bias and 0 otherwise (Fortran: sgemm_('N','N', oh·ow, Cout/g, k, 1,
 * cols, oh·ow, W_g, k, β, out, oh·ow)).
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, src: KernelSource, opts: Conv2dOptions = {}): Tensor {
  const kernel = kernelOf(src);
  const stride = pair(opts.stride, 1), padding = pair(opts.padding, 0), groups = opts.groups ?? 1;
  const g = convGeometry(x, weight, stride, padding, groups);
  const N = x.shape[0]!, C = x.shape[1]!, Cout = weight.shape[0]!;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout)) throw new Error(`conv2d: expected bias [${Cout}], got ${formatShape(bias.shape)}`);
  const xv = x.values(), wv = weight.values(), bv = bias ? bias.values() : null;
  const coutG = Cout / groups, K = g.channels * g.kh * g.kw, P = g.oh * g.ow;
  const out = new Float32Array(N * Cout * P), cols = new Float32Array(K * P);
  for (let gi = 0; gi < groups; gi++) {
    for (let n = 0; n < N; n++) {
      const outOff = (n * Cout + gi * coutG) * P;
      if (bv) for (let o = 0; o < coutG; o++) out.fill(bv[gi * coutG + o]!, outOff + o * P, outOff + (o + 1) * P);
      im2col(xv, (n * C + gi * g.channels) * g.height * g.width, g, cols);
      kernel.gemm({
        transA: false, transB: false, m: coutG, n: P, k: K, alpha: 1,
        a: wv, aOffset: gi * coutG * K, lda: K, b: cols, ldb: P,
        beta: bv ? 1 : 0, c: out, cOffset: outOff, ldc: P,
      });
    }
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record("conv2d", inputs, { kernel, stride, padding, groups }, new Tensor(out, [N, Cout, g.oh, g.ow]));
}

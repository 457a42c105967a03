import { arenaF32, chainTileFma, fma32, leastExponent, productsOnGrid, reserveArena, wasmChainTile, wasmEnabled } from "@chimera/kernels";
import { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";
import { record } from "../autograd/primitives.js";
import { convGeometry, pair, type Conv2dOptions } from "./conv2d.js";
import { kernelOf, type KernelSource } from "./matmul.js";

/*
 * PyTorch's CPU convolutions with oneDNN on (its default), bit for bit.
 *
 * Which code runs: PyTorch 1.13.1 (Debian's python3-torch) sends an fp32 convolution to oneDNN only when
 * groups > 1, or both kernel sides exceed 3, or the batch exceeds 1, or the input holds more than 20,480
 * values; every other one goes to slow_conv2d, im2col + the BLAS sgemm (ops/conv2d.ts, the lab's --conv
 * blas call). Measured with ONEDNN_VERBOSE on each side of each condition (test/lab/onednn-conv.test.ts):
 * at batch 1, fmnist-vgg's 32→32 convolution on 28×28 (25,088 values) is oneDNN's; its others, 1×28×28,
 * 32×9×9 and 32×3×3, are BLAS calls.
 *
 * What oneDNN computes: v2.6.3's jit direct convolution (`jit:avx2`, blocked layouts aBcd8b / ABcd8b8a)
 * keeps each output in a register that starts at the bias (0 without one) and takes one FMA per tap, taps
 * in the order: input-channel block of 8, kernel row, kernel column, channel within the block; taps in
 * the padding are skipped. Measured: 100% of 25,088 outputs of a random 32→32 3×3 convolution, against
 * 17.7% with the bias added after the sum. AVX-512 machines run `jit:avx512_core` (blocks of 16), not
 * modelled: the lab runs PyTorch with ONEDNN_MAX_CPU_ISA=AVX2 to compare (any x86-64 with AVX2 and FMA).
 *
 * Modelled: groups 1, stride 1, dilation 1, input channels a multiple of 8, output channels a multiple of
 * 8, any kernel size and padding; anything else oneDNN would run is an error naming it.
 */

/** Whether PyTorch 1.13 on CPU runs this fp32 convolution through oneDNN (see the file comment). */
export function torchUsesOnednn(xShape: readonly number[], weightShape: readonly number[], groups: number): boolean {
  const numel = xShape.reduce((a, b) => a * b, 1);
  return groups > 1 || (weightShape[2]! > 3 && weightShape[3]! > 3) || xShape[0]! > 1 || numel > 20480;
}

/** The channel block of oneDNN's avx2 direct convolution. */
const BLOCK = 8;

/** Why oneDNN's convolution for these shapes is not modelled, or undefined when it is. */
export function onednnUnsupported(xShape: readonly number[], weightShape: readonly number[], opts: Conv2dOptions): string | undefined {
  const stride = pair(opts.stride, 1), groups = opts.groups ?? 1;
  const C = xShape[1]!, O = weightShape[0]!;
  if (groups !== 1) return `groups ${groups} (only 1 is modelled)`;
  if (stride[0] !== 1 || stride[1] !== 1) return `stride ${stride.join("x")} (only 1 is modelled)`;
  if (C % BLOCK !== 0) return `${C} input channels (a multiple of ${BLOCK} is modelled)`;
  if (O % BLOCK !== 0) return `${O} output channels (a multiple of ${BLOCK} is modelled)`;
  return undefined;
}

/**
 * oneDNN's forward convolution (avx2 direct, see the file comment) of x [N, C, H, W] by weight
 * [O, C, kh, kw] with bias [O]; the gradient rule is ops/conv2d.ts's (any correct input gradient will do
 * for the search), its gemms on `gradKernel`.
 */
export function onednnConv2d(x: Tensor, weight: Tensor, bias: Tensor | null, gradKernel: KernelSource, opts: Conv2dOptions = {}): Tensor {
  const kernel = kernelOf(gradKernel);
  const why = onednnUnsupported(x.shape, weight.shape, opts);
  if (why !== undefined) throw new Error(`conv2d: PyTorch runs the convolution of ${formatShape(x.shape)} by ${formatShape(weight.shape)} through oneDNN, whose order for ${why} the lab does not model; use --conv blas or shared`);
  const stride = pair(opts.stride, 1), padding = pair(opts.padding, 0);
  const g = convGeometry(x, weight, stride, padding, 1);
  const N = x.shape[0]!, C = x.shape[1]!, O = weight.shape[0]!, H = g.height, W = g.width, P = g.oh * g.ow;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new Error(`conv2d: expected bias [${O}], got ${formatShape(bias.shape)}`);
  const xv = x.values(), wv = weight.values(), bv = bias ? bias.values() : null;
  const T = C * g.kh * g.kw; // taps per output, in oneDNN's order: t = ((cb·kh + i)·kw + j)·8 + c
  const tap = (cb: number, i: number, j: number, c: number) => ((cb * g.kh + i) * g.kw + j) * BLOCK + c;
  // A: the weights as O rows of T taps; B: per output pixel its T inputs (0 in the padding).
  const a = new Float32Array(O * T);
  for (let o = 0; o < O; o++) for (let ci = 0; ci < C; ci++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
    a[o * T + tap(Math.floor(ci / BLOCK), i, j, ci % BLOCK)] = wv[((o * C + ci) * g.kh + i) * g.kw + j]!;
  }
  // A skipped tap and an FMA by 0 agree unless a weight is not finite (0·Inf) or the chain's value is −0
  // (a bias of −0 before its first tap): those go through the tap-by-tap definition.
  const exact = wv.some((w) => !Number.isFinite(w)) || (bv !== null && bv.some((b) => Object.is(b, -0)));
  // With WebAssembly on, the chains run in the emulations' kernel memory (free between gemm calls), on the
  // generated fused `chain` kernel (kernels/src/emulated/wasm/chain-kernel.ts, exact); else in JavaScript.
  const wasm = !exact && wasmEnabled();
  const bAt = O * T + 4, vByte = Math.ceil((4 * (bAt + P * T)) / 16) * 16;
  const out = new Float32Array(N * O * P);
  const cols = wasm || exact ? undefined : new Float32Array(P * T), v = wasm || exact ? undefined : new Float64Array(P * O);
  for (let n = 0; n < N; n++) {
    const xo = n * C * H * W, oo = n * O * P;
    if (exact) {
      for (let o = 0; o < O; o++) for (let oh = 0; oh < g.oh; oh++) for (let ow = 0; ow < g.ow; ow++) {
        let s = bv ? bv[o]! : 0;
        for (let cb = 0; cb < C / BLOCK; cb++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
          const ih = oh + i - padding[0], iw = ow + j - padding[1];
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          for (let c = 0; c < BLOCK; c++) {
            const ci = cb * BLOCK + c;
            s = fma32(xv[xo + (ci * H + ih) * W + iw]!, wv[((o * C + ci) * g.kh + i) * g.kw + j]!, s);
          }
        }
        out[oo + o * P + oh * g.ow + ow] = s;
      }
      continue;
    }
    if (wasm) reserveArena(vByte + 8 * P * O);
    const mem = wasm ? arenaF32() : undefined;
    if (mem) mem.set(a, 0);
    const B = mem ?? cols!, bOff = mem ? bAt : 0;
    B.fill(0, bOff, bOff + P * T);
    for (let oh = 0; oh < g.oh; oh++) for (let ow = 0; ow < g.ow; ow++) {
      const row = bOff + (oh * g.ow + ow) * T;
      for (let i = 0; i < g.kh; i++) {
        const ih = oh + i - padding[0];
        if (ih < 0 || ih >= H) continue;
        for (let j = 0; j < g.kw; j++) {
          const iw = ow + j - padding[1];
          if (iw < 0 || iw >= W) continue;
          for (let ci = 0; ci < C; ci++) B[row + tap(Math.floor(ci / BLOCK), i, j, ci % BLOCK)] = xv[xo + (ci * H + ih) * W + iw]!;
        }
      }
    }
    const V = mem ? new Float64Array(mem.buffer, vByte, P * O) : v!;
    for (let p = 0; p < P; p++) for (let o = 0; o < O; o++) V[p * O + o] = bv ? bv[o]! : 0;
    // Element (o, p) := RN32(a·b + s) over t = 0 … T−1 from its start in V (column p of V holds pixel p).
    if (mem) {
      // The cheaper midpoint test where every product is on the 2^-179 grid (see grid-scan.ts).
      const grid = productsOnGrid(leastExponent(mem, 0, O * T), leastExponent(mem, bOff, P * T));
      wasmChainTile(true, mem, 0, T, mem, bOff, T, 0, O, 0, P, T, V, O, grid);
    } else {
      chainTileFma(a, 0, T, B, 0, T, 0, O, 0, P, T, V, O);
    }
    for (let o = 0; o < O; o++) for (let p = 0; p < P; p++) out[oo + o * P + p] = V[p * O + o]!;
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record("conv2d", inputs, { kernel, stride, padding, groups: 1 }, new Tensor(out, [N, O, g.oh, g.ow]));
}

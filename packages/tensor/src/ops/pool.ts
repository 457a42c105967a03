import { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";
import { record, type PoolWindows } from "../autograd/primitives.js";
import { pair } from "./conv2d.js";

/**
 * Pooling over x [N, C, H, W]. Max pooling follows PyTorch: windows of size k at stride s (default
 * k) with implicit −Inf padding, the first maximal element wins and NaN propagates. Average pooling
 * sums a window sequentially in binary32 (row-major inside the window) and divides once.
 */

function dims(op: string, x: Tensor): [number, number, number, number] {
  if (x.ndim !== 4) throw new Error(`${op}: expected input [N, C, H, W], got ${formatShape(x.shape)}`);
  return x.shape as [number, number, number, number];
}

/** Max pooling with kernel k, stride (default k) and padding (torch.nn.functional.max_pool2d, floor mode). */
export function maxPool2d(x: Tensor, kernelSize: number | [number, number], stride?: number | [number, number], padding: number | [number, number] = 0): Tensor {
  const [N, C, H, W] = dims("maxPool2d", x);
  const [kh, kw] = pair(kernelSize, 1), [sh, sw] = pair(stride ?? kernelSize, 1), [ph, pw] = pair(padding, 0);
  const oh = Math.floor((H + 2 * ph - kh) / sh) + 1, ow = Math.floor((W + 2 * pw - kw) / sw) + 1;
  if (oh < 1 || ow < 1) throw new Error(`maxPool2d: kernel ${kh}x${kw} larger than input ${formatShape(x.shape)}`);
  const v = x.values(), out = new Float32Array(N * C * oh * ow), arg = new Int32Array(out.length);
  let o = 0;
  for (let p = 0; p < N * C; p++) {
    const plane = p * H * W;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(oy * sh - ph, 0), y1 = Math.min(oy * sh - ph + kh, H);
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = Math.max(ox * sw - pw, 0), x1 = Math.min(ox * sw - pw + kw, W);
        let best = -1, bv = -Infinity;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const q = plane + y * W + xx, val = v[q]!;
            if (best < 0 || val > bv || val !== val) { bv = val; best = q; }
            if (val !== val) break;
          }
          if (bv !== bv) break;
        }
        out[o] = bv;
        arg[o] = best;
      }
    }
  }
  return record("maxPool2d", [x], { argmax: arg }, new Tensor(out, [N, C, oh, ow]));
}

/** Average pooling with kernel k and stride (default k), no padding (count_include_pad irrelevant). */
export function avgPool2d(x: Tensor, kernelSize: number | [number, number], stride?: number | [number, number]): Tensor {
  const [, , H, W] = dims("avgPool2d", x);
  const [kh, kw] = pair(kernelSize, 1), [sh, sw] = pair(stride ?? kernelSize, 1);
  const oh = Math.floor((H - kh) / sh) + 1, ow = Math.floor((W - kw) / sw) + 1;
  if (oh < 1 || ow < 1) throw new Error(`avgPool2d: kernel ${kh}x${kw} larger than input ${formatShape(x.shape)}`);
  const win = (n: number, s: number) => Int32Array.from({ length: n }, (_, i) => i * s);
  const hStart = win(oh, sh), wStart = win(ow, sw);
  const windows: PoolWindows = {
    hStart, hEnd: hStart.map((s) => s + kh), wStart, wEnd: wStart.map((s) => s + kw),
    divisor: new Int32Array(oh * ow).fill(kh * kw),
  };
  return poolWindows(x, windows);
}

/**
 * Adaptive average pooling to [outH, outW] (torch adaptive_avg_pool2d): window i spans
 * [floor(i·H/outH), ceil((i+1)·H/outH)), divided by its own area.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | [number, number]): Tensor {
  const [, , H, W] = dims("adaptiveAvgPool2d", x);
  const [oh, ow] = pair(outputSize, 1);
  const starts = (o: number, n: number) => Int32Array.from({ length: o }, (_, i) => Math.floor((i * n) / o));
  const ends = (o: number, n: number) => Int32Array.from({ length: o }, (_, i) => Math.ceil(((i + 1) * n) / o));
  const hStart = starts(oh, H), hEnd = ends(oh, H), wStart = starts(ow, W), wEnd = ends(ow, W);
  const divisor = new Int32Array(oh * ow);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) divisor[i * ow + j] = (hEnd[i]! - hStart[i]!) * (wEnd[j]! - wStart[j]!);
  return poolWindows(x, { hStart, hEnd, wStart, wEnd, divisor });
}

function poolWindows(x: Tensor, w: PoolWindows): Tensor {
  const [N, C, H, W] = dims("avgPool2d", x);
  const oh = w.hStart.length, ow = w.wStart.length;
  const v = x.values(), out = new Float32Array(N * C * oh * ow);
  const f = Math.fround;
  let o = 0;
  for (let p = 0; p < N * C; p++) {
    const plane = p * H * W;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        let s = 0;
        for (let y = w.hStart[i]!; y < w.hEnd[i]!; y++) for (let xx = w.wStart[j]!; xx < w.wEnd[j]!; xx++) s = f(s + v[plane + y * W + xx]!);
        out[o] = s / w.divisor[i * ow + j]!;
      }
    }
  }
  return record("avgPool2d", [x], { windows: w }, new Tensor(out, [N, C, oh, ow]));
}

import { Tensor } from "../tensor.js";
import { contiguousStrides, formatShape, normalizeAxis, sizeOf } from "../shape.js";
import { record } from "../autograd/primitives.js";
import { div } from "./binary.js";

/**
 * Reductions. Summation order is sequential and documented: each output element starts at +0 and adds
 * its inputs one binary32 addition at a time in row-major order of the input (PyTorch's CPU sum uses
 * a vectorised cascade instead, so sums of many terms can differ from torch in the last bits).
 */

/** Sum over `axes` (all axes when omitted); keepDim keeps reduced dims as size 1. */
export function sum(x: Tensor, axes?: number | number[], keepDim = false): Tensor {
  const rank = x.ndim;
  const list = axes === undefined ? [...Array(rank).keys()] : (Array.isArray(axes) ? axes : [axes]).map((a) => normalizeAxis("sum", a, rank));
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of list) reduced[a] = true;
  const keptShape = x.shape.map((d, i) => (reduced[i] ? 1 : d));
  const outShape = keepDim ? keptShape : x.shape.filter((_, i) => !reduced[i]);
  const out = new Float32Array(sizeOf(keptShape));
  const v = x.values(), n = v.length;
  if (n > 0) {
    const ks = contiguousStrides(keptShape);
    const os = ks.map((s, i) => (reduced[i] ? 0 : s));
    const nd = rank, inner = nd ? x.shape[nd - 1]! : 1, io = nd ? os[nd - 1]! : 0;
    const idx = new Array<number>(nd).fill(0);
    let po = 0;
    for (let i = 0; i < n; i += inner) {
      if (io === 0) {
        // the row folds into one output: the same binary32 additions, kept in a local (fround = the store's rounding)
        let acc = out[po]!;
        for (let j = 0; j < inner; j++) acc = Math.fround(acc + v[i + j]!);
        out[po] = acc;
      } else for (let j = 0; j < inner; j++) out[po + j * io] += v[i + j]!;
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]!++;
        po += os[d]!;
        if (idx[d]! < x.shape[d]!) break;
        po -= idx[d]! * os[d]!;
        idx[d] = 0;
      }
    }
  }
  return record("sum", [x], { axes: list, keepDim }, new Tensor(out, outShape));
}

/** Mean = sum / count (one binary32 division, as torch.mean divides the sum by the count). */
export function mean(x: Tensor, axes?: number | number[], keepDim = false): Tensor {
  const list = axes === undefined ? [...Array(x.ndim).keys()] : (Array.isArray(axes) ? axes : [axes]).map((a) => normalizeAxis("mean", a, x.ndim));
  let count = 1;
  for (const a of list) count *= x.shape[a]!;
  return div(sum(x, list, keepDim), count);
}

/** Maximum along one axis; the gradient goes to the first maximal element (NaN wins, like torch.max). */
export function max(x: Tensor, axis: number, keepDim = false): Tensor {
  const a = normalizeAxis("max", axis, x.ndim);
  const { out, arg, outShape } = maxAlong(x, a, keepDim);
  return record("max", [x], { axis: a, keepDim, argmax: arg }, new Tensor(out, outShape));
}

/** Index of the first maximum along `axis` (default last), as an Int32Array in row-major order of the rest. */
export function argmax(x: Tensor, axis = -1): Int32Array {
  if (x.ndim === 0) throw new Error(`argmax: expected at least 1 dim, got shape ${formatShape(x.shape)}`);
  const { arg } = maxAlong(x, normalizeAxis("argmax", axis, x.ndim), false);
  const len = x.shape[normalizeAxis("argmax", axis, x.ndim)]!;
  const res = new Int32Array(arg.length);
  // arg holds flat input indices; convert to positions along the axis.
  const stride = contiguousStrides(x.shape)[normalizeAxis("argmax", axis, x.ndim)]!;
  for (let i = 0; i < arg.length; i++) res[i] = Math.floor(arg[i]! / stride) % len;
  return res;
}

function maxAlong(x: Tensor, a: number, keepDim: boolean): { out: Float32Array; arg: Int32Array; outShape: number[] } {
  const len = x.shape[a]!;
  if (len === 0) throw new Error(`max: axis ${a} of ${formatShape(x.shape)} is empty`);
  const v = x.values();
  let outer = 1, inner = 1;
  for (let d = 0; d < a; d++) outer *= x.shape[d]!;
  for (let d = a + 1; d < x.ndim; d++) inner *= x.shape[d]!;
  const out = new Float32Array(outer * inner), arg = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = o * len * inner + i, bv = v[best]!;
      for (let k = 1; k < len && bv === bv; k++) {
        const p = (o * len + k) * inner + i, y = v[p]!;
        if (y > bv || y !== y) { bv = y; best = p; }
      }
      out[o * inner + i] = bv;
      arg[o * inner + i] = best;
    }
  }
  const outShape = keepDim ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return { out, arg, outShape };
}

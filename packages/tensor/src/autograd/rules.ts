import { Tensor, zeros } from "../tensor.js";
import { contiguousStrides, sameShape } from "../shape.js";
import type { PrimitiveName, Rule } from "./primitives.js";
import { broadcastApply, div, mul, sub } from "../ops/binary.js";
import { neg, powScalar } from "../ops/unary.js";
import { sum } from "../ops/reduce.js";
import { permute, reshape, transpose } from "../ops/movement.js";
import { matmul } from "../ops/matmul.js";
import { conv2dBackward } from "../ops/conv2d-backward.js";

/**
 * THE gradient rules: one per primitive, in one table typed so that a missing rule is a compile
 * error. Each maps d(loss)/d(out) to d(loss)/d(input) per input. Rules run with recording off and
 * compute in binary32 with the same ops as the forward; matmul, linear and conv2d rules run their
 * products on the node's kernel, as PyTorch's backward runs them on BLAS.
 */
export const rules: { [K in PrimitiveName]: Rule<K> } = {
  add: (g, n) => [sumTo(g, n.inputs[0]!), sumTo(g, n.inputs[1]!)],
  sub: (g, n) => [sumTo(g, n.inputs[0]!), sumTo(neg(g), n.inputs[1]!)],
  mul: (g, n) => [sumTo(mul(g, n.inputs[1]!), n.inputs[0]!), sumTo(mul(g, n.inputs[0]!), n.inputs[1]!)],
  // d(a/b)/da = 1/b;  d(a/b)/db = −(a/b)/b.
  div: (g, n, out) => [sumTo(div(g, n.inputs[1]!), n.inputs[0]!), sumTo(neg(div(mul(g, out), n.inputs[1]!)), n.inputs[1]!)],
  // d(a·b + c) = b·da + a·db + dc (the fused rounding has no gradient of its own).
  fma: (g, n) => [sumTo(mul(g, n.inputs[1]!), n.inputs[0]!), sumTo(mul(g, n.inputs[0]!), n.inputs[1]!), sumTo(g, n.inputs[2]!)],
  // Ties split the gradient evenly, like torch.maximum's backward.
  maximum: (g, n) => {
    const [a, b] = n.inputs as [Tensor, Tensor];
    const wa = broadcastApply("maximum", a, b, (x, y) => (x > y ? 1 : x < y ? 0 : 0.5));
    const wb = broadcastApply("maximum", a, b, (x, y) => (x < y ? 1 : x > y ? 0 : 0.5));
    return [sumTo(mul(g, wa), a), sumTo(mul(g, wb), b)];
  },
  neg: (g) => [neg(g)],
  exp: (g, _n, out) => [mul(g, out)],
  log: (g, n) => [div(g, n.inputs[0]!)],
  sqrt: (g, _n, out) => [div(g, mul(out, 2))],
  tanh: (g, _n, out) => [mul(g, sub(1, mul(out, out)))],
  sigmoid: (g, _n, out) => [mul(g, mul(out, sub(1, out)))],
  relu: (g, n) => [mul(g, broadcastApply("relu", n.inputs[0]!, n.inputs[0]!, (x) => (x > 0 ? 1 : 0)))],
  powScalar: (g, n) => [mul(g, mul(powScalar(n.inputs[0]!, n.params.p - 1), n.params.p))],
  sum: (g, n) => {
    const x = n.inputs[0]!;
    const kept = x.shape.map((d, i) => (n.params.axes.includes(i) ? 1 : d));
    return [broadcastApply("sum", zeros(x.shape), reshape(g, kept), (_z, y) => y)];
  },
  max: (g, n) => [scatter(g, n.params.argmax, n.inputs[0]!)],
  reshape: (g, n) => [reshape(g, n.inputs[0]!.shape)],
  permute: (g, n) => {
    const inv = new Array<number>(n.params.perm.length);
    n.params.perm.forEach((p, i) => (inv[p] = i));
    return [permute(g, inv)];
  },
  contiguous: (g) => [g],
  slice: (g, n) => {
    const x = n.inputs[0]!, { axis, start, end } = n.params;
    const out = new Float32Array(x.size), gv = g.values(), len = x.shape[axis]!, w = end - start;
    const inner = axis + 1 < x.ndim ? contiguousStrides(x.shape)[axis]! : 1, outer = x.size / (len * inner) || 0;
    for (let o = 0; o < outer; o++) out.set(gv.subarray(o * w * inner, (o + 1) * w * inner), (o * len + start) * inner);
    return [new Tensor(out, x.shape)];
  },
  indexSelect: (g, n) => {
    const x = n.inputs[0]!, idx = n.params.indices, row = x.size / Math.max(1, x.shape[0]!);
    const out = new Float32Array(x.size), gv = g.values();
    for (let i = 0; i < idx.length; i++) {
      const base = idx[i]! * row;
      for (let j = 0; j < row; j++) out[base + j] += gv[i * row + j]!;
    }
    return [new Tensor(out, x.shape)];
  },
  // C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC (transposed views go to gemm as transA/transB).
  matmul: (g, n) => {
    const [a, b] = n.inputs as [Tensor, Tensor], k = n.params.kernel;
    return [a.requiresGrad ? matmul(g, transpose(b), k) : null, b.requiresGrad ? matmul(transpose(a), g, k) : null];
  },
  // PyTorch addmm backward for linear (mm_mat1_backward / mm_mat2_backward with mat2 = W.t()):
  // dx = dY·W  (gemm false,false);  dW = dYᵀ·x  (gemm true,false);  db = Σ_rows dY.
  linear: (g, n) => {
    const [x, w, b] = n.inputs as [Tensor, Tensor, Tensor | undefined], k = n.params.kernel;
    const res: (Tensor | null)[] = [x.requiresGrad ? matmul(g, w, k) : null, w.requiresGrad ? matmul(transpose(g), x, k) : null];
    if (b) res.push(b.requiresGrad ? sum(g, 0) : null);
    return res;
  },
  conv2d: (g, n) => {
    const [x, w, b] = n.inputs as [Tensor, Tensor, Tensor | undefined], p = n.params;
    return conv2dBackward(g, x, w, b !== undefined, p.kernel, p.stride, p.padding, p.groups, [x.requiresGrad, w.requiresGrad, b?.requiresGrad ?? false]);
  },
  maxPool2d: (g, n) => [scatter(g, n.params.argmax, n.inputs[0]!)],
  avgPool2d: (g, n) => {
    const x = n.inputs[0]!, w = n.params.windows;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const oh = w.hStart.length, ow = w.wStart.length, gv = g.values(), out = new Float32Array(x.size);
    let o = 0;
    for (let p = 0; p < N * C; p++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++, o++) {
          const share = Math.fround(gv[o]! / w.divisor[i * ow + j]!);
          for (let y = w.hStart[i]!; y < w.hEnd[i]!; y++) for (let xx = w.wStart[j]!; xx < w.wEnd[j]!; xx++) out[p * H * W + y * W + xx] += share;
        }
      }
    }
    return [new Tensor(out, x.shape)];
  },
};

/** Sums a broadcast gradient back down to the shape of `like` (leading dims and size-1 dims). */
function sumTo(g: Tensor, like: Tensor): Tensor | null {
  if (!like.requiresGrad) return null;
  if (sameShape(g.shape, like.shape)) return g;
  const off = g.ndim - like.ndim, axes: number[] = [];
  for (let d = 0; d < g.ndim; d++) if (d < off || (like.shape[d - off] === 1 && g.shape[d] !== 1)) axes.push(d);
  return reshape(sum(g, axes, true), like.shape);
}

/** Zeros shaped like x with g[i] added at flat index idx[i] (binary32 +=, in i order). */
function scatter(g: Tensor, idx: Int32Array, x: Tensor): Tensor {
  const out = new Float32Array(x.size), gv = g.values();
  for (let i = 0; i < idx.length; i++) out[idx[i]!] += gv[i]!;
  return new Tensor(out, x.shape);
}


import { Tensor } from "../tensor.js";
import { contiguousStrides, formatShape, normalizeAxis, sizeOf } from "../shape.js";
import { NO_PARAMS, record } from "../autograd/primitives.js";

/**
 * Movement ops. reshape of a contiguous tensor and permute/transpose are views (no copy); slice and
 * indexSelect copy. None of them changes a value, so they are exact.
 */

/** Reshape (one dim may be −1). A view when x is contiguous, otherwise a row-major copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape(x, shape);
  const out = x.isContiguous() ? new Tensor(x.data, target, {}, contiguousStrides(target), x.offset) : new Tensor(Float32Array.from(x.values()), target);
  return record("reshape", [x], NO_PARAMS, out);
}

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  const free = shape.indexOf(-1);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const target = [...shape];
  if (free >= 0) {
    if (shape.indexOf(-1, free + 1) >= 0 || known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    target[free] = x.size / known;
  }
  if (sizeOf(target) !== x.size) throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  return target;
}

/** Flattens dims startDim…end into one (torch.flatten(x, startDim)); default keeps the batch dim. */
export function flatten(x: Tensor, startDim = 1): Tensor {
  const s = normalizeAxis("flatten", startDim, x.ndim);
  return reshape(x, [...x.shape.slice(0, s), -1]);
}

/** Permutes dims: out.shape[i] = x.shape[perm[i]]. A view (strided); contiguous() copies. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const p = perm.map((a) => normalizeAxis("permute", a, x.ndim));
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new Error(`permute: ${formatShape(perm)} is not a permutation of ${x.ndim} dims`);
  }
  const out = new Tensor(x.data, p.map((a) => x.shape[a]!), {}, p.map((a) => x.strides[a]!), x.offset);
  return record("permute", [x], { perm: p }, out);
}

/** Swaps two dims (a view). */
export function transpose(x: Tensor, dim0 = 0, dim1 = 1): Tensor {
  const perm = [...x.shape.keys()];
  const a = normalizeAxis("transpose", dim0, x.ndim), b = normalizeAxis("transpose", dim1, x.ndim);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** A row-major copy when x is a strided view; x itself when already contiguous. */
export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return record("contiguous", [x], NO_PARAMS, new Tensor(Float32Array.from(x.values()), x.shape));
}

/** Elements start…end−1 along `axis` (a copy). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normalizeAxis("slice", axis, x.ndim), len = x.shape[a]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > len || start > end) {
    throw new Error(`slice: range [${start}, ${end}) out of bounds for axis ${a} of ${formatShape(x.shape)}`);
  }
  const v = x.values();
  let outer = 1, inner = 1;
  for (let d = 0; d < a; d++) outer *= x.shape[d]!;
  for (let d = a + 1; d < x.ndim; d++) inner *= x.shape[d]!;
  const w = end - start, out = new Float32Array(outer * w * inner);
  for (let o = 0; o < outer; o++) out.set(v.subarray((o * len + start) * inner, (o * len + end) * inner), o * w * inner);
  const shape = x.shape.map((d, i) => (i === a ? w : d));
  return record("slice", [x], { axis: a, start, end }, new Tensor(out, shape));
}

/** Rows of x (along dim 0) at `indices`, e.g. a mini-batch out of a dataset tensor (a copy). */
export function indexSelect(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (x.ndim === 0) throw new Error(`indexSelect: expected at least 1 dim, got ${formatShape(x.shape)}`);
  const rows = x.shape[0]!, row = sizeOf(x.shape.slice(1));
  const idx = Int32Array.from(indices);
  const v = x.values(), out = new Float32Array(idx.length * row);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (r < 0 || r >= rows) throw new Error(`indexSelect: index ${r} out of range for dim 0 of ${formatShape(x.shape)}`);
    out.set(v.subarray(r * row, (r + 1) * row), i * row);
  }
  return record("indexSelect", [x], { indices: idx }, new Tensor(out, [idx.length, ...x.shape.slice(1)]));
}

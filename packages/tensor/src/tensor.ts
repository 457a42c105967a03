import { contiguousStrides, formatShape, sizeOf } from "./shape.js";
import type { AnyNode } from "./autograd/primitives.js";
import { backward } from "./autograd/backward.js";

/** Options for tensor constructors. */
export interface TensorOptions {
  requiresGrad?: boolean;
}

/**
 * An n-dimensional array of IEEE-754 binary32 values with reverse-mode autograd.
 *
 * Element (i0, …, in-1) lives at `data[offset + Σ ik·strides[k]]`. Tensors made by ops are row-major
 * contiguous; `reshape` of a contiguous tensor and `permute`/`transpose` return views that share
 * `data`; `contiguous()` copies a view into row-major order. Every value held is a binary32 value.
 *
 * `requiresGrad` marks a leaf whose gradient `backward()` accumulates into `grad` (PyTorch
 * semantics: gradients add up across backward calls until an optimizer's zeroGrad()). `node` is the
 * op that produced a non-leaf tensor while recording was on.
 */
export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  node: AnyNode | null = null;

  constructor(data: Float32Array, shape: readonly number[], opts: TensorOptions = {}, strides?: readonly number[], offset = 0) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`Tensor: shape ${formatShape(shape)} must hold non-negative integers`);
    }
    if (strides === undefined && data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: data length ${data.length} does not match shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
    this.requiresGrad = opts.requiresGrad ?? false;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True when the elements are stored row-major without gaps (offset may be non-zero). */
  isContiguous(): boolean {
    const expect = contiguousStrides(this.shape);
    for (let i = 0; i < this.shape.length; i++) if (this.shape[i] !== 1 && this.strides[i] !== expect[i]) return false;
    return true;
  }

  /**
   * The elements in row-major order as a Float32Array: `data` itself (or a subarray of it) when the
   * tensor is contiguous, otherwise a fresh copy. Callers must not write to it.
   */
  values(): Float32Array {
    const n = this.size;
    if (this.isContiguous()) {
      return this.offset === 0 && this.data.length === n ? this.data : this.data.subarray(this.offset, this.offset + n);
    }
    const out = new Float32Array(n);
    const nd = this.shape.length, idx = new Array<number>(nd).fill(0);
    let src = this.offset;
    for (let i = 0; i < n; i++) {
      out[i] = this.data[src]!;
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]!++;
        src += this.strides[d]!;
        if (idx[d]! < this.shape[d]!) break;
        src -= idx[d]! * this.strides[d]!;
        idx[d] = 0;
      }
    }
    return out;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`Tensor.item: expected one element, got shape ${formatShape(this.shape)}`);
    return this.data[this.offset]!;
  }

  /** Element at a full index. */
  get(...index: number[]): number {
    if (index.length !== this.shape.length) {
      throw new Error(`Tensor.get: expected ${this.shape.length} indices for shape ${formatShape(this.shape)}, got ${index.length}`);
    }
    let p = this.offset;
    for (let d = 0; d < index.length; d++) {
      const i = index[d]!;
      if (i < 0 || i >= this.shape[d]!) throw new Error(`Tensor.get: index ${i} out of range for dim ${d} of ${formatShape(this.shape)}`);
      p += i * this.strides[d]!;
    }
    return this.data[p]!;
  }

  /** The elements as a plain array in row-major order. */
  toArray(): number[] {
    return Array.from(this.values());
  }

  /** A tensor sharing this one's data but cut from the graph (no node, requiresGrad false). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, {}, this.strides, this.offset);
  }

  /** A row-major copy with its own buffer, cut from the graph. */
  clone(): Tensor {
    return new Tensor(Float32Array.from(this.values()), this.shape);
  }

  /**
   * Reverse-mode autograd from this tensor: seeds d(this)/d(this) with ones (or `seed`), walks the
   * graph in reverse topological order and accumulates into every leaf's `grad`.
   */
  backward(seed?: Tensor): void {
    backward(this, seed);
  }

  /** Short description for errors and logs. */
  toString(): string {
    return `Tensor${formatShape(this.shape)}`;
  }
}

/** Creates a contiguous tensor from values (copied, rounded to binary32) and a shape. */
export function tensor(data: ArrayLike<number>, shape: readonly number[], opts?: TensorOptions): Tensor {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  return new Tensor(Float32Array.from(data), shape, opts);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], opts?: TensorOptions): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape, opts);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], opts?: TensorOptions): Tensor {
  return full(shape, 1, opts);
}

/** A tensor filled with fround(value). */
export function full(shape: readonly number[], value: number, opts?: TensorOptions): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, opts);
}

/** A tensor of fround(N(0, 1)) draws from rng. */
export function randn(shape: readonly number[], rng: { normal(): number }, opts?: TensorOptions): Tensor {
  const d = new Float32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return new Tensor(d, shape, opts);
}

/** A tensor of fround(U(lo, hi)) draws from rng. */
export function uniform(shape: readonly number[], lo: number, hi: number, rng: { uniform(lo: number, hi: number): number }, opts?: TensorOptions): Tensor {
  const d = new Float32Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform(lo, hi);
  return new Tensor(d, shape, opts);
}

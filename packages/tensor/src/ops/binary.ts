import { Tensor } from "../tensor.js";
import { broadcastShapes, contiguousStrides, sameShape, sizeOf } from "../shape.js";
import { NO_PARAMS, record } from "../autograd/primitives.js";
import { fma32 } from "@chimera/kernels";

/**
 * Elementwise binary primitives with NumPy/PyTorch broadcasting. Each result element is computed in
 * binary64 from binary32 operands and rounded once to binary32 (storing into a Float32Array is the
 * rounding), which is exactly IEEE binary32 +, −, ×, ÷. A plain number operand is rounded to binary32
 * first, as PyTorch does when it wraps a Python scalar for a float32 tensor.
 */

type Operand = Tensor | number;
type Fn = (x: number, y: number) => number;

function asTensor(x: Operand): Tensor {
  return typeof x === "number" ? new Tensor(Float32Array.of(x), []) : x;
}

/**
 * One run of `n` results: out[o + j] = a[pa + j·ia] ∘ b[pb + j·ib]. The four arithmetic ops have their
 * own loops (same values as calling f, one rounding per element; a loop per op keeps each call site
 * monomorphic, which is what makes batch norm and the optimizers fast enough to train a CNN here).
 */
type Run = (out: Float32Array, o: number, av: Float32Array, pa: number, ia: number, bv: Float32Array, pb: number, ib: number, n: number) => void;

const runs: Record<string, Run> = {
  add(out, o, av, pa, ia, bv, pb, ib, n) {
    if (ia === 1 && ib === 0) { const y = bv[pb]!; for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! + y; }
    else if (ia === 0 && ib === 1) { const x = av[pa]!; for (let j = 0; j < n; j++) out[o + j] = x + bv[pb + j]!; }
    else if (ia === 1 && ib === 1) for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! + bv[pb + j]!;
    else for (let j = 0; j < n; j++) out[o + j] = av[pa + j * ia]! + bv[pb + j * ib]!;
  },
  sub(out, o, av, pa, ia, bv, pb, ib, n) {
    if (ia === 1 && ib === 0) { const y = bv[pb]!; for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! - y; }
    else if (ia === 0 && ib === 1) { const x = av[pa]!; for (let j = 0; j < n; j++) out[o + j] = x - bv[pb + j]!; }
    else if (ia === 1 && ib === 1) for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! - bv[pb + j]!;
    else for (let j = 0; j < n; j++) out[o + j] = av[pa + j * ia]! - bv[pb + j * ib]!;
  },
  mul(out, o, av, pa, ia, bv, pb, ib, n) {
    if (ia === 1 && ib === 0) { const y = bv[pb]!; for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! * y; }
    else if (ia === 0 && ib === 1) { const x = av[pa]!; for (let j = 0; j < n; j++) out[o + j] = x * bv[pb + j]!; }
    else if (ia === 1 && ib === 1) for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! * bv[pb + j]!;
    else for (let j = 0; j < n; j++) out[o + j] = av[pa + j * ia]! * bv[pb + j * ib]!;
  },
  div(out, o, av, pa, ia, bv, pb, ib, n) {
    if (ia === 1 && ib === 0) { const y = bv[pb]!; for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! / y; }
    else if (ia === 0 && ib === 1) { const x = av[pa]!; for (let j = 0; j < n; j++) out[o + j] = x / bv[pb + j]!; }
    else if (ia === 1 && ib === 1) for (let j = 0; j < n; j++) out[o + j] = av[pa + j]! / bv[pb + j]!;
    else for (let j = 0; j < n; j++) out[o + j] = av[pa + j * ia]! / bv[pb + j * ib]!;
  },
};

/** out[i] = f(a[ia], b[ib]) over the broadcast shape; one rounding per element. */
export function broadcastApply(op: string, a: Tensor, b: Tensor, f: Fn): Tensor {
  const av = a.values(), bv = b.values();
  const run = runs[op];
  if (sameShape(a.shape, b.shape)) {
    const out = new Float32Array(av.length);
    if (run) run(out, 0, av, 0, 1, bv, 0, 1, out.length);
    else for (let i = 0; i < out.length; i++) out[i] = f(av[i]!, bv[i]!);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = sizeOf(shape), out = new Float32Array(n);
  if (n === 0) return new Tensor(out, shape);
  if (bv.length === 1) {
    const y = bv[0]!;
    if (run) run(out, 0, av, 0, 1, bv, 0, 0, n);
    else for (let i = 0; i < n; i++) out[i] = f(av[i]!, y);
    return new Tensor(out, shape);
  }
  if (av.length === 1) {
    const x = av[0]!;
    if (run) run(out, 0, av, 0, 0, bv, 0, 1, n);
    else for (let i = 0; i < n; i++) out[i] = f(x, bv[i]!);
    return new Tensor(out, shape);
  }
  const nd = shape.length;
  const sa = expandedStrides(a.shape, shape), sb = expandedStrides(b.shape, shape);
  const inner = shape[nd - 1]!, ia = sa[nd - 1]!, ib = sb[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let pa = 0, pb = 0;
  for (let o = 0; o < n; o += inner) {
    if (run) run(out, o, av, pa, ia, bv, pb, ib, inner);
    else for (let j = 0; j < inner; j++) out[o + j] = f(av[pa + j * ia]!, bv[pb + j * ib]!);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      pa += sa[d]!;
      pb += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      pa -= idx[d]! * sa[d]!;
      pb -= idx[d]! * sb[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** Strides of a contiguous `shape` read as the broadcast `target` (0 along broadcast dims). */
export function expandedStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = contiguousStrides(shape), off = target.length - shape.length;
  return target.map((_, d) => (d < off || shape[d - off] === 1 ? 0 : own[d - off]!));
}

/** a + b (broadcasting). */
export function add(a: Operand, b: Operand): Tensor {
  const A = asTensor(a), B = asTensor(b);
  return record("add", [A, B], NO_PARAMS, broadcastApply("add", A, B, (x, y) => x + y));
}

/** a − b (broadcasting). */
export function sub(a: Operand, b: Operand): Tensor {
  const A = asTensor(a), B = asTensor(b);
  return record("sub", [A, B], NO_PARAMS, broadcastApply("sub", A, B, (x, y) => x - y));
}

/** a × b (broadcasting). */
export function mul(a: Operand, b: Operand): Tensor {
  const A = asTensor(a), B = asTensor(b);
  return record("mul", [A, B], NO_PARAMS, broadcastApply("mul", A, B, (x, y) => x * y));
}

/** a ÷ b (broadcasting, IEEE division: x/0 is ±Inf or NaN). */
export function div(a: Operand, b: Operand): Tensor {
  const A = asTensor(a), B = asTensor(b);
  return record("div", [A, B], NO_PARAMS, broadcastApply("div", A, B, (x, y) => x / y));
}

/** Elementwise maximum (broadcasting); NaN in either operand gives NaN, like torch.maximum. */
export function maximum(a: Operand, b: Operand): Tensor {
  const A = asTensor(a), B = asTensor(b);
  return record("maximum", [A, B], NO_PARAMS, broadcastApply("maximum", A, B, (x, y) => (x !== x || y !== y ? NaN : x >= y ? x : y)));
}

/**
 * a·b + c rounded once (binary32 fused multiply-add, correctly rounded by fma32), broadcasting all
 * three operands. PyTorch's CPU batch norm evaluates its affine step this way on an FMA machine (GCC
 * contracts its vectorised x·α + β into vfmadd; measured on torch 1.13.1 AVX2/AVX-512 builds).
 */
export function fusedMulAdd(a: Operand, b: Operand, c: Operand): Tensor {
  const A = asTensor(a), B = asTensor(b), C = asTensor(c);
  const shape = broadcastShapes("fusedMulAdd", broadcastShapes("fusedMulAdd", A.shape, B.shape), C.shape);
  const n = sizeOf(shape), out = new Float32Array(n);
  const av = A.values(), bv = B.values(), cv = C.values();
  const nd = shape.length;
  const sa = expandedStrides(A.shape, shape), sb = expandedStrides(B.shape, shape), sc = expandedStrides(C.shape, shape);
  const idx = new Array<number>(nd).fill(0);
  let pa = 0, pb = 0, pc = 0;
  for (let o = 0; o < n; o++) {
    out[o] = fma32(av[pa]!, bv[pb]!, cv[pc]!);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      pa += sa[d]!;
      pb += sb[d]!;
      pc += sc[d]!;
      if (idx[d]! < shape[d]!) break;
      pa -= idx[d]! * sa[d]!;
      pb -= idx[d]! * sb[d]!;
      pc -= idx[d]! * sc[d]!;
      idx[d] = 0;
    }
  }
  return record("fma", [A, B, C], NO_PARAMS, new Tensor(out, shape));
}

import type { DotCall, GemmCall, GemvCall } from "./kernel.js";

/**
 * Argument checks shared by every kernel, native ones included: a native library must never see a
 * call that could read or write outside its buffers. Each error names the kernel, the op, the
 * argument, what was expected and what came.
 */
export class KernelArgumentError extends Error {
  constructor(kernelId: string, op: string, message: string) {
    super(`${kernelId}: ${op}: ${message}`);
    this.name = "KernelArgumentError";
  }
}

function fail(id: string, op: string, msg: string): never {
  throw new KernelArgumentError(id, op, msg);
}

function checkDim(id: string, op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    fail(id, op, `${name} must be an integer in [0, 2^31), got ${String(v)}`);
  }
  return v;
}

function checkPositive(id: string, op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 0x7fffffff) {
    fail(id, op, `${name} must be an integer >= 1, got ${String(v)}`);
  }
  return v;
}

function checkScalar(id: string, op: string, name: string, v: unknown): void {
  if (typeof v !== "number" || Number.isNaN(v)) {
    fail(id, op, `${name} must be a number (not NaN), got ${String(v)}`);
  }
  if (Math.fround(v) !== v && Number.isFinite(v)) {
    fail(id, op, `${name} must be representable in binary32, got ${v} (use Math.fround)`);
  }
}

function checkArray(id: string, op: string, name: string, v: unknown): Float32Array {
  if (!(v instanceof Float32Array)) {
    const got = v === null ? "null" : typeof v === "object" ? (v as object).constructor?.name : typeof v;
    fail(id, op, `${name} must be a Float32Array, got ${got}`);
  }
  return v;
}

/** Checks that `rows` rows of `cols` elements with leading dimension `ld` from `offset` fit in `arr`. */
function checkMatrix(
  id: string, op: string, name: string, arr: Float32Array, offset: number, rows: number, cols: number, ld: number,
): void {
  if (ld < Math.max(1, cols)) {
    fail(id, op, `ld${name.toLowerCase()} must be >= max(1, ${cols}) for a stored ${rows}x${cols} ${name}, got ${ld}`);
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * ld + cols; // one past the last element read
  if (last > arr.length) {
    fail(id, op, `${name} needs ${last} elements (offset ${offset}, ${rows}x${cols}, ld ${ld}) but has ${arr.length}`);
  }
}

function checkVector(
  id: string, op: string, name: string, arr: Float32Array, offset: number, n: number, inc: number,
): void {
  if (n === 0) return;
  const last = offset + (n - 1) * inc + 1;
  if (last > arr.length) {
    fail(id, op, `${name} needs ${last} elements (offset ${offset}, n ${n}, inc ${inc}) but has ${arr.length}`);
  }
}

/** Validates a gemm call; throws KernelArgumentError naming the first bad argument. */
export function validateGemm(id: string, call: GemmCall): void {
  const op = "gemm";
  if (call === null || typeof call !== "object") fail(id, op, `call must be an object, got ${String(call)}`);
  if (typeof call.transA !== "boolean") fail(id, op, `transA must be a boolean, got ${String(call.transA)}`);
  if (typeof call.transB !== "boolean") fail(id, op, `transB must be a boolean, got ${String(call.transB)}`);
  const m = checkDim(id, op, "m", call.m);
  const n = checkDim(id, op, "n", call.n);
  const k = checkDim(id, op, "k", call.k);
  checkScalar(id, op, "alpha", call.alpha);
  checkScalar(id, op, "beta", call.beta);
  const a = checkArray(id, op, "a", call.a);
  const b = checkArray(id, op, "b", call.b);
  const c = checkArray(id, op, "c", call.c);
  const aOff = checkDim(id, op, "aOffset", call.aOffset ?? 0);
  const bOff = checkDim(id, op, "bOffset", call.bOffset ?? 0);
  const cOff = checkDim(id, op, "cOffset", call.cOffset ?? 0);
  const lda = checkPositive(id, op, "lda", call.lda);
  const ldb = checkPositive(id, op, "ldb", call.ldb);
  const ldc = checkPositive(id, op, "ldc", call.ldc);
  const readsAB = m > 0 && n > 0 && k > 0 && call.alpha !== 0;
  checkMatrix(id, op, "A", a, aOff, call.transA ? k : m, call.transA ? m : k, lda);
  checkMatrix(id, op, "B", b, bOff, call.transB ? n : k, call.transB ? k : n, ldb);
  checkMatrix(id, op, "C", c, cOff, m, n, ldc);
  if (readsAB && (c === a || c === b)) {
    const overlapA = c === a, which = overlapA ? "A" : "B";
    fail(id, op, `C must not share its buffer with ${which} (BLAS forbids aliasing the output)`);
  }
}

/** Validates a gemv call. */
export function validateGemv(id: string, call: GemvCall): void {
  const op = "gemv";
  if (call === null || typeof call !== "object") fail(id, op, `call must be an object, got ${String(call)}`);
  if (typeof call.transA !== "boolean") fail(id, op, `transA must be a boolean, got ${String(call.transA)}`);
  const m = checkDim(id, op, "m", call.m);
  const n = checkDim(id, op, "n", call.n);
  checkScalar(id, op, "alpha", call.alpha);
  checkScalar(id, op, "beta", call.beta);
  const a = checkArray(id, op, "a", call.a);
  const x = checkArray(id, op, "x", call.x);
  const y = checkArray(id, op, "y", call.y);
  const aOff = checkDim(id, op, "aOffset", call.aOffset ?? 0);
  const xOff = checkDim(id, op, "xOffset", call.xOffset ?? 0);
  const yOff = checkDim(id, op, "yOffset", call.yOffset ?? 0);
  const lda = checkPositive(id, op, "lda", call.lda);
  const incx = checkPositive(id, op, "incx", call.incx);
  const incy = checkPositive(id, op, "incy", call.incy);
  checkMatrix(id, op, "A", a, aOff, m, n, lda);
  const lenX = call.transA ? m : n, lenY = call.transA ? n : m;
  checkVector(id, op, "x", x, xOff, lenX, incx);
  checkVector(id, op, "y", y, yOff, lenY, incy);
  if (y === a || y === x) fail(id, op, "y must not share its buffer with A or x");
}

/** Validates a dot call. */
export function validateDot(id: string, call: DotCall): void {
  const op = "dot";
  if (call === null || typeof call !== "object") fail(id, op, `call must be an object, got ${String(call)}`);
  const n = checkDim(id, op, "n", call.n);
  const x = checkArray(id, op, "x", call.x);
  const y = checkArray(id, op, "y", call.y);
  const xOff = checkDim(id, op, "xOffset", call.xOffset ?? 0);
  const yOff = checkDim(id, op, "yOffset", call.yOffset ?? 0);
  const incx = checkPositive(id, op, "incx", call.incx);
  const incy = checkPositive(id, op, "incy", call.incy);
  checkVector(id, op, "x", x, xOff, n, incx);
  checkVector(id, op, "y", y, yOff, n, incy);
}

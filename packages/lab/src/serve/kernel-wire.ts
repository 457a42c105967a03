import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";

/**
 * How one Kernel call travels over HTTP (`POST /backends/:id/gemm|gemv|dot`): the scalar arguments in
 * the query string, the operands in the body as little-endian binary32, each operand cut to the span
 * the call can touch (from its offset to one past its last element), in argument order. The reply body
 * is the output span (C or y) after the call, or the dot product as one binary32 value.
 *
 *   gemm  ?transA&transB&m&n&k&alpha&lda&ldb&beta&ldc   body: A span | B span | C span   reply: C span
 *   gemv  ?transA&m&n&alpha&lda&incx&beta&incy            body: A span | x span | y span   reply: y span
 *   dot   ?n&incx&incy                                    body: x span | y span            reply: 4 bytes
 *
 * Offsets stay on the caller's side: the server sees every operand from element 0. Written once here so
 * the client (remote-kernel.ts) and the server (backend-routes.ts) cannot disagree.
 */
export type WireOp = "gemm" | "gemv" | "dot";

/** Elements a stored rows×cols matrix with leading dimension ld spans (0 when empty). */
export function matrixSpan(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** Elements a vector of n entries with increment inc spans (0 when empty). */
export function vectorSpan(n: number, inc: number): number {
  return n === 0 ? 0 : (n - 1) * inc + 1;
}

/** The scalar arguments of a gemm call, as sent in the query string. */
export type GemmArgs = Pick<GemmCall, "transA" | "transB" | "m" | "n" | "k" | "alpha" | "lda" | "ldb" | "beta" | "ldc">;
/** The scalar arguments of a gemv call. */
export type GemvArgs = Pick<GemvCall, "transA" | "m" | "n" | "alpha" | "lda" | "incx" | "beta" | "incy">;
/** The scalar arguments of a dot call. */
export type DotArgs = Pick<DotCall, "n" | "incx" | "incy">;

/** Operand spans (in elements) of a gemm call: [A, B, C]; C is also the reply. */
export function gemmSpans(a: GemmArgs): [number, number, number] {
  return [
    matrixSpan(a.transA ? a.k : a.m, a.transA ? a.m : a.k, a.lda),
    matrixSpan(a.transB ? a.n : a.k, a.transB ? a.k : a.n, a.ldb),
    matrixSpan(a.m, a.n, a.ldc),
  ];
}

/** Operand spans of a gemv call: [A, x, y]; y is also the reply. */
export function gemvSpans(a: GemvArgs): [number, number, number] {
  return [matrixSpan(a.m, a.n, a.lda), vectorSpan(a.transA ? a.m : a.n, a.incx), vectorSpan(a.transA ? a.n : a.m, a.incy)];
}

/** Operand spans of a dot call: [x, y]. */
export function dotSpans(a: DotArgs): [number, number] {
  return [vectorSpan(a.n, a.incx), vectorSpan(a.n, a.incy)];
}

/** The query string for `args` (booleans as true/false, numbers in JavaScript's round-trip form). */
export function wireQuery(args: Record<string, boolean | number>): string {
  return Object.entries(args).map(([k, v]) => `${k}=${String(v)}`).join("&");
}

/** Concatenates operand spans into one body (binary32, this machine's byte order: little-endian). */
export function packSpans(parts: readonly { data: Float32Array; offset: number; length: number }[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p.data.subarray(p.offset, p.offset + p.length), at);
    at += p.length;
  }
  return new Uint8Array(out.buffer);
}

/**
 * Splits a body into Float32Arrays of the given lengths (copied, so alignment never matters); throws
 * naming what was expected when the body's size is not exactly their sum.
 */
export function unpackSpans(op: WireOp, body: Uint8Array, lengths: readonly number[], names: readonly string[]): Float32Array[] {
  const want = lengths.reduce((s, n) => s + n, 0);
  if (body.byteLength !== 4 * want) {
    const parts = lengths.map((n, i) => `${names[i]} ${n}`).join(" + ");
    throw new RangeError(`${op}: the body holds ${body.byteLength} bytes; these arguments need ${parts} = ${want} binary32 values (${4 * want} bytes, little-endian)`);
  }
  const all = new Float32Array(want);
  new Uint8Array(all.buffer).set(body);
  const out: Float32Array[] = [];
  let at = 0;
  for (const n of lengths) {
    out.push(all.slice(at, at + n));
    at += n;
  }
  return out;
}

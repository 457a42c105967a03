import type { DotCall, GemmCall, GemvCall, Kernel, KernelInfo } from "../kernel.js";
import { validateDot, validateGemm, validateGemv } from "../validate.js";
import type { EmulationDeclaration } from "./declaration.js";
import { blockSum } from "./accumulation.js";
import { callUsesWasm, packLibraryA, runFiveLoops } from "./five-loops.js";
import { adoptPanel, releasePanel } from "./wasm/operands.js";

const fround = Math.fround;

/** An emulated kernel: its declaration, plus the batch-of-one fast path the attack needs. */
export interface EmulatedKernel extends Kernel {
  readonly declaration: EmulationDeclaration;
  /**
   * Computes every row of C as if its row of op(A) were multiplied alone (m = 1), with the same B,
   * α, β: what a model run on one sample at a time would produce. op(B) is packed once for all rows.
   */
  gemmRowsAsBatch1(call: GemmCall): void;
}

/** `<library>-<version>-<variant>`, or `<library>-<version>` when the variant is the library itself. */
export function emulatedId(decl: EmulationDeclaration): string {
  return decl.variant === "" ? `${decl.library}-${decl.version}` : `${decl.library}-${decl.version}-${decl.variant}`;
}

/** What the description adds about gemv and dot: nothing when the declaration states both routes. */
function levelTwoNote(decl: EmulationDeclaration): string {
  if (decl.gemvPlan !== undefined && decl.dot !== undefined) return "";
  if (decl.gemvPlan !== undefined) return "; dot reuses the gemm order, unverified";
  if (decl.dot !== undefined) return "; gemv reuses the gemm order, unverified";
  return "; gemv/dot reuse the gemm order, unverified";
}

/**
 * Builds a Kernel from a declaration. gemm runs the five loops. gemv runs them on the gemm
 * C(rows×1) = op(A)·x with the declaration's gemvPlan (its plan when it has none); dot sums in the
 * declaration's dot order (without one, as the gemm 1×1×n). Without their own routes, gemv and dot are
 * modelled as the library's gemm, which is its order only if its level-2/level-1 routines share the
 * gemm kernel: the description says so.
 */
export function makeEmulatedKernel(decl: EmulationDeclaration): EmulatedKernel {
  const id = emulatedId(decl);
  const info: KernelInfo = {
    id,
    kind: "emulated",
    library: decl.library,
    version: decl.version,
    variant: decl.variant === "" ? "reference" : decl.variant,
    threads: 1,
    description: `${decl.description} [${decl.verified}${levelTwoNote(decl)}]`,
  };
  function gemm(call: GemmCall): void {
    validateGemm(id, call);
    if (trivial(call)) return;
    runFiveLoops(decl, call);
  }
  function gemmRowsAsBatch1(call: GemmCall): void {
    validateGemm(id, call);
    if (trivial(call)) return;
    const { m, n, k, transA, lda } = call;
    // op(B) is packed (or viewed) once, and copied once into the WebAssembly kernels' memory when they are
    // on; each row then runs the five loops as an m = 1 call.
    const packed = callUsesWasm(decl, { ...call, m: 1 }) ? adoptPanel(packLibraryA(call), n, k, 1) : packLibraryA(call);
    const aOff = call.aOffset ?? 0, cOff = call.cOffset ?? 0;
    try {
      for (let i = 0; i < m; i++) {
        runFiveLoops(decl, { ...call, m: 1, aOffset: aOff + (transA ? i : i * lda), cOffset: cOff + i * call.ldc }, packed);
      }
    } finally {
      releasePanel();
    }
  }
  function gemv(call: GemvCall): void {
    validateGemv(id, call);
    const { transA, m, n, alpha, a, lda, x, incx, beta, y, incy } = call;
    const rows = transA ? n : m, len = transA ? m : n;
    if (rows === 0) return;
    // y (rows×1) = op(A) (rows×len) · x (len×1): x as a len×1 matrix with leading dimension incx.
    const g: GemmCall = {
      transA, transB: false, m: rows, n: 1, k: len, alpha, a, aOffset: call.aOffset ?? 0, lda,
      b: x, bOffset: call.xOffset ?? 0, ldb: incx, beta, c: y, cOffset: call.yOffset ?? 0, ldc: incy,
    };
    if (decl.gemvPlan === undefined) return gemm(g);
    if (!trivial(g)) runFiveLoops(gemvDecl, g);
  }
  const gemvDecl: EmulationDeclaration = { ...decl, plan: decl.gemvPlan ?? decl.plan };
  function dot(call: DotCall): number {
    validateDot(id, call);
    if (call.n === 0) return 0;
    if (decl.dot !== undefined) {
      const { n, incx, incy } = call;
      const strided = incx !== 1 || incy !== 1;
      const xs = gather(call.x, call.xOffset ?? 0, incx, n), ys = gather(call.y, call.yOffset ?? 0, incy, n);
      const route = decl.dot(n, strided);
      return blockSum(xs.data, xs.offset, ys.data, ys.offset, n, route.accumulation, route.init ?? 0);
    }
    const out = new Float32Array(1);
    gemm({
      transA: true, transB: false, m: 1, n: 1, k: call.n, alpha: 1, a: call.x, aOffset: call.xOffset ?? 0, lda: call.incx,
      b: call.y, bOffset: call.yOffset ?? 0, ldb: call.incy, beta: 0, c: out, ldc: 1,
    });
    return out[0]!;
  }
  return { info, declaration: decl, gemm, gemv, dot, gemmRowsAsBatch1 };
}

/** n elements of v from `offset` by `inc`, contiguous (the array itself when inc is 1). */
function gather(v: Float32Array, offset: number, inc: number, n: number): { data: Float32Array; offset: number } {
  if (inc === 1) return { data: v, offset };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = v[offset + i * inc]!;
  return { data: out, offset: 0 };
}

/** The contract's edge rules: nothing for m = 0 or n = 0; C := β·C for k = 0 or α = 0. True when done. */
function trivial(call: GemmCall): boolean {
  const { m, n, k, alpha, beta, c, ldc } = call;
  if (m === 0 || n === 0) return true;
  if (k !== 0 && alpha !== 0) return false;
  if (beta === 1) return true;
  const off = call.cOffset ?? 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[off + i * ldc + j] = beta === 0 ? 0 : fround(beta * c[off + i * ldc + j]!);
  return true;
}

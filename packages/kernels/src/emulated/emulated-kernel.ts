import type { DotCall, GemmCall, GemvCall, Kernel, KernelInfo } from "../kernel.js";
import { validateDot, validateGemm, validateGemv } from "../validate.js";
import type { EmulationDeclaration } from "./declaration.js";
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

/**
 * Builds a Kernel from a declaration. gemm runs the five loops; gemv and dot are modelled as the gemm
 * of the same shape (y = op(A)·x as an m×1 product; dot as 1×1×n), which is how the declaration's
 * library would order them only if its level-2/level-1 routines share the gemm kernel: the
 * description says so, and the fidelity suite measures gemm only.
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
    description: `${decl.description} [${decl.verified}; gemv/dot reuse the gemm order, unverified]`,
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
    gemm({
      transA, transB: false, m: rows, n: 1, k: len, alpha, a, aOffset: call.aOffset ?? 0, lda,
      b: x, bOffset: call.xOffset ?? 0, ldb: incx, beta, c: y, cOffset: call.yOffset ?? 0, ldc: incy,
    });
  }
  function dot(call: DotCall): number {
    validateDot(id, call);
    if (call.n === 0) return 0;
    const out = new Float32Array(1);
    gemm({
      transA: true, transB: false, m: 1, n: 1, k: call.n, alpha: 1, a: call.x, aOffset: call.xOffset ?? 0, lda: call.incx,
      b: call.y, bOffset: call.yOffset ?? 0, ldb: call.incy, beta: 0, c: out, ldc: 1,
    });
    return out[0]!;
  }
  return { info, declaration: decl, gemm, gemv, dot, gemmRowsAsBatch1 };
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

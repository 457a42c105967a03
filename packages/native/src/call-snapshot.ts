import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";

/**
 * Copies of a call's fields, each read exactly once. A caller's object may have getters (or be
 * changed by another holder between two reads); validating one read and then using another would let
 * an unchecked operand through, or stale results from the previous call. The native kernels take the
 * snapshot first, validate it, and hand that same snapshot on. Optional offsets stay absent when absent.
 */
function pick<T extends object>(call: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) {
    const v = call[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const GEMM_KEYS = ["transA", "transB", "m", "n", "k", "alpha", "a", "aOffset", "lda", "b", "bOffset", "ldb", "beta", "c", "cOffset", "ldc"] as const;
const GEMV_KEYS = ["transA", "m", "n", "alpha", "a", "aOffset", "lda", "x", "xOffset", "incx", "beta", "y", "yOffset", "incy"] as const;
const DOT_KEYS = ["n", "x", "xOffset", "incx", "y", "yOffset", "incy"] as const;

/** A gemm call with every field read once. */
export const snapshotGemm = (call: GemmCall): GemmCall => pick(call, GEMM_KEYS);
/** A gemv call with every field read once. */
export const snapshotGemv = (call: GemvCall): GemvCall => pick(call, GEMV_KEYS);
/** A dot call with every field read once. */
export const snapshotDot = (call: DotCall): DotCall => pick(call, DOT_KEYS);

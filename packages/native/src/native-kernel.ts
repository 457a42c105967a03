import {
  validateDot, validateGemm, validateGemv, type DotCall, type GemmCall, type GemvCall, type Kernel, type KernelInfo,
} from "@chimera/kernels";
import type { LibraryReport } from "./addon.js";
import { snapshotDot, snapshotGemm, snapshotGemv } from "./call-snapshot.js";

/**
 * The calls that reach a loaded library, wherever it lives (this process or a worker). Callers pass
 * validated calls only; implementations may assume valid arguments (the C side re-checks anyway).
 */
export interface NativeOps {
  gemm(call: GemmCall): void;
  gemv(call: GemvCall): void;
  dot(call: DotCall): number;
  /** Seconds per gemm, timed around `reps` calls inside C (operands staged once). */
  timeGemm(call: GemmCall, reps: number): number;
  report(): LibraryReport;
  /** The process the library runs in. */
  readonly pid: number;
  dispose(): void;
}

/** A Kernel backed by a real library, plus what only a native kernel can do. */
export interface NativeKernel extends Kernel {
  /** "in-process": the library is loaded here; "worker": in a child process with its own environment. */
  readonly transport: "in-process" | "worker";
  /** What the loaded library reports (core name, BLIS arch, MKL code path, loaded objects). */
  readonly report: LibraryReport;
  /** The process the library runs in (this one, or the worker). */
  readonly pid: number;
  /** Seconds per gemm call timed inside C, for bridge-overhead ratios. Validated like gemm. */
  timeGemm(call: GemmCall, reps: number): number;
  /** Releases the worker (or nothing, in-process). Later calls throw. */
  dispose(): void;
}

/**
 * Wraps NativeOps in the Kernel contract: every call's fields are read once (call-snapshot.ts), that
 * snapshot is validated in TypeScript, and the same snapshot goes native.
 */
export function makeNativeKernel(info: KernelInfo, transport: NativeKernel["transport"], ops: NativeOps): NativeKernel {
  let disposed = false;
  const live = (op: string): NativeOps => {
    if (disposed) throw new Error(`${info.id}: ${op}: kernel was disposed`);
    return ops;
  };
  const report = ops.report();
  const named = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      throw withId(info.id, e);
    }
  };
  return {
    info,
    transport,
    report,
    pid: ops.pid,
    gemm(given: GemmCall): void {
      const call = snapshotGemm(given);
      validateGemm(info.id, call);
      if (call.m === 0 || call.n === 0) return;
      named(() => live("gemm").gemm(call));
    },
    gemv(given: GemvCall): void {
      const call = snapshotGemv(given);
      validateGemv(info.id, call);
      named(() => live("gemv").gemv(call));
    },
    dot(given: DotCall): number {
      const call = snapshotDot(given);
      validateDot(info.id, call);
      return named(() => live("dot").dot(call));
    },
    timeGemm(given: GemmCall, reps: number): number {
      const call = snapshotGemm(given);
      validateGemm(info.id, call);
      if (!Number.isInteger(reps) || reps < 1) throw new Error(`${info.id}: timeGemm: reps must be an integer >= 1, got ${reps}`);
      return named(() => live("timeGemm").timeGemm(call, reps));
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      ops.dispose();
    },
  };
}

/** The error itself when its message already starts with the kernel id, else a copy that does. */
export function withId(id: string, e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  return err.message.startsWith(`${id}:`) ? err : new Error(`${id}: ${err.message}`, { cause: err });
}

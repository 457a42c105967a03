import type { GemmCall } from "@chimera/kernels";
import { releaseKernel, type BackendEntry } from "./backends.js";

/** The outcome of one backend's start-up and small call (`chimera backends --check`). */
export interface BackendCheck {
  readonly id: string;
  readonly ok: boolean;
  /** Why it failed: the start-up or call error (a dead worker names its signal), or the wrong values. */
  readonly error?: string;
  readonly seconds: number;
}

/** The check's call: 64×16×32, A and B small integers, so every summation order gives the exact product. */
function checkCall(): { call: GemmCall; want: Float64Array } {
  const m = 64, n = 16, k = 32;
  const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 17) - 8);
  const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 13) - 6);
  const want = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
    want[i * n + j] = s; // |s| ≤ 32·8·6: exact in binary32 whatever the order
  }
  return { call: { transA: false, transB: false, m, n, k, alpha: 1, a, lda: k, b, ldb: n, beta: 0, c: new Float32Array(m * n).fill(NaN), ldc: n }, want };
}

/**
 * Starts `entry` (a worker process, or the library loaded here), runs one 64×16×32 gemm whose exact
 * result every order reaches, and releases it. Never throws: a failure is returned with its reason.
 */
export function checkBackend(entry: BackendEntry): BackendCheck {
  const t0 = performance.now();
  const done = (error?: string): BackendCheck => ({
    id: entry.id, ok: error === undefined, ...(error !== undefined ? { error } : {}), seconds: (performance.now() - t0) / 1000,
  });
  if (!entry.available) return done(`unavailable: ${entry.reason}`);
  let kernel;
  try {
    kernel = entry.create();
  } catch (e) {
    return done(`failed to start: ${(e as Error).message}`);
  }
  try {
    const { call, want } = checkCall();
    kernel.gemm(call);
    const bad = want.findIndex((w, i) => call.c[i] !== w);
    return bad < 0 ? done() : done(`64x16x32 gemm: element ${bad} is ${call.c[bad]}, the exact product is ${want[bad]}`);
  } catch (e) {
    return done(`64x16x32 gemm failed: ${(e as Error).message}`);
  } finally {
    try { releaseKernel(kernel); } catch { /* already gone */ }
  }
}

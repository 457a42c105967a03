import type { NativeBackend } from "@chimera/native";

/** True when CHIMERA_REQUIRE_NATIVE=1: a missing library or addon is a failure, not a skip. */
export const requireNative = process.env.CHIMERA_REQUIRE_NATIVE === "1";

/** Platform backends (cuBLAS, Accelerate) never run here; they are required only where they exist. */
const platformOnly = new Set(["cublas", "accelerate"]);

/**
 * Skips the current test or hook when `backend` is unavailable, printing why; under
 * CHIMERA_REQUIRE_NATIVE=1 throws instead. Still skipped (pending, with the reason) even then:
 * platform-only backends, and variants this CPU cannot run (a feature their kernels need is missing,
 * or hidden by CHIMERA_CPU_FEATURES): CHIMERA_REQUIRE_NATIVE requires every variant THIS CPU can run.
 */
export function requireOrSkip(ctx: Mocha.Context, backend: Pick<NativeBackend, "id" | "library" | "available" | "reason"> & { readonly cpuReason?: string }): void {
  if (backend.available) return;
  const why = `${backend.id} unavailable: ${backend.reason}`;
  if (backend.cpuReason !== undefined) {
    console.log(`      pending on this CPU: ${backend.id}: ${backend.cpuReason}`);
    ctx.skip();
  }
  if (requireNative && !platformOnly.has(backend.library)) throw new Error(`CHIMERA_REQUIRE_NATIVE=1 but ${why}`);
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

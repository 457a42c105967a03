import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "@chimera/attack";
import { allBackends, releaseKernel } from "./backends.js";
import { fidelityPairs, pairedBackend } from "./fidelity-pairs.js";

/**
 * The real libraries behind emulated backends, for re-checking Chimeras found on the emulations:
 * for each backend, the native kernel it models when that library is available here (started on
 * first use), else null (native and reference backends, or a library that is missing).
 */
export class RealCounterparts {
  private readonly ids: (string | null)[];
  private readonly kernels = new Map<string, Kernel>();

  constructor(backends: readonly Kernel[]) {
    const available = allBackends().filter((b) => b.available);
    this.ids = backends.map((k) => {
      const real = k.info.kind === "emulated" ? fidelityPairs[k.info.id] : undefined;
      return real !== undefined ? pairedBackend(available, real)?.id ?? null : null;
    });
  }

  /** True when every backend is an emulation whose real library is here: then a transfer can be judged. */
  get complete(): boolean {
    return this.ids.length > 0 && this.ids.every((id) => id !== null);
  }

  /** Each real library's label of `x` (batch 1), or null when not complete. */
  labels(model: AttackModel, x: Float32Array): number[] | null {
    if (!this.complete) return null;
    return this.ids.map((id) => {
      let k = this.kernels.get(id!);
      if (!k) {
        k = allBackends().find((b) => b.id === id)!.create();
        this.kernels.set(id!, k);
      }
      const z = model.logits(x, k);
      return z.indexOf(Math.max(...z));
    });
  }

  /** The real library ids (null where there is none). */
  realIds(): (string | null)[] {
    return [...this.ids];
  }

  /** Ends the worker processes started. */
  dispose(): void {
    for (const k of this.kernels.values()) releaseKernel(k);
    this.kernels.clear();
  }
}

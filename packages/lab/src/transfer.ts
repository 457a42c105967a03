import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "@chimera/attack";
import { allBackends, releaseKernel } from "./backends.js";
import { fidelityPairs, pairedBackend } from "./fidelity-pairs.js";

/**
 * The real libraries behind emulated backends, for re-checking Chimeras found on the emulations:
 * for each backend, the native kernel it models when that library is available here (started on
 * first use), else null (native and reference backends, or a library that is missing or cannot run
 * on this CPU). A real library that cannot run, or fails, never loses a found Chimera: the re-check
 * is skipped and `notRechecked` says why.
 */
export class RealCounterparts {
  private readonly ids: (string | null)[];
  private readonly kernels = new Map<string, Kernel>();
  private failure: string | undefined;
  private readonly missing: string[] = [];

  constructor(backends: readonly Kernel[]) {
    const all = allBackends();
    this.ids = backends.map((k) => {
      const real = k.info.kind === "emulated" ? fidelityPairs[k.info.id] : undefined;
      if (real === undefined) return null;
      const entry = pairedBackend(all, real);
      if (entry?.available) return entry.id;
      this.missing.push(`${entry?.id ?? real} ${entry ? `is unavailable here: ${entry.reason}` : "is not in the native catalog"}`);
      return null;
    });
  }

  /**
   * Why a Chimera found on these emulations is not re-checked on the real libraries (a library that is
   * unavailable here, or one that failed), or undefined when it is (or when no backend is an emulation
   * with a real counterpart: nothing to re-check).
   */
  get notRechecked(): string | undefined {
    if (this.failure !== undefined) return this.failure;
    return this.missing.length ? this.missing.join("; ") : undefined;
  }

  /** True when every backend is an emulation whose real library is here: then a transfer can be judged. */
  get complete(): boolean {
    return this.ids.length > 0 && this.ids.every((id) => id !== null);
  }

  /** Each real library's label of `x` (batch 1), or null when not complete or a library failed (see notRechecked). */
  labels(model: AttackModel, x: Float32Array): number[] | null {
    if (!this.complete || this.failure !== undefined) return null;
    try {
      return this.ids.map((id) => {
        let k = this.kernels.get(id!);
        if (!k) {
          k = allBackends().find((b) => b.id === id)!.create();
          this.kernels.set(id!, k);
        }
        const z = model.logits(x, k);
        return z.indexOf(Math.max(...z));
      });
    } catch (e) {
      this.failure = (e as Error).message;
      this.dispose();
      return null;
    }
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

import { referenceKernel, type Kernel, type KernelKind } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";

/** One backend the lab can run: reference, emulated or native, available here or not. */
export interface BackendEntry {
  readonly id: string;
  readonly kind: KernelKind;
  readonly library: string;
  readonly version: string;
  readonly variant: string;
  readonly threads: number;
  readonly available: boolean;
  readonly reason?: string;
  /** A fresh kernel (a native one may start a worker process: release it with releaseKernel). */
  create(): Kernel;
}

/**
 * Every backend, in listing order: the reference kernel, then the native discoveries. (Emulated
 * kernels join this list where they are written; nothing registers itself.)
 */
export function allBackends(): BackendEntry[] {
  const r = referenceKernel.info;
  const reference: BackendEntry = {
    id: r.id, kind: r.kind, library: r.library, version: r.version, variant: r.variant, threads: r.threads,
    available: true, create: () => referenceKernel,
  };
  return [reference, ...discoverNativeBackends().map((b): BackendEntry => ({ ...b, create: () => b.create() }))];
}

/** The kernel for `id`; throws naming the id and why (unknown, with the known ids; or unavailable). */
export function getKernel(id: string, backends: readonly BackendEntry[] = allBackends()): Kernel {
  const b = backends.find((x) => x.id === id);
  if (!b) {
    throw new Error(`unknown backend "${id}"; known: ${backends.map((x) => x.id).join(", ")} (see \`chimera backends\`)`);
  }
  if (!b.available) throw new Error(`backend "${id}" is unavailable here: ${b.reason ?? "no reason given"}`);
  return b.create();
}

/** Releases what a kernel holds (a native worker process); a no-op for pure-TypeScript kernels. */
export function releaseKernel(kernel: Kernel): void {
  const k = kernel as Kernel & { dispose?: () => void };
  if (typeof k.dispose === "function") k.dispose();
}

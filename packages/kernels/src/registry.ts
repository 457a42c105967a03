import type { Kernel, KernelInfo } from "./kernel.js";

/**
 * A registry of kernels built from an explicit list: nothing registers itself by being imported.
 * The application decides which kernels exist, once, and passes kernels to models as arguments.
 */
export class KernelRegistry {
  private readonly byId = new Map<string, Kernel>();

  constructor(kernels: readonly Kernel[]) {
    for (const k of kernels) {
      if (this.byId.has(k.info.id)) throw new Error(`KernelRegistry: duplicate kernel id "${k.info.id}"`);
      this.byId.set(k.info.id, k);
    }
  }

  /** The kernel with this id; throws an error listing the known ids when there is none. */
  get(id: string): Kernel {
    const k = this.byId.get(id);
    if (!k) {
      throw new Error(`unknown backend "${id}"; known: ${[...this.byId.keys()].join(", ")} (see \`chimera backends\`)`);
    }
    return k;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every kernel's info, in registration order. */
  list(): KernelInfo[] {
    return [...this.byId.values()].map((k) => k.info);
  }
}

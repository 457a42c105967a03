import { KernelRegistry, referenceKernel, type Kernel } from "@chimera/kernels";

/** The kernels this build knows (replaced by the full list once emulated and native backends land). */
export function registry(): KernelRegistry {
  return new KernelRegistry([referenceKernel]);
}

/** The kernel with this id; the error lists the known ids. */
export function getKernel(id: string): Kernel {
  return registry().get(id);
}

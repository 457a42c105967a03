import { referenceKernel, type GemmCall, type Kernel } from "@chimera/kernels";

/**
 * A deliberately wrong kernel for tests: the reference gemm, then ε·(j + 1) added to every element of
 * column j of C. Models a backend that differs from the reference deterministically and a lot.
 */
export function perturbedKernel(epsilon: number, id = `perturbed-${epsilon}`): Kernel {
  return {
    info: { ...referenceKernel.info, id, description: `reference plus ${epsilon}·(j+1) on column j` },
    gemm(call: GemmCall) {
      referenceKernel.gemm(call);
      const off = call.cOffset ?? 0;
      for (let i = 0; i < call.m; i++) for (let j = 0; j < call.n; j++) call.c[off + i * call.ldc + j] = Math.fround(call.c[off + i * call.ldc + j]! + epsilon * (j + 1));
    },
    gemv: (call) => referenceKernel.gemv(call),
    dot: (call) => referenceKernel.dot(call),
  };
}

/** The reference kernel under another id: a second backend that never disagrees with the first. */
export function renamedReference(id: string): Kernel {
  return { ...referenceKernel, info: { ...referenceKernel.info, id } };
}

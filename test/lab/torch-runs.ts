import { uint8ImageDomain, type AttackModel } from "@chimera/attack";
import { emulatedKernels } from "@chimera/kernels";
import { allBackends, fidelityPairs, releaseKernel, type LabRun, type TorchLibrary } from "@chimera/lab";

/**
 * The lab's logits for PyTorch to check: each image of `data` on each real library in `libs` and on
 * every emulation of one of them, one run per (image, backend).
 */
export function labRuns(model: AttackModel, libs: readonly TorchLibrary[], data: { n: number; x: Float32Array }): LabRun[] {
  const runs: LabRun[] = [];
  const backends = [...libs.map((l) => l.backendId),
    ...emulatedKernels.map((k) => k.info.id).filter((id) => libs.some((l) => l.backendId === fidelityPairs[id]))];
  const size = data.x.length / data.n;
  for (const id of backends) {
    const kernel = allBackends().find((b) => b.id === id)!.create();
    try {
      for (let i = 0; i < data.n; i++) {
        const x = data.x.slice(i * size, (i + 1) * size);
        runs.push({ what: `image ${i}`, backend: id, image: uint8ImageDomain.encode(x), logits: model.logits(x, kernel) });
      }
    } finally {
      releaseKernel(kernel);
    }
  }
  return runs;
}

// How fast are the emulated kernels on one core, next to the reference kernel, in the same run?
// Targets (issue #4): >= 1.0 GFLOP/s for FMA orders, >= 1.5 for multiply-add orders.
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel } from "@chimera/kernels";
import type { Kernel } from "@chimera/kernels";
import { printTable, randomF32 } from "./table.js";

const shapes: Array<[string, number, number, number]> = [
  ["256x256x256", 256, 256, 256],
  ["1x128x784 (layer 1, batch 1)", 1, 128, 784],
  ["64x128x784 (layer 1, batch 64)", 64, 128, 784],
  ["64x10x128 (layer 2, batch 64)", 64, 10, 128],
];
const kernels: Kernel[] = [referenceKernel, ...emulatedKernels];

const bench = new Bench({ time: 400, warmupTime: 100 });
for (const [name, m, n, k] of shapes) {
  const a = randomF32(m * k, 1), b = randomF32(n * k, 2), c = randomF32(m * n, 3);
  for (const kern of kernels) {
    // nn.Linear's layout with the bias in C (PyTorch's addmm): x (m×k) · Wᵀ (W stored n×k), beta = 1.
    bench.add(`${kern.info.id} ${name}`, () => {
      kern.gemm({ transA: false, transB: true, m, n, k, alpha: 1, a, lda: k, b, ldb: k, beta: 1, c, ldc: n });
    });
  }
}
await bench.run();

const rows = [["kernel", ...shapes.map(([s]) => `${s.split(" ")[0]} GFLOP/s (x ref)`)]];
for (const kern of kernels) {
  const row = [kern.info.id];
  for (const [name, m, n, k] of shapes) {
    const mean = (id: string) => bench.getTask(`${id} ${name}`)!.result!.mean / 1000;
    const g = (2 * m * n * k) / mean(kern.info.id) / 1e9;
    row.push(`${g.toFixed(3)} (${(mean(referenceKernel.info.id) / mean(kern.info.id)).toFixed(2)}x)`);
  }
  rows.push(row);
}
printTable("emulated kernels, one core, C := A·Bᵀ + C (tinybench mean; ratio = reference time / kernel time)", rows);

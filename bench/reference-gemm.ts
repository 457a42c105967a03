// How fast is the reference kernel (textbook order, fp32 rounding at every step) on one core?
import { Bench } from "tinybench";
import { referenceKernel } from "@chimera/kernels";
import { printTable, randomF32 } from "./table.js";

const shapes: Array<[string, number, number, number]> = [
  ["256x256x256", 256, 256, 256],
  ["1x784x128 (MLP layer 1, batch 1)", 1, 128, 784],
  ["64x784x128 (MLP layer 1, batch 64)", 64, 128, 784],
  ["64x128x10 (MLP layer 2, batch 64)", 64, 10, 128],
];

const bench = new Bench({ time: 1000, warmupTime: 200 });
for (const [name, m, n, k] of shapes) {
  const a = randomF32(m * k, 1), b = randomF32(n * k, 2), c = new Float32Array(m * n);
  // The layout nn.Linear uses: x (m×k) times Wᵀ where W is stored n×k.
  bench.add(name, () => {
    referenceKernel.gemm({ transA: false, transB: true, m, n, k, alpha: 1, a, lda: k, b, ldb: k, beta: 0, c, ldc: n });
  });
}
await bench.run();

const rows = [["shape (MxNxK, A·Bᵀ)", "time / call", "GFLOP/s"]];
for (const [name, m, n, k] of shapes) {
  const t = bench.getTask(name)!.result!;
  const secs = t.mean / 1000;
  rows.push([name, `${(secs * 1e6).toFixed(1)} us`, (2 * m * n * k / secs / 1e9).toFixed(3)]);
}
printTable("reference kernel, one core (tinybench mean)", rows);

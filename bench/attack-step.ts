// What does one step of the Chimera search cost on fmnist-mlp, and where does the time go? The
// gradient (one forward + input backward toward the averaged targets) on the float64 gradient kernel
// vs on the reference kernel and on an emulated library (the bit-faithful alternative the issue
// rules out), and the batch-1 Chimera test's forward on each backend. One core, tinybench means.
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel } from "@chimera/kernels";
import { float64GradientKernel, moduleAttackModel } from "@chimera/attack";
import { models } from "@chimera/tensor";
import { printTable, randomF32 } from "./table.js";

const model = moduleAttackModel(models.fmnistMlp({ seed: 0 }).eval(), [784], 10);
const x = randomF32(784, 1).map((v) => Math.abs(v) % 1);
const grads = [float64GradientKernel, referenceKernel, emulatedKernels.find((k) => k.info.id === "openblas-0.3.21-haswell")!];
const bench = new Bench({ time: 1000, warmupTime: 200 });
for (const k of grads) bench.add(`gradient on ${k.info.id}`, () => model.lossGradient(x, [3, 7], k));
for (const k of [referenceKernel, ...emulatedKernels]) bench.add(`Chimera-test forward on ${k.info.id}`, () => model.logits(x, k));
await bench.run();

const base = bench.tasks[0]!.result!.mean;
const rows = [["task", "per call", "calls/s", "vs f64 gradient"]];
for (const t of bench.tasks) {
  const ms = t.result!.mean;
  rows.push([t.name, `${(ms * 1000).toFixed(0)} us`, (1000 / ms).toFixed(0), `${(ms / base).toFixed(2)}x`]);
}
printTable("Chimera search step on fmnist-mlp (batch 1), one core", rows);

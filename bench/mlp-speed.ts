// How fast does the FMNIST MLP run on the reference kernel, per sample, at batch 1 and batch 64,
// and how many training samples per second does an Adam step sustain? One core, tinybench means.
import { Bench } from "tinybench";
import { referenceKernel } from "@chimera/kernels";
import { crossEntropy, models, noGrad, optim, Tensor } from "@chimera/tensor";
import { printTable, randomF32 } from "./table.js";

const kernel = referenceKernel;
const model = models.fmnistMlp({ seed: 0 });
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const batches = [1, 64];
const inputs = new Map(batches.map((b) => [b, randomF32(b * 784, b).map((v) => Math.abs(v))]));
const labels = new Map(batches.map((b) => [b, Int32Array.from({ length: b }, (_, i) => i % 10)]));

const bench = new Bench({ time: 1500, warmupTime: 300 });
for (const b of batches) {
  const x = inputs.get(b)!, y = labels.get(b)!;
  bench.add(`forward b=${b}`, () => {
    noGrad(() => model.forward(new Tensor(x, [b, 784]), { kernel, training: false }));
  });
  bench.add(`forward+backward (d/dinput) b=${b}`, () => {
    const xi = new Tensor(x, [b, 784], { requiresGrad: true });
    for (const p of model.parameters()) p.grad = null;
    crossEntropy(model.forward(xi, { kernel, training: false }), y).backward();
  });
  bench.add(`train step (Adam) b=${b}`, () => {
    opt.zeroGrad();
    crossEntropy(model.forward(new Tensor(x, [b, 784]), { kernel, training: true }), y).backward();
    opt.step();
  });
}
await bench.run();

// multiply-adds of one sample's forward pass: 784·128 + 128·10
const fwdFlops = 2 * (784 * 128 + 128 * 10);
const rows = [["task", "batch", "per sample", "samples/s", "forward GFLOP/s"]];
for (const t of bench.tasks) {
  const b = Number(/b=(\d+)/.exec(t.name)![1]);
  const perSample = t.result!.mean / 1000 / b;
  const gflops = t.name.startsWith("forward b=") ? (fwdFlops / perSample / 1e9).toFixed(3) : "";
  rows.push([t.name.replace(/ b=\d+/, ""), String(b), `${(perSample * 1e6).toFixed(1)} us`, (1 / perSample).toFixed(0), gflops]);
}
printTable("FMNIST MLP (784-128-ReLU-10) on the reference kernel, one core", rows);

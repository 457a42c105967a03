/**
 * Question: how long does one FMNIST-MLP training step (forward + backward, batch 64) take on the
 * reference kernel, and how much of it is the kernel's gemm? Prints a table in milliseconds.
 * Run: npx tsc -b && node build/bench/tensor-mlp-step.js
 */
import { referenceKernel, type GemmCall, type Kernel } from "@chimera/kernels";
import { crossEntropy, models, noGrad, Rng, tensor } from "@chimera/tensor";

let gemmMs = 0;
const timed: Kernel = {
  info: referenceKernel.info,
  gemm(c: GemmCall) {
    const t = performance.now();
    referenceKernel.gemm(c);
    gemmMs += performance.now() - t;
  },
  gemv: (c) => referenceKernel.gemv(c),
  dot: (c) => referenceKernel.dot(c),
};

const rng = new Rng(1);
const model = models.fmnistMlp({ seed: 0 });
const x = tensor(Array.from({ length: 64 * 784 }, () => rng.next()), [64, 1, 28, 28]);
const y = Array.from({ length: 64 }, (_, i) => i % 10);
const ctx = { kernel: timed };

function measure(label: string, reps: number, fn: () => void): [string, string, string] {
  for (let i = 0; i < 3; i++) fn();
  gemmMs = 0;
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  const total = (performance.now() - t) / reps;
  return [label, total.toFixed(2), (gemmMs / reps).toFixed(2)];
}

const rows = [
  measure("forward (noGrad)", 20, () => noGrad(() => model.forward(x, ctx))),
  measure("forward + backward (params)", 20, () => {
    for (const p of model.parameters()) p.grad = null;
    crossEntropy(model.forward(x, ctx), y).backward();
  }),
  measure("forward + backward (params + input)", 20, () => {
    const xi = tensor(x.data, x.shape, { requiresGrad: true });
    for (const p of model.parameters()) p.grad = null;
    crossEntropy(model.forward(xi, ctx), y).backward();
  }),
];
console.log("FMNIST MLP, batch 64, reference kernel, one thread");
const fmt = (r: string[]): string => r[0]!.padEnd(38) + r[1]!.padStart(10) + r[2]!.padStart(10);
console.log(fmt(["step", "total ms", "gemm ms"]));
for (const r of rows) console.log(fmt(r));

// How long does one forward pass take on an emulated backend: the FMNIST MLP at batch 1 and the CIFAR VGG
// (models.cifarVgg) at batch 1, on the reference kernel and a few emulations, and (with
// CHIMERA_BASE_KERNELS, see compiler-ab.ts) on the same emulations of a base build, in one run. One core.
//
// Run: npx tsc -b && [CHIMERA_BASE_KERNELS=/tmp/base/packages/kernels/dist/index.js] nice node build/bench/model-forward-speed.js
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel, type Kernel } from "@chimera/kernels";
import { models, noGrad, Tensor } from "@chimera/tensor";
import { printTable, randomF32 } from "./table.js";

const ids = (process.env.CHIMERA_AB_KERNELS ?? "netlib-3.11,openblas-0.3.21-haswell,mkl-2020.4-avx512").split(",");
const pick = (list: readonly Kernel[], id: string, where: string): Kernel => {
  const k = list.find((x) => x.info.id === id);
  if (!k) throw new Error(`CHIMERA_AB_KERNELS: no emulated kernel "${id}" in ${where}`);
  return k;
};
const kernels: [string, Kernel][] = [["reference", referenceKernel]];
const basePath = process.env.CHIMERA_BASE_KERNELS;
const base = basePath ? ((await import(basePath)) as { emulatedKernels: readonly Kernel[] }).emulatedKernels : undefined;
for (const id of ids) {
  if (base) kernels.push([`base ${id}`, pick(base, id, basePath!)]);
  kernels.push([`this ${id}`, pick(emulatedKernels, id, "this build")]);
}
const mlp = models.fmnistMlp({ seed: 0 }), vgg = models.cifarVgg({ seed: 0 });
const xm = randomF32(784, 1).map(Math.abs), xv = randomF32(3 * 32 * 32, 2);
const bench = new Bench({ time: Number(process.env.CHIMERA_BENCH_TIME ?? 300), iterations: 3, warmupIterations: 1 });
for (const [label, kernel] of kernels) {
  bench.add(`${label} mlp`, () => noGrad(() => mlp.forward(new Tensor(xm, [1, 784]), { kernel, training: false })));
  bench.add(`${label} vgg`, () => noGrad(() => vgg.forward(new Tensor(xv, [1, 3, 32, 32]), { kernel, training: false })));
}
await bench.run();
const ms = (name: string) => bench.getTask(name)!.result!.mean;
const rows = [["kernel", "MLP forward, batch 1 (ms)", "VGG forward, batch 1 (ms)", ...(base ? ["this / base (MLP, VGG)"] : [])]];
for (const [label] of kernels) {
  const id = label.replace(/^(base|this) /, "");
  const ratio = base && label.startsWith("this ") ? [`${(ms(`base ${id} mlp`) / ms(`${label} mlp`)).toFixed(2)}x, ${(ms(`base ${id} vgg`) / ms(`${label} vgg`)).toFixed(2)}x faster`] : base ? [""] : [];
  rows.push([label, ms(`${label} mlp`).toFixed(3), ms(`${label} vgg`).toFixed(1), ...ratio]);
}
printTable("one forward pass, one core, tinybench mean", rows);
console.log(`\n${new Date().toISOString()}, node ${process.version}${basePath ? `, base ${basePath}` : ""}`);

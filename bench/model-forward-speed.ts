// How long does one forward pass take on an emulated backend: the FMNIST MLP at batch 1 and the CIFAR VGG
// (models.cifarVgg) at batch 1, on the reference kernel and a few emulations, each emulation with its
// WebAssembly kernels on ("WASM") and off ("JS", the path CHIMERA_WASM=0 forces), and (with
// CHIMERA_BASE_KERNELS, see compiler-ab.ts) on the same emulations of a base build, in one run. One core.
// The passes are interleaved (round-robin over the kernels, so load on a shared machine hits them alike);
// the table gives each one's median and fastest pass.
//
// Run: npx tsc -b && [CHIMERA_BASE_KERNELS=/tmp/base/packages/kernels/dist/index.js] nice node build/bench/model-forward-speed.js
//      (CHIMERA_BENCH_ROUNDS: MLP passes per kernel, default 60; the VGG gets an eighth of them, at least 3)
import { emulatedKernels, referenceKernel, setWasmEnabled, wasmAvailable, type Kernel } from "@chimera/kernels";
import { models, noGrad, Tensor } from "@chimera/tensor";
import { printTable, randomF32 } from "./table.js";

const ids = (process.env.CHIMERA_AB_KERNELS ?? "netlib-3.11,openblas-0.3.21-haswell,mkl-2020.4-avx512").split(",");
const pick = (list: readonly Kernel[], id: string, where: string): Kernel => {
  const k = list.find((x) => x.info.id === id);
  if (!k) throw new Error(`CHIMERA_AB_KERNELS: no emulated kernel "${id}" in ${where}`);
  return k;
};
/** [label, kernel, WebAssembly on] */
const kernels: [string, Kernel, boolean][] = [["reference", referenceKernel, false]];
const basePath = process.env.CHIMERA_BASE_KERNELS;
const base = basePath ? ((await import(basePath)) as { emulatedKernels: readonly Kernel[] }).emulatedKernels : undefined;
for (const id of ids) {
  if (base) kernels.push([`base ${id}`, pick(base, id, basePath!), false]);
  if (wasmAvailable) kernels.push([`this ${id} WASM`, pick(emulatedKernels, id, "this build"), true]);
  kernels.push([`this ${id} JS`, pick(emulatedKernels, id, "this build"), false]);
}
const mlp = models.fmnistMlp({ seed: 0 }), vgg = models.cifarVgg({ seed: 0 });
const xm = randomF32(784, 1).map(Math.abs), xv = randomF32(3 * 32 * 32, 2);
const wasm = (on: boolean) => { if (wasmAvailable) setWasmEnabled(on); };
const rounds = Number(process.env.CHIMERA_BENCH_ROUNDS ?? 60);
const times = new Map<string, number[]>();
const pass = (name: string, run: () => void) => {
  const t0 = performance.now();
  run();
  const list = times.get(name) ?? [];
  list.push(performance.now() - t0);
  times.set(name, list);
};
const mlpPass = (kernel: Kernel, on: boolean) => () => { wasm(on); noGrad(() => mlp.forward(new Tensor(xm, [1, 784]), { kernel, training: false })); };
const vggPass = (kernel: Kernel, on: boolean) => () => { wasm(on); noGrad(() => vgg.forward(new Tensor(xv, [1, 3, 32, 32]), { kernel, training: false })); };
for (const [, kernel, on] of kernels) for (let i = 0; i < 5; i++) mlpPass(kernel, on)(); // warm up
for (let r = 0; r < rounds; r++) for (const [label, kernel, on] of kernels) pass(`${label} mlp`, mlpPass(kernel, on));
for (let r = 0; r < Math.max(3, rounds >> 3); r++) for (const [label, kernel, on] of kernels) pass(`${label} vgg`, vggPass(kernel, on));
const sorted = (name: string) => [...times.get(name)!].sort((x, y) => x - y);
const ms = (name: string) => { const t = sorted(name); return t[t.length >> 1]!; };
const best = (name: string) => sorted(name)[0]!;
const rows = [["kernel", "MLP forward, batch 1 (ms): median (best)", "VGG forward, batch 1 (ms)", "WASM faster than JS (MLP, VGG)", ...(base ? ["this / base (MLP, VGG)"] : [])]];
for (const [label] of kernels) {
  const id = label.replace(/^(base|this) /, "").replace(/ (WASM|JS)$/, "");
  const ratio = base && label.startsWith("this ") ? [`${(ms(`base ${id} mlp`) / ms(`${label} mlp`)).toFixed(2)}x, ${(ms(`base ${id} vgg`) / ms(`${label} vgg`)).toFixed(2)}x faster`] : base ? [""] : [];
  const js = `this ${id} JS`, gain = label.endsWith(" WASM") ? `${(ms(`${js} mlp`) / ms(`${label} mlp`)).toFixed(2)}x, ${(ms(`${js} vgg`) / ms(`${label} vgg`)).toFixed(2)}x` : "";
  rows.push([label, `${ms(`${label} mlp`).toFixed(3)} (${best(`${label} mlp`).toFixed(3)})`, `${ms(`${label} vgg`).toFixed(1)} (${best(`${label} vgg`).toFixed(1)})`, gain, ...ratio]);
}
printTable(`one forward pass, one core, median (best) of ${rounds} interleaved MLP passes and ${Math.max(3, rounds >> 3)} VGG passes`, rows);
console.log(`\n${new Date().toISOString()}, node ${process.version}${basePath ? `, base ${basePath}` : ""}`);

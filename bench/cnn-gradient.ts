// What does one gradient of the Chimera search cost on fmnist-vgg (a forward and an input backward on the
// float64 gradient kernel, at batch 1), with the kernel's WebAssembly gemm on and off (its JavaScript
// form, the path CHIMERA_WASM=0 forces; same bits), in both convolution modes? One core; the two
// settings alternate pass by pass, so load on a shared machine hits them alike; median (best) of the passes.
//
// Run: npx tsc -b && nice node build/bench/cnn-gradient.js   (CHIMERA_BENCH_ROUNDS: passes per setting, default 40)
import { setWasmEnabled, wasmAvailable } from "@chimera/kernels";
import { float64GradientKernel, moduleAttackModel } from "@chimera/attack";
import { models } from "@chimera/tensor";
import { printTable, randomF32 } from "./table.js";

if (!wasmAvailable) throw new Error("cnn-gradient: this runtime has no WebAssembly SIMD, so there is nothing to compare");
const net = models.fmnistVgg({ seed: 0 }).eval();
const modes = { blas: moduleAttackModel(net, [1, 28, 28], 10), shared: moduleAttackModel(net, [1, 28, 28], 10, { convKernel: float64GradientKernel }) };
const x = randomF32(784, 3).map((v) => Math.abs(v));
const rounds = Number(process.env.CHIMERA_BENCH_ROUNDS ?? 40);
const times = new Map<string, number[]>();
for (let r = -3; r < rounds; r++) {
  for (const [mode, model] of Object.entries(modes)) {
    for (const on of [true, false]) {
      setWasmEnabled(on);
      const t0 = performance.now();
      model.lossGradient(x, [3, 7], float64GradientKernel);
      const dt = performance.now() - t0;
      if (r >= 0) times.set(`${mode} ${on}`, [...(times.get(`${mode} ${on}`) ?? []), dt]);
    }
  }
}
setWasmEnabled(true);
const t = (key: string) => [...times.get(key)!].sort((a, b) => a - b);
const med = (key: string) => t(key)[t(key).length >> 1]!;
const rows = [["--conv", "gemm in WebAssembly (ms)", "gemm in JavaScript (ms)", "WebAssembly faster"]];
for (const mode of Object.keys(modes)) {
  rows.push([mode, `${med(`${mode} true`).toFixed(1)} (${t(`${mode} true`)[0]!.toFixed(1)})`, `${med(`${mode} false`).toFixed(1)} (${t(`${mode} false`)[0]!.toFixed(1)})`, `${(med(`${mode} false`) / med(`${mode} true`)).toFixed(2)}x`]);
}
printTable(`fmnist-vgg input gradient on ${float64GradientKernel.info.id}, batch 1, one core, median (best) of ${rounds} passes`, rows);
console.log(`\n${new Date().toISOString()}, node ${process.version}`);

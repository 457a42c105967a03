// How fast are the emulated kernels on one core, next to the reference kernel and the native library
// each one models, in the same run? Targets (issue #4): >= 1.0 GFLOP/s for FMA orders (OpenBLAS),
// >= 1.5 for multiply-add orders (netlib, BLIS generic, Eigen -O3), at 256^3 and the MLP's shapes,
// batch 1 and gemmRowsAsBatch1 included.
//
// Run: npm run build && node build/bench/emulated-gflops.js   (CHIMERA_BENCH_TIME=ms per task, default 400)
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel, type GemmCall, type Kernel } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { printTable, randomF32 } from "./table.js";

interface Shape { name: string; m: number; n: number; k: number; rowsAsBatch1?: boolean }
const shapes: Shape[] = [
  { name: "256x256x256", m: 256, n: 256, k: 256 },
  { name: "1x128x784", m: 1, n: 128, k: 784 },
  { name: "64x128x784", m: 64, n: 128, k: 784 },
  { name: "64x128x784 rows as batch 1", m: 64, n: 128, k: 784, rowsAsBatch1: true },
  { name: "1x10x128", m: 1, n: 10, k: 128 },
  { name: "64x10x128", m: 64, n: 10, k: 128 },
];
// nn.Linear's layout with the bias in C (PyTorch's addmm): x (m×k) · Wᵀ (W stored n×k), beta = 1.
const calls = new Map(shapes.map((s) => [s.name, {
  transA: false, transB: true, m: s.m, n: s.n, k: s.k, alpha: 1, a: randomF32(s.m * s.k, 1), lda: s.k,
  b: randomF32(s.n * s.k, 2), ldb: s.k, beta: 1, c: randomF32(s.m * s.n, 3), ldc: s.n,
} satisfies GemmCall]));

const natives = new Map<string, Kernel & { dispose(): void }>();
for (const b of discoverNativeBackends()) {
  if (b.available && Object.values(fidelityPairs).includes(b.id)) natives.set(b.id, b.create());
}
const run = (kern: Kernel, s: Shape) => {
  const call = calls.get(s.name)!;
  if (s.rowsAsBatch1) {
    if ("gemmRowsAsBatch1" in kern) (kern as (typeof emulatedKernels)[number]).gemmRowsAsBatch1(call);
    else for (let i = 0; i < s.m; i++) kern.gemm({ ...call, m: 1, aOffset: i * call.lda, cOffset: i * call.ldc });
  } else kern.gemm(call);
};
const time = Number(process.env.CHIMERA_BENCH_TIME ?? 400);
// The warm-up is long on purpose: V8 optimises the tile kernels on a background thread, and on a busy
// machine that takes several hundred milliseconds; the first calls run unoptimised.
const bench = new Bench({ time, warmupTime: 2 * time, warmupIterations: 20 });
const kernels: Kernel[] = [referenceKernel, ...emulatedKernels, ...natives.values()];
for (const s of shapes) for (const kern of kernels) bench.add(`${kern.info.id} ${s.name}`, () => run(kern, s));
await bench.run();

const mean = (id: string, s: Shape) => bench.getTask(`${id} ${s.name}`)!.result!.mean / 1000; // seconds
const gflops = (id: string, s: Shape) => (2 * s.m * s.n * s.k) / mean(id, s) / 1e9;
const rows = [["kernel", ...shapes.map((s) => s.name)]];
for (const kern of [referenceKernel, ...emulatedKernels]) {
  rows.push([kern.info.id, ...shapes.map((s) => `${gflops(kern.info.id, s).toFixed(2)} (${(mean(referenceKernel.info.id, s) / mean(kern.info.id, s)).toFixed(2)}x)`)]);
}
printTable("emulated kernels, one core, C := A·Bᵀ + C: GFLOP/s (speed relative to the reference kernel), tinybench mean", rows);

const nat = [["emulation / native library", ...shapes.map((s) => s.name)]];
for (const kern of emulatedKernels) {
  const real = natives.get(fidelityPairs[kern.info.id] ?? "");
  if (real) nat.push([`${kern.info.id} / ${real.info.id}`, ...shapes.map((s) => `${(mean(kern.info.id, s) / mean(real.info.id, s)).toFixed(1)}x`)]);
}
if (nat.length > 1) printTable("how many times slower the emulation is than its native library (same run; native through the bridge)", nat);
else console.log("\n(no native library available: build @chimera/native and install the Debian packages to compare)");
console.log(`\n${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${time} ms per task`);
for (const k of natives.values()) k.dispose();

// The emulations' WebAssembly SIMD kernels against their JavaScript path, the reference kernel and the native
// library each one models, side by side in one run, one core: C := A·Bᵀ + C (nn.Linear's layout) at 256³,
// 64×128×784, 1×128×784 and 64×128×784 rows as batch 1. Targets (issue #13): multiply-add orders
// ≥ 10 GFLOP/s at 256³ and 64×128×784, ≥ 5 at 1×128×784; FMA orders ≥ 4, ≥ 2 at 1×128×784.
// The same emulation runs with WebAssembly on and off (setWasmEnabled, the switch CHIMERA_WASM=0 sets) in
// the same process; a spread column gives each task's min..max over its samples.
//
// Run: npm run build && nice node build/bench/wasm-gflops.js   (CHIMERA_BENCH_TIME=ms per task, default 400;
//      CHIMERA_WASM_BENCH_KERNELS=comma-separated emulation ids)
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel, setWasmEnabled, wasmAvailable, type GemmCall, type Kernel } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { printTable, randomF32 } from "./table.js";

if (!wasmAvailable) throw new Error("bench/wasm-gflops: this runtime has no WebAssembly SIMD");
interface Shape { name: string; m: number; n: number; k: number; rowsAsBatch1?: boolean }
const shapes: Shape[] = [
  { name: "256x256x256", m: 256, n: 256, k: 256 },
  { name: "64x128x784", m: 64, n: 128, k: 784 },
  { name: "1x128x784", m: 1, n: 128, k: 784 },
  { name: "64x128x784 rows as batch 1", m: 64, n: 128, k: 784, rowsAsBatch1: true },
];
const calls = new Map(shapes.map((s) => [s.name, {
  transA: false, transB: true, m: s.m, n: s.n, k: s.k, alpha: 1, a: randomF32(s.m * s.k, 1), lda: s.k,
  b: randomF32(s.n * s.k, 2), ldb: s.k, beta: 1, c: randomF32(s.m * s.n, 3), ldc: s.n,
} satisfies GemmCall]));

// Multiply-then-add chains (netlib; the SSE-era OpenBLAS, BLIS and MKL kernels) and FMA chains (OpenBLAS Haswell, MKL AVX2).
const ids = (process.env.CHIMERA_WASM_BENCH_KERNELS ?? "netlib-3.11,openblas-0.3.21-nehalem,blis-0.9.0-sandybridge,mkl-2020.4-sse42,openblas-0.3.21-haswell,mkl-2020.4-avx2").split(",");
const emulated = ids.map((id) => {
  const k = emulatedKernels.find((x) => x.info.id === id);
  if (!k) throw new Error(`CHIMERA_WASM_BENCH_KERNELS: no emulated kernel "${id}"; expected one of ${emulatedKernels.map((x) => x.info.id).join(", ")}`);
  return k;
});
const natives = new Map<string, Kernel & { dispose(): void }>();
for (const b of discoverNativeBackends()) {
  if (b.available && ids.some((id) => fidelityPairs[id] === b.id)) natives.set(b.id, b.create());
}

const run = (kern: Kernel, s: Shape) => {
  const call = calls.get(s.name)!;
  if (s.rowsAsBatch1) {
    if ("gemmRowsAsBatch1" in kern) (kern as (typeof emulatedKernels)[number]).gemmRowsAsBatch1(call);
    else for (let i = 0; i < s.m; i++) kern.gemm({ ...call, m: 1, aOffset: i * call.lda, cOffset: i * call.ldc });
  } else kern.gemm(call);
};
const time = Number(process.env.CHIMERA_BENCH_TIME ?? 400);
const bench = new Bench({ time, warmupTime: time, warmupIterations: 10 });
for (const s of shapes) {
  bench.add(`reference ${s.name}`, () => run(referenceKernel, s));
  for (const kern of emulated) {
    bench.add(`${kern.info.id} wasm ${s.name}`, () => { setWasmEnabled(true); run(kern, s); });
    bench.add(`${kern.info.id} js ${s.name}`, () => { setWasmEnabled(false); run(kern, s); });
  }
  for (const [id, kern] of natives) bench.add(`${id} ${s.name}`, () => run(kern, s));
}
await bench.run();
setWasmEnabled(true);

const result = (task: string) => bench.getTask(task)!.result!;
const gflops = (task: string, s: Shape, ms: number) => (2 * s.m * s.n * s.k) / (ms / 1000) / 1e9;
const cell = (task: string, s: Shape) => {
  const r = result(task);
  return `${gflops(task, s, r.mean).toFixed(2)} [${gflops(task, s, r.max).toFixed(1)}..${gflops(task, s, r.min).toFixed(1)}]`;
};
const rows = [["kernel", ...shapes.map((s) => s.name)]];
rows.push(["reference", ...shapes.map((s) => cell(`reference ${s.name}`, s))]);
for (const kern of emulated) {
  rows.push([`${kern.info.id} WASM`, ...shapes.map((s) => cell(`${kern.info.id} wasm ${s.name}`, s))]);
  rows.push([`${kern.info.id} JS`, ...shapes.map((s) => cell(`${kern.info.id} js ${s.name}`, s))]);
  const nat = fidelityPairs[kern.info.id];
  if (nat !== undefined && natives.has(nat)) rows.push([`  native ${nat}`, ...shapes.map((s) => cell(`${nat} ${s.name}`, s))]);
}
printTable("GFLOP/s, one core, C := A·Bᵀ + C, tinybench mean [slowest..fastest sample]", rows);
const ratios = [["emulation", ...shapes.map((s) => `${s.name}: WASM/JS, WASM/ref, native/WASM`)]];
for (const kern of emulated) {
  const nat = fidelityPairs[kern.info.id];
  ratios.push([kern.info.id, ...shapes.map((s) => {
    const w = result(`${kern.info.id} wasm ${s.name}`).mean, j = result(`${kern.info.id} js ${s.name}`).mean, r = result(`reference ${s.name}`).mean;
    const n = nat !== undefined && natives.has(nat) ? `${(w / result(`${nat} ${s.name}`).mean).toFixed(1)}x` : "-";
    return `${(j / w).toFixed(1)}x, ${(r / w).toFixed(1)}x, ${n}`;
  })]);
}
printTable("speed ratios in the same run (WASM faster than JS / than the reference kernel; native faster than WASM)", ratios);
console.log(`\n${new Date().toISOString()}, node ${process.version}, ${time} ms per task`);
for (const k of natives.values()) k.dispose();

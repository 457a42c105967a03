// The fused (FMA) orders' WebAssembly kernels side by side in one process, one core, C := A·Bᵀ + C:
// "grid" (this build, operands whose products are multiples of 2^-179: the cheap midpoint test), "general"
// (this build, the same operands but one value of A set to 2^-120, which keeps the call off the grid: the
// general test), "JS" (CHIMERA_WASM=0's path) and, with CHIMERA_BASE_KERNELS, a base build's WebAssembly
// path. The tasks of a shape are interleaved call by call (round-robin, so load on a shared machine hits them alike);
// the table gives each task's median and fastest call as GFLOP/s.
//
// Run: npx tsc -b && [CHIMERA_BASE_KERNELS=/work/main/packages/kernels/dist/index.js] nice node build/bench/fma-grid.js
//      (CHIMERA_BENCH_ROUNDS, default 40; CHIMERA_FMA_BENCH_KERNELS, comma-separated emulation ids;
//      CHIMERA_FMA_BENCH_SHAPES, comma-separated MxNxK)
import { emulatedKernels, setWasmEnabled, wasmAvailable, type GemmCall, type Kernel } from "@chimera/kernels";
import { printTable, randomF32 } from "./table.js";

if (!wasmAvailable) throw new Error("bench/fma-grid: this runtime has no WebAssembly SIMD");
const ids = (process.env.CHIMERA_FMA_BENCH_KERNELS ?? "openblas-0.3.21-haswell,mkl-2020.4-avx2").split(",");
const basePath = process.env.CHIMERA_BASE_KERNELS;
const baseMod = basePath ? (await import(basePath)) as { emulatedKernels: readonly Kernel[]; setWasmEnabled(on: boolean): boolean } : undefined;
const shapes = (process.env.CHIMERA_FMA_BENCH_SHAPES ?? "256x256x256,64x128x784,1x128x784").split(",").map((s) => {
  const [m, n, k] = s.split("x").map(Number);
  if (!(m! > 0 && n! > 0 && k! > 0)) throw new Error(`CHIMERA_FMA_BENCH_SHAPES: "${s}" is not MxNxK`);
  return { m: m!, n: n!, k: k! };
});
const rounds = Number(process.env.CHIMERA_BENCH_ROUNDS ?? 40);

interface Task { label: string; shape: string; flops: number; run: () => void; times: number[] }
const tasks: Task[] = [];
for (const id of ids) {
  const kern = emulatedKernels.find((k) => k.info.id === id);
  if (!kern) throw new Error(`CHIMERA_FMA_BENCH_KERNELS: no emulated kernel "${id}"`);
  const base = baseMod?.emulatedKernels.find((k) => k.info.id === id);
  for (const { m, n, k } of shapes) {
    const a = randomF32(m * k, 1), b = randomF32(n * k, 2), c = randomF32(m * n, 3);
    const offA = a.slice();
    offA[0] = 2 ** -120; // least exponent field 7: with B's fields near 100, off the 2^-179 grid
    const call = (x: Float32Array): GemmCall => ({ transA: false, transB: true, m, n, k, alpha: 1, a: x, lda: k, b, ldb: k, beta: 1, c: c.slice(), ldc: n });
    const shape = `${m}x${n}x${k}`, flops = 2 * m * n * k;
    const add = (label: string, run: () => void) => tasks.push({ label: `${id} ${label}`, shape, flops, run, times: [] });
    if (base) add("base WASM", () => { baseMod!.setWasmEnabled(true); base.gemm(call(a)); });
    add("WASM grid", () => { setWasmEnabled(true); kern.gemm(call(a)); });
    add("WASM general", () => { setWasmEnabled(true); kern.gemm(call(offA)); });
    add("JS", () => { setWasmEnabled(false); kern.gemm(call(a)); });
  }
}
// One shape at a time (a large call just before a small one disturbs it: caches, collections), its tasks interleaved.
for (const shape of new Set(tasks.map((t) => t.shape))) {
  const group = tasks.filter((t) => t.shape === shape);
  for (const t of group) for (let i = 0; i < 3; i++) t.run(); // warm up (compiles the kernels)
  for (let r = 0; r < rounds; r++) for (const t of group) {
    const t0 = performance.now();
    t.run();
    t.times.push(performance.now() - t0);
  }
}
setWasmEnabled(true);
const gf = (t: Task, ms: number) => (t.flops / (ms / 1000) / 1e9).toFixed(2);
const labels = [...new Set(tasks.map((t) => t.label))], shapeNames = [...new Set(tasks.map((t) => t.shape))];
const rows = [["task", ...shapeNames]];
for (const l of labels) {
  rows.push([l, ...shapeNames.map((s) => {
    const t = tasks.find((x) => x.label === l && x.shape === s)!;
    const sorted = [...t.times].sort((x, y) => x - y);
    return `${gf(t, sorted[sorted.length >> 1]!)} (best ${gf(t, sorted[0]!)})`;
  })]);
}
printTable(`GFLOP/s, one core, median (best) of ${rounds} interleaved calls`, rows);
console.log(`\n${new Date().toISOString()}, node ${process.version}${basePath ? `, base ${basePath}` : ""}`);

// What does exactness cost? The exact kernel (correctly rounded, order-independent) next to the
// reference kernel, the fastest emulation (netlib 3.11) and, when present, native OpenBLAS Haswell
// (serial), timed side by side in one run. ReproBLAS reports ~4x MKL on a dot product.
//
// Run: npm run build && node build/bench/exact-kernel.js
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel, type Kernel } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { exactKernel } from "@chimera/defense";
import { printTable, randomF32 } from "./table.js";

const netlib = emulatedKernels.find((k) => k.info.id.startsWith("netlib-3.11"));
const nativeEntry = discoverNativeBackends().find((b) => b.available && b.id === "openblas-0.3.21-haswell-serial");
const native = nativeEntry?.create();
const kernels: Kernel[] = [exactKernel, referenceKernel, ...(netlib ? [netlib] : []), ...(native ? [native] : [])];

type Shape = { name: string; products: number; run: (k: Kernel) => void };
const x = randomF32(4096, 1), y = randomF32(4096, 2);
const gemmShape = (m: number, k: number, n: number): Shape => {
  const a = randomF32(m * k, 3), b = randomF32(n * k, 4), c = randomF32(m * n, 5);
  // nn.Linear's layout with the bias in C: x (m×k) · Wᵀ (W stored n×k), beta = 1.
  return {
    name: `gemm ${m}x${k}x${n}`, products: m * k * n,
    run: (kern) => kern.gemm({ transA: false, transB: true, m, n, k, alpha: 1, a, lda: k, b, ldb: k, beta: 1, c, ldc: n }),
  };
};
const shapes: Shape[] = [
  { name: "dot 4096", products: 4096, run: (kern) => kern.dot({ n: 4096, x, incx: 1, y, incy: 1 }) },
  gemmShape(1, 784, 128),
  gemmShape(64, 784, 128),
];

const bench = new Bench({ time: 400, warmupTime: 100 });
for (const s of shapes) for (const kern of kernels) bench.add(`${kern.info.id} ${s.name}`, () => s.run(kern));
await bench.run();

const mean = (id: string, s: Shape) => bench.getTask(`${id} ${s.name}`)!.result!.mean / 1000; // seconds
const rows = [["kernel", ...shapes.map((s) => `${s.name}: us (M prod/s)`), ...shapes.map((s) => `exact/kernel ${s.name.split(" ")[0]} ${s.name.split(" ")[1]}`)]];
for (const kern of kernels) {
  rows.push([
    kern.info.id,
    ...shapes.map((s) => `${(mean(kern.info.id, s) * 1e6).toFixed(1)} (${(s.products / mean(kern.info.id, s) / 1e6).toFixed(0)})`),
    ...shapes.map((s) => `${(mean(exactKernel.info.id, s) / mean(kern.info.id, s)).toFixed(2)}x`),
  ]);
}
printTable("exact kernel vs others, one core (tinybench mean; exact/kernel = how many times slower exact is)", rows);
if (!native) console.log("\n(native openblas-0.3.21-haswell-serial unavailable here: build @chimera/native to include it)");
(native as { dispose?: () => void } | undefined)?.dispose?.();

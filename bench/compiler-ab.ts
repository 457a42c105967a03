// Did the emulation refactor change the speed? This branch's emulated kernels next to those of a base build
// (the pre-refactor code, compiled in a separate folder) and the native library, in one process and one run.
//
// Run:
//   mkdir -p /tmp/base && git archive <base commit> packages/kernels tsconfig.base.json | tar -x -C /tmp/base
//   ln -sfn "$PWD/node_modules" /tmp/base/node_modules && (cd /tmp/base && "$OLDPWD/node_modules/.bin/tsc" -p packages/kernels)
//   npx tsc -b && CHIMERA_BASE_KERNELS=/tmp/base/packages/kernels/dist/index.js nice node build/bench/compiler-ab.js
// (CHIMERA_BENCH_TIME = ms per task, default 300; CHIMERA_AB_KERNELS = comma-separated emulated ids.)
import { Bench } from "tinybench";
import { emulatedKernels, referenceKernel, type GemmCall, type Kernel } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { printTable, randomF32 } from "./table.js";

const basePath = process.env.CHIMERA_BASE_KERNELS;
if (!basePath) throw new Error("CHIMERA_BASE_KERNELS: expected the path of the base build's kernels dist/index.js (see this file's header); got nothing");
const base = (await import(basePath)) as { emulatedKernels: readonly Kernel[] };
const ids = (process.env.CHIMERA_AB_KERNELS ?? "netlib-3.11,openblas-0.3.21-haswell,openblas-0.3.21-skylakex,blis-0.9.0-haswell,blis-0.9.0-generic,mkl-2020.4-avx2,mkl-2020.4-avx512,eigen-3.4-sse2").split(",");
const find = (list: readonly Kernel[], id: string, where: string): Kernel => {
  const k = list.find((x) => x.info.id === id);
  if (!k) throw new Error(`CHIMERA_AB_KERNELS: no emulated kernel "${id}" in ${where}`);
  return k;
};
const shapes = [{ m: 256, n: 256, k: 256 }, { m: 64, n: 128, k: 784 }, { m: 1, n: 128, k: 784 }];
const name = (s: { m: number; n: number; k: number }) => `${s.m}x${s.n}x${s.k}`;
const calls = new Map(shapes.map((s) => [name(s), {
  transA: false, transB: true, m: s.m, n: s.n, k: s.k, alpha: 1, a: randomF32(s.m * s.k, 1), lda: s.k,
  b: randomF32(s.n * s.k, 2), ldb: s.k, beta: 1, c: randomF32(s.m * s.n, 3), ldc: s.n,
} satisfies GemmCall]));
const natives = new Map<string, Kernel & { dispose(): void }>();
for (const b of discoverNativeBackends()) if (b.available && ids.some((id) => fidelityPairs[id] === b.id)) natives.set(b.id, b.create());

const time = Number(process.env.CHIMERA_BENCH_TIME ?? 300);
const bench = new Bench({ time, warmupTime: 2 * time, warmupIterations: 10 });
const entries: [string, Kernel][] = [["reference", referenceKernel]];
for (const id of ids) entries.push([`base ${id}`, find(base.emulatedKernels, id, basePath)], [`this ${id}`, find(emulatedKernels, id, "this build")]);
for (const k of natives.values()) entries.push([`native ${k.info.id}`, k]);
for (const s of shapes) for (const [label, k] of entries) bench.add(`${label} ${name(s)}`, () => k.gemm(calls.get(name(s))!));
await bench.run();
const gf = (label: string, s: (typeof shapes)[number]) => (2 * s.m * s.n * s.k) / (bench.getTask(`${label} ${name(s)}`)!.result!.mean / 1000) / 1e9;
const rows = [["kernel", ...shapes.map((s) => `${name(s)} base → this (ratio)`), "native"]];
for (const id of ids) {
  const nat = natives.get(fidelityPairs[id] ?? "");
  rows.push([id, ...shapes.map((s) => `${gf(`base ${id}`, s).toFixed(2)} → ${gf(`this ${id}`, s).toFixed(2)} (${(gf(`this ${id}`, s) / gf(`base ${id}`, s)).toFixed(2)}x)`),
    nat ? `${gf(`native ${nat.info.id}`, shapes[0]!).toFixed(1)} at ${name(shapes[0]!)}` : "-"]);
}
rows.push(["reference kernel", ...shapes.map((s) => gf("reference", s).toFixed(2)), "-"]);
printTable("GFLOP/s, one core, C := A·Bᵀ + C, base build and this build side by side (tinybench mean)", rows);
console.log(`\n${new Date().toISOString()}, node ${process.version}, ${time} ms per task, base ${basePath}`);
for (const k of natives.values()) k.dispose();

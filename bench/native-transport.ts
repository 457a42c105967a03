/**
 * What does hosting a library in a worker process cost? The same library (netlib, then Eigen
 * -march=native) loaded in-process, in a worker with operands in shared memory, and in a worker with
 * operands through the FIFO, timed with tinybench on a 1×784×128 product, a 64×784×128 product and a
 * 1-element dot: the differences are the FIFO round trip (header write and read, both processes'
 * wake-ups) plus, for "pipe", the operand bytes through the kernel.
 *
 * Run: npm run build && node build/bench/native-transport.js
 */
import { Bench } from "tinybench";
import { discoverNativeBackends } from "@chimera/native";
import type { GemmCall } from "@chimera/kernels";

function gemmCall(m: number, k: number, n: number): GemmCall {
  let s = 7;
  const fill = (len: number) => Float32Array.from({ length: len }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1));
  return { transA: false, transB: false, m, n, k, alpha: 1, a: fill(m * k), lda: k, b: fill(k * n), ldb: n, beta: 0, c: new Float32Array(m * n), ldc: n };
}

const rows: string[] = [];
for (const id of ["netlib-3.11.0-generic", "eigen-3.4.0-avx512"]) {
  const backend = discoverNativeBackends().find((b) => b.id === id);
  if (!backend?.available) {
    console.log(`${id}: unavailable (${backend?.reason ?? "unknown id"})`);
    continue;
  }
  const here = backend.create(), there = backend.create({ transport: "worker" });
  const piped = backend.create({ transport: "worker", workerData: "pipe" });
  const one = gemmCall(1, 784, 128), batch = gemmCall(64, 784, 128), x = new Float32Array([1.5]);
  const bench = new Bench({ time: 400, warmupTime: 50 });
  for (const [name, k] of [["in-process", here], ["worker", there], ["pipe", piped]] as const) {
    bench.add(`${id} ${name} gemm 1x784x128`, () => k.gemm(one));
    bench.add(`${id} ${name} gemm 64x784x128`, () => k.gemm(batch));
    bench.add(`${id} ${name} dot n=1`, () => { k.dot({ n: 1, x, incx: 1, y: x, incy: 1 }); });
  }
  await bench.run();
  const mean = new Map(bench.tasks.map((t) => [t.name, (t.result?.mean ?? NaN) * 1000] as const)); // µs
  for (const op of ["gemm 1x784x128", "gemm 64x784x128", "dot n=1"]) {
    const a = mean.get(`${id} in-process ${op}`)!, w = mean.get(`${id} worker ${op}`)!, p = mean.get(`${id} pipe ${op}`)!;
    rows.push(`${id.padEnd(24)} ${op.padEnd(16)} ${a.toFixed(1).padStart(10)} ${w.toFixed(1).padStart(10)} ${(w / a).toFixed(2).padStart(6)} ${p.toFixed(1).padStart(10)} ${(p / a).toFixed(2).padStart(6)}`);
  }
  there.dispose();
  piped.dispose();
}
console.log("mean µs per call; ratio = worker / in-process; shm = operands in a shared region, pipe = through the FIFO");
console.log(`${"library".padEnd(24)} ${"call".padEnd(16)} ${"in-proc".padStart(10)} ${"shm".padStart(10)} ${"ratio".padStart(6)} ${"pipe".padStart(10)} ${"ratio".padStart(6)}`);
for (const r of rows) console.log(r);

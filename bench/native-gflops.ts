/**
 * How fast is each native backend, and what does the bridge cost? For each backend: GFLOP/s of a
 * 1000×1000×1000 sgemm, and the time per call of 1×784×128 and 64×784×128 products (M×K×N, the
 * first layer of an MNIST MLP), each measured twice: around kernel.gemm from JavaScript (validation,
 * copies, and for workers the FIFO round trip) and inside C around the library call alone
 * (timeGemm). bridge = JS time / C time.
 *
 * Run: npm run build && node build/bench/native-gflops.js
 * CHIMERA_BENCH_BACKENDS=all (or a comma-separated id list) widens the default selection.
 */
import { discoverNativeBackends, type NativeKernel } from "@chimera/native";
import type { GemmCall } from "@chimera/kernels";

const defaults = [
  "netlib-3.11.0-generic", "atlas-3.10.3-base", "openblas-0.3.21-haswell-serial", "openblas-0.3.21-cooperlake-serial",
  "openblas-0.3.21-haswell-pthread-t2", "openblas-0.3.21-cooperlake-pthread-t2", "blis-0.9.0-generic-serial",
  "blis-0.9.0-zen3-serial", "blis-0.9.0-zen3-pthread-t2", "blis-0.9.0-auto-pthread-t2", "mkl-2020.4-auto-sequential",
  "mkl-2020.4-avx2-sequential", "mkl-2020.4-avx512-sequential", "mkl-2020.4-avx512-gnu-t2", "eigen-3.4.0-sse2",
  "eigen-3.4.0-avx512",
];

function gemmCall(m: number, k: number, n: number): GemmCall {
  let s = 12345;
  const fill = (len: number) => Float32Array.from({ length: len }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1));
  return { transA: false, transB: false, m, n, k, alpha: 1, a: fill(m * k), lda: k, b: fill(k * n), ldb: n, beta: 0, c: new Float32Array(m * n), ldc: n };
}

/** Seconds per call from JavaScript: repeats until `minSeconds` have passed (after one warm-up call). */
function timeJs(kernel: NativeKernel, call: GemmCall, minSeconds: number): number {
  kernel.gemm(call);
  let reps = 0;
  const t0 = performance.now();
  do {
    kernel.gemm(call);
    reps++;
  } while ((performance.now() - t0) / 1000 < minSeconds);
  return (performance.now() - t0) / 1000 / reps;
}

/** Seconds per call inside C, with as many repetitions as fit in about `minSeconds`. */
function timeC(kernel: NativeKernel, call: GemmCall, minSeconds: number): number {
  const once = kernel.timeGemm(call, 1);
  return kernel.timeGemm(call, Math.max(1, Math.min(100_000, Math.round(minSeconds / Math.max(once, 1e-7)))));
}

const wanted = process.env.CHIMERA_BENCH_BACKENDS;
const backends = discoverNativeBackends().filter((b) =>
  b.available && (wanted === "all" || (wanted ? wanted.split(",") : defaults).includes(b.id)));
const big = gemmCall(1000, 1000, 1000), one = gemmCall(1, 784, 128), batch = gemmCall(64, 784, 128);
const flops = 2 * 1000 ** 3;
const us = (s: number) => (s * 1e6).toFixed(1).padStart(8);

console.log(`native backends (${backends.length}); 1000^3 GFLOP/s, then µs per call from JS | inside C | ratio`);
console.log(`${"backend".padEnd(38)} ${"GF/s JS".padStart(8)} ${"GF/s C".padStart(8)}   ${"1x784x128 JS".padStart(12)} ${"C".padStart(8)} ${"ratio".padStart(6)}   ${"64x784x128 JS".padStart(13)} ${"C".padStart(8)} ${"ratio".padStart(6)}   transport`);
for (const b of backends) {
  const kernel = b.create();
  try {
    const bigJs = timeJs(kernel, big, 1.0), bigC = timeC(kernel, big, 1.0);
    const oneJs = timeJs(kernel, one, 0.3), oneC = timeC(kernel, one, 0.3);
    const batchJs = timeJs(kernel, batch, 0.3), batchC = timeC(kernel, batch, 0.3);
    console.log(`${b.id.padEnd(38)} ${(flops / bigJs / 1e9).toFixed(1).padStart(8)} ${(flops / bigC / 1e9).toFixed(1).padStart(8)}   ${us(oneJs).padStart(12)} ${us(oneC)} ${(oneJs / oneC).toFixed(2).padStart(6)}   ${us(batchJs).padStart(13)} ${us(batchC)} ${(batchJs / batchC).toFixed(2).padStart(6)}   ${kernel.transport}`);
  } finally {
    kernel.dispose();
  }
}

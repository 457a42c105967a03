import { existsSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";
import { loadAddon, type LibraryReport } from "./addon.js";
import type { NativeOps } from "./native-kernel.js";
import { sharedLayout } from "./shared-layout.js";
import { openWorkerChannel } from "./worker-channel.js";
import { IN_SHARED_MEMORY, matrixSpan, Op, vectorSpan } from "./worker-protocol.js";

/** What a worker is asked to load. */
export interface WorkerSpec {
  /** The backend id, for messages. */
  id: string;
  path: string;
  threads: number;
  /** The complete environment of the worker process. */
  env: Record<string, string>;
  /** Milliseconds to wait for the worker to load its library (default 30 s). */
  startTimeoutMs?: number;
  /**
   * How operands travel: "shared-memory" (default: a region both processes map; only a header
   * crosses the FIFO) or "pipe" (operands and result through the FIFOs).
   */
  data?: WorkerData;
}

/** How a worker's operands travel (see WorkerSpec.data). */
export type WorkerData = "shared-memory" | "pipe";

const sharedDir = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
/** Regions made by this module instance; each worker thread has its own instance (and counter), so
 * region names carry the thread id as well as the pid. */
let regionCount = 0;

/**
 * NativeOps on a library hosted by a worker process (worker-channel.ts): each call stages its operand
 * slices (in a shared region that grows on demand, or after the header on the FIFO), exchanges one
 * message, and copies the output block back into the caller's array.
 */
export function workerOps(spec: WorkerSpec): NativeOps {
  const addon = loadAddon();
  const shared = (spec.data ?? "shared-memory") === "shared-memory";
  const { channel, ready } = openWorkerChannel(spec.id, spec.path, spec.threads, spec.env, spec.startTimeoutMs);
  const report = JSON.parse(new TextDecoder().decode(ready)) as LibraryReport;
  const { header, reply, pid } = channel;
  const send = channel.send, receive = channel.receive;
  let region: { floats: Float32Array; bytes: number } | undefined;
  /** Grows the shared region to at least `bytes` (a new file the worker maps, then unlinked). */
  const ensureRegion = (bytes: number): Float32Array => {
    if (region && region.bytes >= bytes) return region.floats;
    const size = Math.max(1 << 20, 2 ** Math.ceil(Math.log2(bytes)));
    const path = join(sharedDir, `chimera-${process.pid}-${threadId}-${++regionCount}`);
    const buf = addon.mapShared(path, size, true);
    const pending = header.slice(); // the request being staged; the remap message borrows the header
    try {
      const name = new TextEncoder().encode(path);
      header.fill(0);
      header.set([Op.remap, size, name.length]);
      send("remap", [name]);
      receive("remap");
    } finally {
      unlinkSync(path);
      header.set(pending);
    }
    region = { floats: new Float32Array(buf), bytes: size };
    return region.floats;
  };
  /**
   * Sends the request in header with its three slices (FIFO or shared region) and returns the
   * third slice as the worker left it (the output operand).
   */
  const exchange = (op: string, slices: [Float32Array, Float32Array, Float32Array]): Float32Array => {
    if (!shared) {
      header[15] = 0;
      send(op, slices.map((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength)));
      const out = receive(op);
      return new Float32Array(out.buffer, 0, out.length / 4);
    }
    const layout = sharedLayout([slices[0].length, slices[1].length, slices[2].length]);
    const f = ensureRegion(layout.bytes);
    for (let i = 0; i < 3; i++) f.set(slices[i]!, layout.offsets[i]);
    header[15] = IN_SHARED_MEMORY;
    send(op, []);
    receive(op);
    return f.subarray(layout.offsets[2], layout.offsets[2] + slices[2].length);
  };
  const slice = (x: Float32Array, offset: number | undefined, length: number) => x.subarray(offset ?? 0, (offset ?? 0) + length);
  const gemmSlices = (op: number, c: GemmCall, reps: number): [Float32Array, Float32Array, Float32Array] => {
    const lenA = matrixSpan(c.transA ? c.k : c.m, c.transA ? c.m : c.k, c.lda);
    const lenB = matrixSpan(c.transB ? c.n : c.k, c.transB ? c.k : c.n, c.ldb);
    const lenC = matrixSpan(c.m, c.n, c.ldc);
    header.set([op, +c.transA, +c.transB, c.m, c.n, c.k, c.alpha, c.beta, c.lda, c.ldb, c.ldc, lenA, lenB, lenC, reps, 0]);
    return [slice(c.a, c.aOffset, lenA), slice(c.b, c.bOffset, lenB), slice(c.c, c.cOffset, lenC)];
  };
  return {
    report: () => report,
    pid,
    gemm(c: GemmCall): void {
      const cs = exchange("gemm", gemmSlices(Op.gemm, c, 0)), off = c.cOffset ?? 0;
      for (let i = 0; i < c.m; i++) c.c.set(cs.subarray(i * c.ldc, i * c.ldc + c.n), off + i * c.ldc);
    },
    timeGemm(c: GemmCall, reps: number): number {
      exchange("timeGemm", gemmSlices(Op.timeGemm, c, reps));
      return reply[2]!;
    },
    gemv(c: GemvCall): void {
      const lenX = c.transA ? c.m : c.n, lenY = c.transA ? c.n : c.m;
      const sa = matrixSpan(c.m, c.n, c.lda), sx = vectorSpan(lenX, c.incx), sy = vectorSpan(lenY, c.incy);
      header.set([Op.gemv, +c.transA, 0, c.m, c.n, 0, c.alpha, c.beta, c.lda, c.incx, c.incy, sa, sx, sy, 0, 0]);
      const ys = exchange("gemv", [slice(c.a, c.aOffset, sa), slice(c.x, c.xOffset, sx), slice(c.y, c.yOffset, sy)]);
      const off = c.yOffset ?? 0;
      for (let i = 0; i < lenY; i++) c.y[off + i * c.incy] = ys[i * c.incy]!;
    },
    dot(c: DotCall): number {
      const sx = vectorSpan(c.n, c.incx), sy = vectorSpan(c.n, c.incy);
      header.set([Op.dot, 0, 0, c.n, 0, 0, 0, 0, 0, c.incx, c.incy, sx, sy, 0, 0, 0]);
      exchange("dot", [slice(c.x, c.xOffset, sx), slice(c.y, c.yOffset, sy), new Float32Array(0)]);
      return reply[2]!;
    },
    dispose(): void {
      region = undefined;
      channel.close();
    },
  };
}

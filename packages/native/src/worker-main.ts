/**
 * A worker process: hosts one library, loaded with the environment its parent chose (core type,
 * threading layer, thread count), and serves calls from its request FIFO until the parent closes it.
 * Usage (by worker-ops.ts only): node worker-main.js REQUEST_FIFO RESPONSE_FIFO '{"path":…,"threads":…}'
 */
import { constants, openSync } from "node:fs";
import type { GemmCall } from "@chimera/kernels";
import { loadAddon } from "./addon.js";
import { inProcessOps } from "./in-process-ops.js";
import type { NativeOps } from "./native-kernel.js";
import { sharedLayout } from "./shared-layout.js";
import { IN_SHARED_MEMORY, Op, readExact, REQUEST_FIELDS, RESPONSE_FIELDS, Status, writeAll } from "./worker-protocol.js";

const [reqPath, respPath, specJson] = process.argv.slice(2);
const addon = loadAddon();
const reqFd = openSync(reqPath!, constants.O_RDONLY | constants.O_NONBLOCK);
addon.setBlocking(reqFd, true);
const respFd = openSync(respPath!, constants.O_WRONLY);
const reply = new Float64Array(RESPONSE_FIELDS);
const encoder = new TextEncoder();

function respond(status: number, payload: Uint8Array, value = 0): void {
  reply.set([status, payload.length, value, 0]);
  writeAll(respFd, [new Uint8Array(reply.buffer), payload]);
}

let ops: NativeOps;
try {
  const spec = JSON.parse(specJson!) as { path: string; threads: number };
  ops = inProcessOps(spec.path, spec.threads);
  // One small product first: MKL loads its code-path library on the first call, and the report
  // should name the path that will run.
  const one = new Float32Array([1]);
  ops.gemm({ transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: one, lda: 1, b: one, ldb: 1, beta: 0, c: new Float32Array(1), ldc: 1 });
  respond(Status.ok, encoder.encode(JSON.stringify(ops.report())));
} catch (e) {
  respond(Status.error, encoder.encode(`failed to load: ${(e as Error).message}`));
  process.exit(1);
}

const header = new Float64Array(REQUEST_FIELDS);
const headerBytes = new Uint8Array(header.buffer);
let arena = new ArrayBuffer(1 << 16);

let region: Float32Array | undefined;

/** Maps the shared region named in a remap request. */
function remap(): void {
  const name = new Uint8Array(header[2]!);
  if (!readExact(reqFd, name)) throw new Error("remap request cut short");
  region = new Float32Array(addon.mapShared(new TextDecoder().decode(name), header[1]!, false));
}

/** The three float32 slices announced in header fields 11..13: in the shared region, or read from the FIFO. */
function readSlices(): [Float32Array, Float32Array, Float32Array] {
  const lens = [header[11]!, header[12]!, header[13]!] as const;
  if (header[15] === IN_SHARED_MEMORY) {
    const { offsets, bytes } = sharedLayout(lens);
    if (!region || region.byteLength < bytes) throw new Error(`operands need ${bytes} shared bytes, region has ${region?.byteLength ?? 0}`);
    return [0, 1, 2].map((i) => region!.subarray(offsets[i]!, offsets[i]! + lens[i]!)) as [Float32Array, Float32Array, Float32Array];
  }
  const total = (lens[0] + lens[1] + lens[2]) * 4;
  if (arena.byteLength < total) arena = new ArrayBuffer(Math.max(total, arena.byteLength * 2));
  if (total > 0 && !readExact(reqFd, new Uint8Array(arena, 0, total))) throw new Error("request cut short");
  const a = new Float32Array(arena, 0, lens[0]);
  const b = new Float32Array(arena, lens[0] * 4, lens[1]);
  const c = new Float32Array(arena, (lens[0] + lens[1]) * 4, lens[2]);
  return [a, b, c];
}

function gemmCall(a: Float32Array, b: Float32Array, c: Float32Array): GemmCall {
  const h = header;
  return {
    transA: h[1] === 1, transB: h[2] === 1, m: h[3]!, n: h[4]!, k: h[5]!, alpha: h[6]!, a, lda: h[8]!, b, ldb: h[9]!,
    beta: h[7]!, c, ldc: h[10]!,
  };
}

/** The result payload: the output slice itself, or nothing when it was written in the shared region. */
function bytes(x: Float32Array): Uint8Array {
  return header[15] === IN_SHARED_MEMORY ? new Uint8Array(0) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

for (;;) {
  if (addon.waitReadable(reqFd, -1) === "hangup" || !readExact(reqFd, headerBytes)) break; // parent gone
  const op = header[0];
  if (op === Op.exit) break;
  try {
    if (op === Op.remap) {
      remap();
      respond(Status.ok, new Uint8Array(0));
      continue;
    }
    const [a, b, c] = readSlices();
    if (op === Op.gemm) {
      ops.gemm(gemmCall(a, b, c));
      respond(Status.ok, bytes(c));
    } else if (op === Op.timeGemm) {
      respond(Status.ok, new Uint8Array(0), ops.timeGemm(gemmCall(a, b, c), header[14]!));
    } else if (op === Op.gemv) {
      const h = header;
      ops.gemv({ transA: h[1] === 1, m: h[3]!, n: h[4]!, alpha: h[6]!, a, lda: h[8]!, x: b, incx: h[9]!, beta: h[7]!, y: c, incy: h[10]! });
      respond(Status.ok, bytes(c));
    } else if (op === Op.dot) {
      respond(Status.ok, new Uint8Array(0), ops.dot({ n: header[3]!, x: a, incx: header[9]!, y: b, incy: header[10]! }));
    } else if (op === Op.report) {
      respond(Status.ok, encoder.encode(JSON.stringify(ops.report())));
    } else {
      respond(Status.error, encoder.encode(`unknown op ${op}`));
    }
  } catch (e) {
    respond(Status.error, encoder.encode((e as Error).message));
  }
}
process.exit(0);

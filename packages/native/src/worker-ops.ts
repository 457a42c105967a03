import { spawn } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";
import { loadAddon, type LibraryReport } from "./addon.js";
import type { NativeOps } from "./native-kernel.js";
import { sharedLayout } from "./shared-layout.js";
import {
  IN_SHARED_MEMORY, matrixSpan, Op, readExact, REQUEST_FIELDS, RESPONSE_FIELDS, Status, vectorSpan, writeAll,
} from "./worker-protocol.js";

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

/** How long one call may take before its worker is presumed stuck (a guard against hangs, not a limit on work). */
const callTimeoutMs = Number(process.env.CHIMERA_NATIVE_CALL_TIMEOUT_MS ?? 600_000);
const sharedDir = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
let regionCount = 0;

const workerMain = join(dirname(fileURLToPath(import.meta.url)), "worker-main.js");
const PIPE_BYTES = 1 << 20;
const live = new Set<string>(); // temp folders of running workers, removed at exit
process.once("exit", () => { for (const d of live) rmSync(d, { recursive: true, force: true }); });

/** True when the process has exited and waits to be reaped (the event loop is blocked meanwhile). */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Starts a worker process hosting one library and returns synchronous NativeOps that talk to it.
 *
 * The parent makes two FIFOs, opens the response FIFO non-blocking (so a worker that dies before
 * connecting cannot hang it), spawns `node worker-main.js`, and polls until the worker's first
 * message (its LibraryReport, or why it failed). Every later call is a blocking write of the request
 * and a blocking read of the response (operands in a shared region by default, see WorkerSpec.data): a worker that dies mid-call closes its FIFO ends, so the
 * parent sees end-of-file (or EPIPE) and throws instead of hanging. The worker exits when the parent
 * closes its end, including when the parent exits.
 */
export function workerOps(spec: WorkerSpec): NativeOps {
  const addon = loadAddon();
  const shared = (spec.data ?? "shared-memory") === "shared-memory";
  const dir = mkdtempSync(join(tmpdir(), "chimera-worker-"));
  live.add(dir);
  const reqPath = join(dir, "request"), respPath = join(dir, "response"), logPath = join(dir, "stderr.log");
  addon.mkfifo(reqPath);
  addon.mkfifo(respPath);
  const respFd = openSync(respPath, constants.O_RDONLY | constants.O_NONBLOCK);
  const logFd = openSync(logPath, "w");
  const child = spawn(process.execPath, [workerMain, reqPath, respPath, JSON.stringify({ path: spec.path, threads: spec.threads })], {
    env: spec.env, stdio: ["ignore", "ignore", logFd],
  });
  closeSync(logFd);
  child.unref();
  const pid = child.pid ?? -1;
  const failed = (what: string): Error => {
    let log = "";
    try { log = readFileSync(logPath, "utf8").trim().split("\n").slice(-8).join(" | "); } catch { /* none */ }
    return new Error(`${spec.id}: worker (pid ${pid}, ${spec.path}) ${what}${log ? `; stderr: ${log}` : ""}`);
  };
  let reqFd = -1;
  const cleanup = (): void => {
    if (reqFd >= 0) closeSync(reqFd);
    closeSync(respFd);
    reqFd = -1;
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  };
  const header = new Float64Array(REQUEST_FIELDS), reply = new Float64Array(RESPONSE_FIELDS);
  const headerBytes = new Uint8Array(header.buffer), replyBytes = new Uint8Array(reply.buffer);

  /** Reads one response; returns its payload bytes (throws the worker's error, or on a dead worker). */
  const receive = (op: string): Uint8Array => {
    if (addon.waitReadable(respFd, callTimeoutMs) === "timeout") {
      child.kill("SIGKILL");
      throw failed(`gave no answer to ${op} within ${callTimeoutMs} ms (CHIMERA_NATIVE_CALL_TIMEOUT_MS); killed`);
    }
    if (!readExact(respFd, replyBytes)) throw failed(`exited during ${op} (end of file on its response FIFO)`);
    const payload = new Uint8Array(reply[1]!);
    if (!readExact(respFd, payload)) throw failed(`exited during ${op}`);
    if (reply[0] !== Status.ok) throw new Error(`${spec.id}: ${new TextDecoder().decode(payload)}`);
    return payload;
  };
  const send = (op: string, chunks: Uint8Array[]): void => {
    if (reqFd < 0) throw new Error(`${spec.id}: ${op}: worker is closed`);
    try {
      writeAll(reqFd, [headerBytes, ...chunks]);
    } catch (e) {
      throw failed(`is gone (${(e as Error).message}) during ${op}`);
    }
  };

  // Start-up: wait for the worker's first message without ever blocking on a dead process.
  const deadline = Date.now() + (spec.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      const state = addon.waitReadable(respFd, 50);
      if (state !== "timeout") break;
      if (isZombie(pid)) throw failed("exited before it connected");
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw failed(`did not start within ${spec.startTimeoutMs ?? 30_000} ms`);
      }
    }
    addon.setBlocking(respFd, true);
    const report = JSON.parse(new TextDecoder().decode(receive("start-up"))) as LibraryReport;
    reqFd = openSync(reqPath, constants.O_WRONLY); // the worker already holds the read end
    addon.setPipeSize(reqFd, PIPE_BYTES);
    unlinkSync(reqPath);
    unlinkSync(respPath);
    return makeOps(report);
  } catch (e) {
    cleanup();
    throw e;
  }

  function makeOps(report: LibraryReport): NativeOps {
    let region: { floats: Float32Array; bytes: number } | undefined;
    /** Grows the shared region to at least `bytes` (a new file the worker maps, then unlinked). */
    const ensureRegion = (bytes: number): Float32Array => {
      if (region && region.bytes >= bytes) return region.floats;
      const size = Math.max(1 << 20, 2 ** Math.ceil(Math.log2(bytes)));
      const path = join(sharedDir, `chimera-${process.pid}-${++regionCount}`);
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
        if (reqFd < 0) return;
        header.fill(0);
        header[0] = Op.exit;
        try { writeAll(reqFd, [headerBytes]); } catch { /* already gone */ }
        region = undefined;
        cleanup();
      },
    };
  }
}

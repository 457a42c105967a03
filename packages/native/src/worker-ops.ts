import { spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";
import { loadAddon, type LibraryReport } from "./addon.js";
import type { NativeOps } from "./native-kernel.js";
import {
  bytesOf, matrixSpan, Op, readExact, REQUEST_FIELDS, RESPONSE_FIELDS, Status, vectorSpan, writeAll,
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
}

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
 * and a blocking read of the response: a worker that dies mid-call closes its FIFO ends, so the
 * parent sees end-of-file (or EPIPE) and throws instead of hanging. The worker exits when the parent
 * closes its end, including when the parent exits.
 */
export function workerOps(spec: WorkerSpec): NativeOps {
  const addon = loadAddon();
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
    const gemmRequest = (op: number, c: GemmCall, reps: number): { chunks: Uint8Array[] } => {
      const lenA = matrixSpan(c.transA ? c.k : c.m, c.transA ? c.m : c.k, c.lda);
      const lenB = matrixSpan(c.transB ? c.n : c.k, c.transB ? c.k : c.n, c.ldb);
      const lenC = matrixSpan(c.m, c.n, c.ldc);
      header.set([op, +c.transA, +c.transB, c.m, c.n, c.k, c.alpha, c.beta, c.lda, c.ldb, c.ldc, lenA, lenB, lenC, reps, 0]);
      return {
        chunks: [bytesOf(c.a, c.aOffset ?? 0, lenA), bytesOf(c.b, c.bOffset ?? 0, lenB), bytesOf(c.c, c.cOffset ?? 0, lenC)],
      };
    };
    return {
      report: () => report,
      pid,
      gemm(c: GemmCall): void {
        send("gemm", gemmRequest(Op.gemm, c, 0).chunks);
        const out = receive("gemm");
        const cs = new Float32Array(out.buffer, 0, out.length / 4), off = c.cOffset ?? 0;
        for (let i = 0; i < c.m; i++) c.c.set(cs.subarray(i * c.ldc, i * c.ldc + c.n), off + i * c.ldc);
      },
      timeGemm(c: GemmCall, reps: number): number {
        send("timeGemm", gemmRequest(Op.timeGemm, c, reps).chunks);
        receive("timeGemm");
        return reply[2]!;
      },
      gemv(c: GemvCall): void {
        const lenX = c.transA ? c.m : c.n, lenY = c.transA ? c.n : c.m;
        const sa = matrixSpan(c.m, c.n, c.lda), sx = vectorSpan(lenX, c.incx), sy = vectorSpan(lenY, c.incy);
        header.set([Op.gemv, +c.transA, 0, c.m, c.n, 0, c.alpha, c.beta, c.lda, c.incx, c.incy, sa, sx, sy, 0, 0]);
        send("gemv", [bytesOf(c.a, c.aOffset ?? 0, sa), bytesOf(c.x, c.xOffset ?? 0, sx), bytesOf(c.y, c.yOffset ?? 0, sy)]);
        const out = receive("gemv");
        const ys = new Float32Array(out.buffer, 0, out.length / 4), off = c.yOffset ?? 0;
        for (let i = 0; i < lenY; i++) c.y[off + i * c.incy] = ys[i * c.incy]!;
      },
      dot(c: DotCall): number {
        const sx = vectorSpan(c.n, c.incx), sy = vectorSpan(c.n, c.incy);
        header.set([Op.dot, 0, 0, c.n, 0, 0, 0, 0, 0, c.incx, c.incy, sx, sy, 0, 0, 0]);
        send("dot", [bytesOf(c.x, c.xOffset ?? 0, sx), bytesOf(c.y, c.yOffset ?? 0, sy)]);
        receive("dot");
        return reply[2]!;
      },
      dispose(): void {
        if (reqFd < 0) return;
        header.fill(0);
        header[0] = Op.exit;
        try { writeAll(reqFd, [headerBytes]); } catch { /* already gone */ }
        cleanup();
      },
    };
  }
}

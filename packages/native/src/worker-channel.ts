import { spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAddon } from "./addon.js";
import { Op, readExact, REQUEST_FIELDS, RESPONSE_FIELDS, Status, writeAll } from "./worker-protocol.js";

/** A running worker process and the two FIFOs to it: one synchronous message exchange at a time. */
export interface WorkerChannel {
  readonly pid: number;
  /** The request header to fill before send(). */
  readonly header: Float64Array;
  /** The last response header: [status, payloadBytes, value, 0]. */
  readonly reply: Float64Array;
  /** Writes the header and then the chunks; throws naming the backend if the worker is gone. */
  send(op: string, chunks: readonly Uint8Array[]): void;
  /** Reads one response and returns its payload; throws the worker's error, or on a dead or stuck worker. */
  receive(op: string): Uint8Array;
  /** Asks the worker to exit and removes the FIFOs' folder. */
  close(): void;
}

/** How long one call may take before its worker is presumed stuck (a guard against hangs, not a limit on work). */
const callTimeoutMs = Number(process.env.CHIMERA_NATIVE_CALL_TIMEOUT_MS ?? 600_000);
const workerMain = join(dirname(fileURLToPath(import.meta.url)), "worker-main.js");
const PIPE_BYTES = 1 << 20;
const live = new Set<string>(); // temp folders of running workers, removed at exit
process.once("exit", () => { for (const d of live) rmSync(d, { recursive: true, force: true }); });

/** Worker folders are named chimera-worker-<pid of the parent>-XXXXXX, so a later run can tell whose they are. */
const FOLDER = /^chimera-worker-(\d+)-/;
let swept = false;

/** True when process `pid` exists (signal 0 only probes; EPERM means it exists under another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes, once per process, the worker folders that parents killed with SIGKILL left in the temp
 * folder (an exit handler cannot run then): those whose parent pid no longer runs. Folders of live
 * processes, of other users (not removable) and of other names are left alone. Returns the removed paths.
 */
export function sweepStaleWorkerFolders(dir = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return removed; }
  for (const name of names) {
    const pid = Number(FOLDER.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    } catch { /* another user's, or gone meanwhile */ }
  }
  return removed;
}

/** True when the process has exited and waits to be reaped (the event loop is blocked meanwhile). */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * How a dead worker ended, read from /proc/<pid>/stat's exit_code field (the waitpid status; the event
 * loop is blocked, so no 'exit' event comes): "was killed by SIGILL: …" or "exited with code N", or ""
 * when it is not (yet) a zombie. Waits up to 200 ms for the process to finish dying.
 */
export function deathOf(id: string, pid: number): string {
  for (const until = Date.now() + 200; ;) {
    let stat = "";
    try { stat = readFileSync(`/proc/${pid}/stat`, "utf8"); } catch { return ""; }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") {
      const code = Number(fields[49]);
      if (!Number.isInteger(code)) return "";
      const sig = code & 0x7f;
      if (sig === 0) return `exited with code ${(code >> 8) & 0xff}`;
      const name = Object.entries(osConstants.signals).find(([, n]) => n === sig)?.[0] ?? `signal ${sig}`;
      return `was killed by ${name}` + (name === "SIGILL" ? `: this CPU lacks an instruction that ${id}'s kernels use` : "");
    }
    if (Date.now() > until) return "";
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}

/**
 * Spawns `node worker-main.js` with `env` to host the library at `path`, and returns the channel once
 * the worker has loaded it (the first response's payload, its LibraryReport JSON, is `ready`).
 *
 * The parent makes two FIFOs and opens the response FIFO non-blocking, so a worker that dies before
 * connecting cannot hang it: it polls for the first message with a timeout, checking whether the child
 * has become a zombie. Afterwards reads and writes block; a worker that dies closes its FIFO ends, so
 * the parent sees end-of-file (or EPIPE) and throws instead of hanging. The worker exits when the parent
 * closes its end, including when the parent exits.
 */
export function openWorkerChannel(
  id: string, path: string, threads: number, env: Record<string, string>, startTimeoutMs = 30_000,
): { channel: WorkerChannel; ready: Uint8Array } {
  const addon = loadAddon();
  if (!swept) {
    swept = true;
    sweepStaleWorkerFolders();
  }
  const dir = mkdtempSync(join(tmpdir(), `chimera-worker-${process.pid}-`));
  live.add(dir);
  const reqPath = join(dir, "request"), respPath = join(dir, "response"), logPath = join(dir, "stderr.log");
  addon.mkfifo(reqPath);
  addon.mkfifo(respPath);
  const respFd = openSync(respPath, constants.O_RDONLY | constants.O_NONBLOCK);
  const logFd = openSync(logPath, "w");
  const child = spawn(process.execPath, [workerMain, reqPath, respPath, JSON.stringify({ path, threads })], {
    env, stdio: ["ignore", "ignore", logFd],
  });
  closeSync(logFd);
  child.unref();
  const pid = child.pid ?? -1;
  const failed = (what: string, dead = true): Error => {
    let log = "";
    try { log = readFileSync(logPath, "utf8").trim().split("\n").slice(-8).join(" | "); } catch { /* none */ }
    const death = dead ? deathOf(id, pid) : "";
    return new Error(`${id}: worker (pid ${pid}, ${path}) ${death ? `${death}; it ` : ""}${what}${log ? `; stderr: ${log}` : ""}`);
  };
  let reqFd = -1;
  const header = new Float64Array(REQUEST_FIELDS), reply = new Float64Array(RESPONSE_FIELDS);
  const headerBytes = new Uint8Array(header.buffer), replyBytes = new Uint8Array(reply.buffer);
  const channel: WorkerChannel = {
    pid, header, reply,
    send(op, chunks) {
      if (reqFd < 0) throw new Error(`${id}: ${op}: worker is closed`);
      try {
        writeAll(reqFd, [headerBytes, ...chunks]);
      } catch (e) {
        throw failed(`is gone (${(e as Error).message}) during ${op}`);
      }
    },
    receive(op) {
      if (addon.waitReadable(respFd, callTimeoutMs) === "timeout") {
        child.kill("SIGKILL");
        throw failed(`gave no answer to ${op} within ${callTimeoutMs} ms (CHIMERA_NATIVE_CALL_TIMEOUT_MS); killed`, false);
      }
      if (!readExact(respFd, replyBytes)) throw failed(`exited during ${op} (end of file on its response FIFO)`);
      const payload = new Uint8Array(reply[1]!);
      if (!readExact(respFd, payload)) throw failed(`exited during ${op}`);
      if (reply[0] !== Status.ok) throw new Error(`${id}: ${new TextDecoder().decode(payload)}`);
      return payload;
    },
    close() {
      if (reqFd >= 0) {
        header.fill(0);
        header[0] = Op.exit;
        try { writeAll(reqFd, [headerBytes]); } catch { /* already gone */ }
        closeSync(reqFd);
        reqFd = -1;
      }
      try { closeSync(respFd); } catch { /* closed */ }
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };

  // Start-up: wait for the worker's first message without ever blocking on a dead process.
  const deadline = Date.now() + startTimeoutMs;
  try {
    while (addon.waitReadable(respFd, 50) === "timeout") {
      if (isZombie(pid)) throw failed("exited before it connected");
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw failed(`did not start within ${startTimeoutMs} ms`, false);
      }
    }
    addon.setBlocking(respFd, true);
    const ready = channel.receive("start-up");
    reqFd = openSync(reqPath, constants.O_WRONLY); // the worker already holds the read end
    addon.setPipeSize(reqFd, PIPE_BYTES);
    unlinkSync(reqPath);
    unlinkSync(respPath);
    return { channel, ready };
  } catch (e) {
    channel.close();
    throw e;
  }
}

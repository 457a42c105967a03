import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/** One HTTP request made synchronously (see SyncHttp). */
export interface SyncRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** The answer: status, content type and body bytes (any status; only transport failures throw). */
export interface SyncResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/** Per-try timeout, retries and back-off of a SyncHttp client. */
export interface SyncHttpOptions {
  /** Milliseconds one try may take (connect, send, answer) before it is abandoned. */
  timeoutMs: number;
  /** Further tries after a failed connection, a timeout, or a 502/503/504 answer. */
  retries: number;
  /** Wait before retry i (0-based) is backoffMs·2^i. */
  backoffMs: number;
}

/** Defaults, overridable by CHIMERA_REMOTE_TIMEOUT_MS and CHIMERA_REMOTE_RETRIES. */
export function syncHttpDefaults(): SyncHttpOptions {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = process.env[name];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    return v;
  };
  return { timeoutMs: num("CHIMERA_REMOTE_TIMEOUT_MS", 60_000, 1), retries: num("CHIMERA_REMOTE_RETRIES", 3, 0), backoffMs: 200 };
}

type Answer = { seq: number } & (({ ok: true } & SyncResponse) | { ok: false; error: string });

const workerUrl = new URL("./sync-http-worker.js", import.meta.url);

/**
 * Synchronous HTTP for the synchronous Kernel contract. A worker thread does the fetch (with the
 * timeout and retries); this thread posts the request with a sequence number and blocks in Atomics.wait
 * until the worker, having posted the answer, writes that number into a shared flag; the answer is then
 * taken with receiveMessageOnPort. A stale wake-up or answer (an earlier call's) is skipped. The worker
 * is unref'd, so an idle client never keeps the process alive. One request at a time.
 */
export class SyncHttp {
  private readonly worker: Worker;
  private readonly port;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** Answers the event loop delivered between calls (a listener keeps them from being dropped). */
  private readonly inbox: Answer[] = [];
  private seq = 0;
  private closed = false;

  constructor(readonly options: SyncHttpOptions = syncHttpDefaults()) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerUrl, { workerData: { port: port2, flag: this.flag, options }, transferList: [port2] });
    this.worker.unref();
    port1.on("message", (m: Answer) => void this.inbox.push(m));
    port1.unref();
  }

  /** Sends `req` and returns the answer; throws with `what` and the cause when every try failed. */
  request(req: SyncRequest, what: string): SyncResponse {
    if (this.closed) throw new Error(`${what}: the HTTP client was closed`);
    const { timeoutMs, retries, backoffMs } = this.options;
    const seq = ++this.seq;
    this.port.postMessage({ seq, req });
    // Every try plus every back-off, and a second of slack for the worker itself. The worker writes the
    // answer's seq into the flag after posting it; a late notify from an earlier call only loops here.
    const limit = (retries + 1) * timeoutMs + backoffMs * (2 ** retries - 1) + 1000;
    const deadline = Date.now() + limit;
    for (let v = Atomics.load(this.flag, 0); v !== seq; v = Atomics.load(this.flag, 0)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: no answer within ${limit} ms (the HTTP worker is stuck)`);
      Atomics.wait(this.flag, 0, v, left);
    }
    let msg: Answer | undefined;
    for (let m = this.next(); m && !msg; m = msg ? undefined : this.next()) if (m.seq === seq) msg = m;
    if (!msg) throw new Error(`${what}: the HTTP worker flagged answer ${seq} but it was not in the queue`);
    if (!msg.ok) throw new Error(`${what}: ${msg.error}`);
    return { status: msg.status, contentType: msg.contentType, body: msg.body };
  }

  private next(): Answer | undefined {
    return this.inbox.shift() ?? (receiveMessageOnPort(this.port)?.message as Answer | undefined);
  }

  /** Stops the worker thread; later requests throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}

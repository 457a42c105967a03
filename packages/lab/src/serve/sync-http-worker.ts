/**
 * The worker thread behind SyncHttp: takes one request at a time from its port, fetches it with a
 * per-try timeout, retries transport failures and 502/503/504 with exponential back-off, posts the
 * answer (or the last failure, in words) and then writes the request's sequence number into the
 * shared flag the caller waits on.
 */
import { workerData, type MessagePort } from "node:worker_threads";
import type { SyncHttpOptions, SyncRequest } from "./sync-http.js";

const { port, flag, options } = workerData as { port: MessagePort; flag: Int32Array; options: SyncHttpOptions };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The innermost cause of a fetch failure, e.g. "connect ECONNREFUSED 127.0.0.1:9". */
function reason(e: unknown): string {
  let err = e as Error & { cause?: unknown; code?: string };
  while (err?.cause instanceof Error) err = err.cause as Error & { cause?: unknown; code?: string };
  if (err?.name === "TimeoutError") return `no answer within ${options.timeoutMs} ms (CHIMERA_REMOTE_TIMEOUT_MS)`;
  return err?.message ?? String(e);
}

async function once(req: SyncRequest): Promise<{ status: number; contentType: string; body: Uint8Array }> {
  const res = await fetch(req.url, {
    method: req.method, headers: req.headers ?? {}, signal: AbortSignal.timeout(options.timeoutMs),
    ...(req.body ? { body: req.body } : {}),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", body };
}

port.on("message", async ({ seq, req }: { seq: number; req: SyncRequest }) => {
  let answer: object | undefined;
  const failures: string[] = [];
  for (let attempt = 0; attempt <= options.retries && !answer; attempt++) {
    if (attempt > 0) await sleep(options.backoffMs * 2 ** (attempt - 1));
    try {
      const r = await once(req);
      if ([502, 503, 504].includes(r.status) && attempt < options.retries) {
        failures.push(`HTTP ${r.status}`);
        continue;
      }
      answer = { ok: true, ...r };
    } catch (e) {
      failures.push(reason(e));
    }
  }
  answer ??= { ok: false, error: `${req.method} ${req.url} failed ${failures.length} times (${[...new Set(failures)].join("; ")})` };
  port.postMessage({ seq, ...answer });
  Atomics.store(flag, 0, seq);
  Atomics.notify(flag, 0);
});

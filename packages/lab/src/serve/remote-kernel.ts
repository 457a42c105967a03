import { readFileSync } from "node:fs";
import { validateDot, validateGemm, validateGemv, type DotCall, type GemmCall, type GemvCall, type Kernel, type KernelInfo, type KernelKind } from "@chimera/kernels";
import { dotSpans, gemmSpans, gemvSpans, packSpans, wireQuery, type WireOp } from "./kernel-wire.js";
import { SyncHttp, type SyncHttpOptions, type SyncResponse } from "./sync-http.js";

/** A backend served by `chimera serve` elsewhere, as a Kernel; `dispose` stops its HTTP worker. */
export interface RemoteKernel extends Kernel {
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  readonly server: string;
  /** The backend's id on the server. */
  readonly remoteId: string;
  /** What the backend reported when the server loaded it (a native library's LibraryReport), or null. */
  readonly remoteReport: Record<string, unknown> | null;
  dispose(): void;
}

/** `remote:http://HOST:PORT/ID` → {server, id}; the error shows the expected form. */
export function parseRemoteId(spec: string): { server: string; id: string } {
  const rest = spec.slice("remote:".length);
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    throw new Error(`backend "${spec}": expected remote:http://HOST:PORT/ID (e.g. remote:http://127.0.0.1:8080/openblas-0.3.21-haswell)`);
  }
  const parts = url.pathname.split("/");
  const id = decodeURIComponent(parts.pop() ?? "");
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !id || url.search || url.hash) {
    throw new Error(`backend "${spec}": expected remote:http://HOST:PORT/ID with a backend id after the port, got "${rest}"`);
  }
  return { server: `${url.origin}${parts.join("/")}`, id };
}

/** The bearer token for remote servers: the contents of $CHIMERA_REMOTE_TOKEN_FILE (trailing whitespace dropped), if set. */
function clientToken(): string | undefined {
  const path = process.env.CHIMERA_REMOTE_TOKEN_FILE;
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8").trimEnd();
  } catch (e) {
    throw new Error(`cannot read CHIMERA_REMOTE_TOKEN_FILE ${path} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** The reason in a non-2xx answer ({error} JSON from our server, else the status). */
function refusal(r: SyncResponse): string {
  const text = new TextDecoder().decode(r.body);
  try {
    const j = JSON.parse(text) as { message?: string; error?: string };
    return `HTTP ${r.status}: ${j.message ?? j.error ?? text}`;
  } catch {
    return `HTTP ${r.status}: ${text.slice(0, 200)}`;
  }
}

/**
 * Connects to the backend `spec` (`remote:http://HOST:PORT/ID`): asks the server for the backend's
 * description (so a wrong id or token fails here, not mid-run), and returns a Kernel whose every call
 * is one synchronous POST. Calls are validated here first (the server validates again). A server that
 * stops answering mid-run fails the call after the retries, naming the server and saying that a
 * rerun resumes from the results folder.
 */
export function remoteKernel(spec: string, options?: SyncHttpOptions): RemoteKernel {
  const { server, id } = parseRemoteId(spec);
  const http = new SyncHttp(options);
  const token = clientToken();
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const base = `${server}/backends/${encodeURIComponent(id)}`;
  const gone = (op: string) => `${spec}: ${op}: the server at ${server} did not answer`;
  let described: SyncResponse;
  try {
    described = http.request({ method: "GET", url: base, headers: auth }, `${spec}: connect`);
  } catch (e) {
    http.close();
    throw new Error(`${(e as Error).message}; is \`chimera serve\` running there? (a run started before resumes from its results folder)`);
  }
  if (described.status !== 200) {
    http.close();
    const hint = described.status === 401 ? " (set CHIMERA_REMOTE_TOKEN_FILE to a file holding the server's --token-file token)" : "";
    throw new Error(`${spec}: the server at ${server} refused: ${refusal(described)}${hint}`);
  }
  const d = JSON.parse(new TextDecoder().decode(described.body)) as {
    id: string; kind: KernelKind; library: string; version: string; variant: string; threads: number; description: string; report?: Record<string, unknown> | null;
  };
  const info: KernelInfo = {
    id: spec, kind: d.kind, library: d.library, version: d.version, variant: d.variant, threads: d.threads,
    description: `${d.description} (served by ${server} as ${d.id})`,
  };
  let disposed = false;
  const call = (op: WireOp, args: Record<string, boolean | number>, body: Uint8Array): Uint8Array => {
    if (disposed) throw new Error(`${spec}: ${op}: kernel was disposed`);
    let r: SyncResponse;
    try {
      r = http.request({ method: "POST", url: `${base}/${op}?${wireQuery(args)}`, headers: { ...auth, "content-type": "application/octet-stream" }, body }, gone(op));
    } catch (e) {
      throw new Error(`${(e as Error).message}; start the server again and rerun: a run resumes from its results folder`);
    }
    if (r.status !== 200) throw new Error(`${spec}: ${op}: ${refusal(r)}`);
    return r.body;
  };
  const into = (bytes: Uint8Array, out: Float32Array, offset: number, length: number, op: WireOp): void => {
    if (bytes.byteLength !== 4 * length) throw new Error(`${spec}: ${op}: the server answered ${bytes.byteLength} bytes, expected ${4 * length}`);
    const f = new Float32Array(length);
    new Uint8Array(f.buffer).set(bytes);
    out.set(f, offset);
  };
  return {
    info, server, remoteId: d.id, remoteReport: d.report ?? null,
    gemm(c: GemmCall): void {
      validateGemm(spec, c);
      if (c.m === 0 || c.n === 0) return;
      const args = { transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, lda: c.lda, ldb: c.ldb, beta: c.beta, ldc: c.ldc };
      const [la, lb, lc] = gemmSpans(args);
      const body = packSpans([{ data: c.a, offset: c.aOffset ?? 0, length: la }, { data: c.b, offset: c.bOffset ?? 0, length: lb }, { data: c.c, offset: c.cOffset ?? 0, length: lc }]);
      into(call("gemm", args, body), c.c, c.cOffset ?? 0, lc, "gemm");
    },
    gemv(c: GemvCall): void {
      validateGemv(spec, c);
      const args = { transA: c.transA, m: c.m, n: c.n, alpha: c.alpha, lda: c.lda, incx: c.incx, beta: c.beta, incy: c.incy };
      const [la, lx, ly] = gemvSpans(args);
      const body = packSpans([{ data: c.a, offset: c.aOffset ?? 0, length: la }, { data: c.x, offset: c.xOffset ?? 0, length: lx }, { data: c.y, offset: c.yOffset ?? 0, length: ly }]);
      const out = call("gemv", args, body);
      // y's stride gaps travel too and come back unchanged, so the whole span is copied back
      into(out, c.y, c.yOffset ?? 0, ly, "gemv");
    },
    dot(c: DotCall): number {
      validateDot(spec, c);
      const args = { n: c.n, incx: c.incx, incy: c.incy };
      const [lx, ly] = dotSpans(args);
      const out = new Float32Array(1);
      into(call("dot", args, packSpans([{ data: c.x, offset: c.xOffset ?? 0, length: lx }, { data: c.y, offset: c.yOffset ?? 0, length: ly }])), out, 0, 1, "dot");
      return out[0]!;
    },
    dispose(): void {
      disposed = true;
      http.close();
    },
  };
}

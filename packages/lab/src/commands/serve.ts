import type { FastifyInstance } from "fastify";
import type { Command, CommandIO, ParsedArgs } from "../cli/command.js";
import { readKeyFile } from "../key-file.js";
import { zooEntry } from "../model-zoo.js";
import { defendRoutes } from "../serve/defend-routes.js";
import { getBoolean, getList, getNumber, getString, isGiven, maybeNumber, maybeString, UsageError } from "../cli/args.js";
import { getKernel, releaseKernel } from "../backends.js";
import { loadReport, type ServedBackend } from "../serve/backend-routes.js";
import { isLoopback, readTokenFile } from "../serve/bearer-token.js";
import { buildServer } from "../serve/server.js";
import { dashboardRoutes, type DashboardOptions } from "../serve/dashboard-routes.js";
import { readFidelity } from "../serve/dashboard-state.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { labRoot } from "../paths.js";

/** The fidelity report the dashboard shows unless --fidelity names another: the committed one. */
export const committedFidelity = resolve(labRoot, "..", "..", "docs", "fidelity", "broad-seed-20261202.json");

export const command: Command = {
  name: "serve",
  summary: "serve this machine's backends over HTTP (fastify) for remote:http://HOST:PORT/ID backends, with a dashboard",
  help: `Usage: chimera serve [--backends A[,B...]] [--results DIR[,DIR...]] [--fidelity FILE] [--host H] [--port P]
                     [--token-file FILE] [--max-body MIB] [--json]
       chimera serve --defend --key-file K --d ULP [--model M] [--backend B] [--host H] [--port P] [--token-file FILE]

Serves backends over HTTP so that another machine's commands can use them as
remote:http://HOST:PORT/ID (attack, experiment, eval, defend, compare, gemm, probe accept that id):

  GET  /backends                      the CPU and each backend with what it reported at load
  GET  /backends/ID                   one backend
  POST /backends/ID/gemm?ARGS         one gemm (binary32 operands in the body; see the README)
  POST /backends/ID/gemv?ARGS, /dot   likewise
  POST /predict?model=M&backends=A,B  8-bit images (N x 784 bytes) -> logits and labels per backend
  GET  /                              the dashboard (HTML): the CPU and backends, the fidelity table,
                                      the experiments in --results (progress, rate, ETA; live through
                                      GET /events, server-sent events), a Chimera gallery, the figures
  GET  /dashboard.json                what the dashboard shows, as JSON

Binds 127.0.0.1 unless --host says otherwise; a host other than loopback needs --token-file, and
then every request must send Authorization: Bearer <token> (clients: CHIMERA_REMOTE_TOKEN_FILE).
With --defend it serves the keyed-noise defended classifier (paper section 5) instead:

  POST /classify                      one 8-bit image (784 bytes) -> {"label": L} under keyed noise
  GET  /classify                      {model, backend, d, inputBytes, classes} (never the key)

Runs until SIGINT or SIGTERM. The first line on stdout names the address.

  --backends A,B    backend ids to serve (see chimera backends)
  --results DIRS    results folders to show on the dashboard, or folders holding them (two levels
                    down; a run started there later appears too); comma-separated
  --fidelity FILE   the fidelity table to show: a chimera fidelity --json report (default the
                    committed docs/fidelity/broad-seed-20261202.json)
  --host H          address to bind (default 127.0.0.1)
  --port P          port (default 8080; 0 picks a free one)
  --token-file FILE bearer token (at least 16 characters; required unless the host is loopback)
  --max-body MIB    largest request body in MiB (default 64)
  --defend          serve the defended classifier (needs --key-file and --d)
  --key-file K      the secret (all bytes of K, at least 16); never printed, logged or answered
  --d ULP           noise magnitude in ULP (the paper calibrates FMNIST to 1000)
  --model M         fmnist-mlp (default), with its committed weights
  --backend B       the kernel the defended classifier runs on (default: reference)
  --json            print {url, backends} as the first line instead of a sentence

Example: chimera serve --backends openblas-0.3.21-haswell --port 8080 &
         chimera attack --backends remote:http://127.0.0.1:8080/openblas-0.3.21-haswell,reference`,
  flags: {
    backends: { type: "list", min: 1 }, host: { type: "string", default: "127.0.0.1" }, port: { type: "int", min: 0, max: 65535, default: 8080 },
    "token-file": { type: "path" }, "max-body": { type: "int", min: 1, max: 4096, default: 64 }, defend: { type: "boolean" },
    "key-file": { type: "path" }, results: { type: "list", min: 1 }, fidelity: { type: "path" }, d: { type: "int", min: 0, max: 2 ** 31 - 1 }, model: { type: "string", default: "fmnist-mlp" },
    backend: { type: "string", default: "reference" },
  },
  async run(args, io) {
    const host = getString(args, "host");
    const port = getNumber(args, "port");
    const tokenFile = maybeString(args, "token-file");
    if (!tokenFile && !isLoopback(host)) {
      throw new UsageError(`--host ${host} is reachable from other machines: give --token-file FILE (a bearer token of at least 16 characters)`);
    }
    const token = tokenFile ? readTokenFile(tokenFile) : undefined;
    const bodyLimit = getNumber(args, "max-body") * 2 ** 20;
    if (getBoolean(args, "defend")) return serveDefended(args, io, host, port, bodyLimit, token);
    for (const f of ["key-file", "d", "model", "backend"]) {
      if (isGiven(args, f)) throw new UsageError(`--${f} belongs to --defend; without it give --backends`);
    }
    if (!isGiven(args, "backends") && !isGiven(args, "results")) throw new UsageError("--backends (backend ids to serve) or --results (folders for the dashboard) is required, or --defend");
    const ids = isGiven(args, "backends") ? getList(args, "backends") : [];
    const dashboard = dashboardOptions(args);
    const served = new Map<string, ServedBackend>();
    try {
      for (const id of ids) {
        const kernel = getKernel(id);
        served.set(id, { kernel, report: loadReport(kernel) });
      }
      const app = buildServer({ backends: served, bodyLimit, ...(token ? { token } : {}), plugins: [dashboardRoutes(served, dashboard)] });
      await listenUntilSignal(app, host, port, (url) => {
        io.out(args.json ? JSON.stringify({ url, backends: ids, results: dashboard.results }) + "\n"
          : `chimera serve: listening on ${url} (backends: ${ids.join(", ") || "none"}; dashboard at ${url}/${dashboard.results.length ? ` showing ${dashboard.results.join(", ")}` : ""})\n`);
      });
    } finally {
      for (const b of served.values()) releaseKernel(b.kernel);
    }
    return 0;
  },
};

/** --results and --fidelity: a folder that does not exist is a usage error; so is an unreadable --fidelity file. */
function dashboardOptions(args: ParsedArgs): DashboardOptions {
  const results = isGiven(args, "results") ? getList(args, "results") : [];
  for (const r of results) if (!existsSync(r)) throw new UsageError(`--results ${r} does not exist; give results folders (or folders holding them)`);
  const given = maybeString(args, "fidelity");
  if (given !== undefined) {
    try {
      return { results, fidelity: readFidelity(given) };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (!existsSync(committedFidelity)) return { results, fidelity: { source: committedFidelity, problem: "not here (an installed package without docs/); give --fidelity FILE" } };
  return { results, fidelity: readFidelity(committedFidelity) };
}

/** `chimera serve --defend`: the defended classifier alone. */
async function serveDefended(args: ParsedArgs, io: CommandIO, host: string, port: number, bodyLimit: number, token: string | undefined): Promise<number> {
  if (isGiven(args, "backends")) throw new UsageError("--defend serves one classifier: give --backend B, not --backends");
  for (const f of ["results", "fidelity"]) if (isGiven(args, f)) throw new UsageError(`--${f} is for the dashboard, which --defend does not serve`);
  const d = maybeNumber(args, "d");
  if (d === undefined) throw new UsageError("--defend needs --d (noise magnitude in ULP, e.g. 1000)");
  const keyFile = maybeString(args, "key-file");
  if (keyFile === undefined) throw new UsageError("--defend needs --key-file K (the secret, at least 16 bytes)");
  const key = readKeyFile(keyFile);
  const model = getString(args, "model");
  zooEntry(model);
  const kernel = getKernel(getString(args, "backend"));
  try {
    const app = buildServer({ backends: new Map(), bodyLimit, ...(token ? { token } : {}), plugins: [defendRoutes({ model, kernel, d, key })] });
    await listenUntilSignal(app, host, port, (url) => {
      io.out(args.json ? JSON.stringify({ url, defend: { model, backend: kernel.info.id, d } }) + "\n"
        : `chimera serve: listening on ${url} (defended ${model} on ${kernel.info.id}, d = ${d} ULP)\n`);
    });
  } finally {
    releaseKernel(kernel);
  }
  return 0;
}

/** Listens, reports the URL, and resolves once SIGINT or SIGTERM has closed the server. */
export async function listenUntilSignal(app: FastifyInstance, host: string, port: number, announce: (url: string) => void): Promise<void> {
  await app.listen({ host, port });
  const addr = app.server.address();
  const actual = typeof addr === "object" && addr ? addr.port : port;
  announce(`http://${host.includes(":") ? `[${host.replace(/^\[|\]$/g, "")}]` : host}:${actual}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void app.close().then(() => resolve());
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

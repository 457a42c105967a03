import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ServerResponse } from "node:http";
import { encodeGrayPng } from "../png.js";
import { backendSchema, cpuDescription, describeBackend, type ServedBackend } from "./backend-routes.js";
import { dashboardPage } from "./dashboard-page.js";
import { ResultsWatch, type FidelityView } from "./dashboard-state.js";

/** What the dashboard shows besides the served backends. */
export interface DashboardOptions {
  /** Results folders, or folders holding them (chimera serve --results). */
  results: readonly string[];
  /** The fidelity table (chimera serve --fidelity, default the committed docs/fidelity report), or why there is none. */
  fidelity: FidelityView | { source: string; problem: string };
  /** How often the results folders are looked at for new records, in ms. */
  pollMs?: number;
}

const noQuery = { type: "object", properties: {}, additionalProperties: false } as const;
const openObject = { type: "object", additionalProperties: true } as const;
const folderSchema = {
  type: "object", additionalProperties: true,
  properties: { id: { type: "string" }, path: { type: "string" }, kind: { type: "string" }, status: { type: "string" }, records: { type: "integer" } },
} as const;

/**
 * The dashboard (GET /): plain HTML, CSS and JavaScript, no framework. Its data:
 *   GET /dashboard.json                       the CPU, the served backends, the fidelity table, every results folder
 *   GET /events                               server-sent events: `results` with every folder's view each time a folder changes
 *   GET /results/:id/figures/:name            an SVG figure the experiment wrote
 *   GET /results/:id/images/:file/:sample/:which  a Chimera (chimera.png) or its source image (source.png), 28×28 grey PNG
 * The folders are polled (stat of their files, every pollMs) rather than fs.watch'ed: that works on
 * the network file systems cluster jobs write to, where inotify sees nothing.
 */
export function dashboardRoutes(served: ReadonlyMap<string, ServedBackend>, opts: DashboardOptions): (app: FastifyInstance) => void {
  return (app) => {
    const watch = new ResultsWatch(opts.results);
    const clients = new Set<ServerResponse>();
    let last = watch.scan();
    const send = (res: ServerResponse, views: unknown) => res.write(`event: results\ndata: ${JSON.stringify(views)}\n\n`);
    const timer = setInterval(() => {
      if (clients.size === 0) return;
      const now = watch.scan();
      if (now.signature === last.signature) return;
      last = now;
      for (const res of clients) send(res, now.views);
    }, opts.pollMs ?? 500);
    timer.unref();
    const heartbeat = setInterval(() => { for (const res of clients) res.write(": keep-alive\n\n"); }, 15_000);
    heartbeat.unref();
    app.addHook("onClose", async () => {
      clearInterval(timer);
      clearInterval(heartbeat);
      for (const res of clients) res.end();
    });

    app.get("/", { schema: { querystring: noQuery, response: { 200: { type: "string" } } } }, async (_req, reply) =>
      reply.type("text/html; charset=utf-8").send(dashboardPage));

    app.get("/dashboard.json", {
      schema: {
        querystring: noQuery,
        response: { 200: { type: "object", properties: { cpu: openObject, backends: { type: "array", items: backendSchema }, fidelity: openObject, results: { type: "array", items: folderSchema } } } },
      },
    }, async () => {
      last = watch.scan();
      return { cpu: cpuDescription(), backends: [...served.values()].map(describeBackend), fidelity: opts.fidelity, results: last.views };
    });

    app.get("/events", { schema: { querystring: noQuery } }, (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write("retry: 2000\n\n");
      last = watch.scan();
      send(res, last.views);
      clients.add(res);
      req.raw.on("close", () => clients.delete(res));
    });

    const figureParams = { type: "object", properties: { id: { type: "string" }, name: { type: "string", pattern: "^[\\w.-]+\\.svg$" } }, required: ["id", "name"] } as const;
    app.get<{ Params: { id: string; name: string } }>("/results/:id/figures/:name", { schema: { params: figureParams, querystring: noQuery } }, async (req, reply) => {
      const dir = watch.folder(req.params.id);
      if (!dir) throw Object.assign(new Error(`no results folder "${req.params.id}" here`), { statusCode: 404 });
      let svg: Buffer;
      try {
        svg = readFileSync(join(dir, req.params.name));
      } catch {
        throw Object.assign(new Error(`no figure ${req.params.name} in ${dir}`), { statusCode: 404 });
      }
      return reply.type("image/svg+xml").header("content-security-policy", "script-src 'none'").send(svg);
    });

    const imageParams = {
      type: "object", required: ["id", "file", "sample", "which"],
      properties: { id: { type: "string" }, file: { type: "string", pattern: "^[\\w.-]+\\.jsonl$" }, sample: { type: "integer", minimum: 0 }, which: { enum: ["source.png", "chimera.png"] } },
    } as const;
    app.get<{ Params: { id: string; file: string; sample: number; which: string } }>("/results/:id/images/:file/:sample/:which", { schema: { params: imageParams, querystring: noQuery } }, async (req, reply) => {
      const { id, file, sample, which } = req.params;
      const pixels = which === "source.png" ? watch.sourceImage(id, sample) : watch.chimeraImage(id, file, sample);
      if (!pixels || pixels.length !== 784) {
        throw Object.assign(new Error(which === "source.png"
          ? `the source of sample ${sample} is not here: neither the fixture nor the installed test set has the data sha256 that folder ${id} pins`
          : `no Chimera for sample ${sample} in ${file} of folder ${id}`), { statusCode: 404 });
      }
      return reply.type("image/png").header("cache-control", "max-age=3600").send(encodeGrayPng(28, 28, pixels));
    });
  };
}

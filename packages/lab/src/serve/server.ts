import { STATUS_CODES } from "node:http";
import Fastify, { type FastifyInstance } from "fastify";
import { backendRoutes, type ServedBackend } from "./backend-routes.js";
import { requireBearer } from "./bearer-token.js";

/** What one `chimera serve` process exposes. */
export interface ServerOptions {
  /** Backends by id (GET /backends, gemm/gemv/dot, predict). */
  backends: ReadonlyMap<string, ServedBackend>;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body, in bytes. */
  bodyLimit: number;
  /** Extra routes (the defended classifier, the dashboard). */
  plugins?: readonly ((app: FastifyInstance) => void)[];
}

/**
 * The fastify app (not yet listening). Query strings are validated strictly: an unknown parameter is a
 * 400, never dropped. Binary bodies (application/octet-stream) arrive as Buffers; errors answer
 * {statusCode, error, message} with the reason, and a 5xx is logged without the request body.
 */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: false, bodyLimit: opts.bodyLimit, forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });
  app.addContentTypeParser("application/octet-stream", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  if (opts.token) requireBearer(app, opts.token);
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const message = err.validation ? `invalid request: ${validationReason(err.validation)}` : err.message;
    void reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? "Error", message });
  });
  backendRoutes(app, opts.backends);
  for (const p of opts.plugins ?? []) p(app);
  return app;
}

/** Ajv's errors in words, naming the parameter: "querystring/m must be integer; unknown parameter zz". */
function validationReason(errors: unknown): string {
  type AjvError = { instancePath?: string; message?: string; params?: { additionalProperty?: string; missingProperty?: string } };
  return (errors as AjvError[]).map((e) => {
    if (e.params?.additionalProperty) return `unknown parameter "${e.params.additionalProperty}"`;
    if (e.params?.missingProperty) return `missing parameter "${e.params.missingProperty}"`;
    return `${(e.instancePath ?? "").replace(/^\//, "") || "value"} ${e.message ?? "is invalid"}`;
  }).join("; ");
}
